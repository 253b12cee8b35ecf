import { definePreset } from './types.js';

/** Dropbox API v2. */
export const dropbox = definePreset({
  name: 'dropbox',
  title: 'Dropbox',
  docs: 'https://developers.dropbox.com/oauth-guide',
  checked: '2026-12-08',
  shared: { baseUrl: 'https://api.dropboxapi.com' },
  strategies: {
    'authorization-code': {
      authorizationUrl: 'https://www.dropbox.com/oauth2/authorize',
      tokenUrl: 'https://api.dropboxapi.com/oauth2/token',
      scopes: ['account_info.read'],
      // token_access_type=offline: Dropbox issues a refresh token only then.
      authorizationParams: { token_access_type: 'offline' },
    },
  },
  auth: { confidential: 'basic', public: 'none' },
  quirks: { notes: ['a refresh token comes with token_access_type=offline', 'revocation is POST /2/auth/token/revoke (not RFC 7009)'] },
});
