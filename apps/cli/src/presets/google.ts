import { definePreset } from './types.js';

/** Google (OpenID Connect): web flow or the limited-input device flow. */
export const google = definePreset({
  name: 'google',
  title: 'Google',
  docs: 'https://developers.google.com/identity/protocols/oauth2/openid-connect',
  checked: '2026-12-08',
  shared: {
    // scope openid: the ID token is checked against the issuer's discovered keys (the endpoints below override discovery).
    issuer: 'https://accounts.google.com',
    baseUrl: 'https://www.googleapis.com',
  },
  strategies: {
    'authorization-code': {
      authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      revocationUrl: 'https://oauth2.googleapis.com/revoke',
      scopes: ['openid', 'email'],
      // Google issues a refresh token to a web-flow client only when asked for offline access.
      authorizationParams: { access_type: 'offline' },
    },
    'device-code': {
      deviceAuthorizationUrl: 'https://oauth2.googleapis.com/device/code',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      revocationUrl: 'https://oauth2.googleapis.com/revoke',
      scopes: ['openid', 'email'],
    },
  },
  auth: { confidential: 'post', public: 'none' },
  quirks: { notes: ['a refresh token comes with access_type=offline (set by the preset)'] },
  discovery: 'https://accounts.google.com/.well-known/openid-configuration',
});
