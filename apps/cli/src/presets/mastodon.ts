import { definePreset } from './types.js';

/** Mastodon, any instance: authorization code + PKCE at `https://{instance}`. */
export const mastodon = definePreset({
  name: 'mastodon',
  title: 'Mastodon (any instance)',
  docs: 'https://docs.joinmastodon.org/methods/oauth/',
  checked: '2026-12-08',
  params: { instance: { describe: "the server's host name", example: 'fosstodon.org' } },
  shared: {
    baseUrl: 'https://{instance}',
    timeline: { url: 'https://{instance}', format: 'mastodon' },
  },
  strategies: {
    'authorization-code': {
      authorizationUrl: 'https://{instance}/oauth/authorize',
      tokenUrl: 'https://{instance}/oauth/token',
      revocationUrl: 'https://{instance}/oauth/revoke',
      scopes: ['read'],
    },
  },
  // Mastodon's server does not URL-decode HTTP Basic client credentials: client_secret_post, as it documents.
  auth: { confidential: 'post' },
  // No clientId: tokensmith registers an app on the instance (POST /api/v1/apps, found in its metadata) and reuses it.
  registersAt: 'https://{instance}',
  quirks: {
    refreshTokens: 'none',
    noExpiry: true,
    notes: [
      'an app must be registered on each instance (POST /api/v1/apps) before any OAuth',
      'client credentials go in the request body (client_secret_post)',
      'no refresh token and no expires_in: the token lasts until revoked at the instance',
    ],
  },
  discovery: 'https://{instance}/.well-known/oauth-authorization-server',
});
