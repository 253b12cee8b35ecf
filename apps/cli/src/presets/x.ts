import { definePreset } from './types.js';

/** X (Twitter) OAuth 2 user context: authorization code + PKCE, a refresh token only with `offline.access`. */
export const x = definePreset({
  name: 'x',
  title: 'X (OAuth 2 user context)',
  docs: 'https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code',
  checked: '2026-12-08',
  shared: {
    baseUrl: 'https://api.x.com',
    timeline: { url: 'https://api.x.com/2', format: 'twitter-v2' },
  },
  strategies: {
    'authorization-code': {
      authorizationUrl: 'https://x.com/i/oauth2/authorize',
      tokenUrl: 'https://api.x.com/2/oauth2/token',
      revocationUrl: 'https://api.x.com/2/oauth2/revoke',
      // offline.access: without it X issues no refresh token and the access token lasts two hours.
      scopes: ['tweet.read', 'users.read', 'offline.access'],
      // Each refresh spends the refresh token and returns a new one: a spent one is never kept.
      singleUseRefreshTokens: true,
    },
  },
  // "If you are working with confidential clients, you will need to use a basic authentication scheme."
  auth: { confidential: 'basic', public: 'none' },
  quirks: {
    refreshTokens: 'single-use',
    notes: [
      'a refresh token is issued only with the offline.access scope',
      'refresh tokens are single-use: each refresh returns a new one',
      'confidential clients authenticate with HTTP Basic; public clients send only client_id',
    ],
  },
});
