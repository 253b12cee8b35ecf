import { definePreset } from './types.js';

/** X (Twitter) OAuth 1.0a user context with the PIN (out-of-band) flow. */
export const xOauth1 = definePreset({
  name: 'x-oauth1',
  title: 'X (OAuth 1.0a, PIN)',
  docs: 'https://docs.x.com/fundamentals/authentication/oauth-1-0a/pin-based-oauth',
  checked: '2026-12-08',
  shared: {
    baseUrl: 'https://api.x.com',
    timeline: { url: 'https://api.x.com/2', format: 'twitter-v2' },
  },
  strategies: {
    'oauth1-pin': {
      requestTokenUrl: 'https://api.x.com/oauth/request_token',
      authorizeUrl: 'https://api.x.com/oauth/authorize',
      accessTokenUrl: 'https://api.x.com/oauth/access_token',
    },
  },
  quirks: { noExpiry: true, notes: ['OAuth 1.0a access tokens do not expire; they end when the person revokes the app'] },
});
