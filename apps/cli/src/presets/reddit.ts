import { definePreset } from './types.js';

/** Reddit OAuth2 (API calls go to oauth.reddit.com). */
export const reddit = definePreset({
  name: 'reddit',
  title: 'Reddit',
  docs: 'https://github.com/reddit-archive/reddit/wiki/OAuth2',
  checked: '2026-12-08',
  shared: { baseUrl: 'https://oauth.reddit.com' },
  strategies: {
    'authorization-code': {
      authorizationUrl: 'https://www.reddit.com/api/v1/authorize',
      tokenUrl: 'https://www.reddit.com/api/v1/access_token',
      revocationUrl: 'https://www.reddit.com/api/v1/revoke_token',
      scopes: ['identity'],
      // duration=permanent: Reddit issues a refresh token only then.
      authorizationParams: { duration: 'permanent' },
    },
    'client-credentials': {
      tokenUrl: 'https://www.reddit.com/api/v1/access_token',
      authMethod: 'basic',
    },
  },
  auth: { confidential: 'basic', public: 'none' },
  quirks: { notes: ['the token endpoint takes client credentials in HTTP Basic only', 'a refresh token comes with duration=permanent'] },
});
