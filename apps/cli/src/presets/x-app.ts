import { definePreset } from './types.js';

/** X (Twitter) app-only: a bearer token from client credentials, no user; it has no expiry. */
export const xApp = definePreset({
  name: 'x-app',
  title: 'X (app-only bearer token)',
  docs: 'https://docs.x.com/fundamentals/authentication/oauth-2-0/bearer-tokens',
  checked: '2026-12-08',
  shared: {
    baseUrl: 'https://api.x.com',
    timeline: { url: 'https://api.x.com/2', format: 'twitter-v2' },
  },
  strategies: {
    'client-credentials': {
      tokenUrl: 'https://api.x.com/oauth2/token',
      invalidateUrl: 'https://api.x.com/oauth2/invalidate_token',
      authMethod: 'basic',
    },
  },
  quirks: {
    refreshTokens: 'none',
    noExpiry: true,
    notes: ['the bearer token has no expires_in: it lasts until invalidated', 'app-only calls read public data: a timeline needs a user'],
  },
});
