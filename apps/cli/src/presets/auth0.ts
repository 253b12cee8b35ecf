import { definePreset } from './types.js';

/** Auth0, on the tenant's domain. */
export const auth0 = definePreset({
  name: 'auth0',
  title: 'Auth0',
  docs: 'https://auth0.com/docs/api/authentication',
  checked: '2026-12-08',
  params: { domain: { describe: "the tenant's domain", example: 'example.us.auth0.com' } },
  shared: {
    // scope openid: the ID token is checked against the issuer's discovered keys (the endpoints below override discovery).
    issuer: 'https://{domain}/',
  },
  strategies: {
    'authorization-code': {
      authorizationUrl: 'https://{domain}/authorize',
      tokenUrl: 'https://{domain}/oauth/token',
      revocationUrl: 'https://{domain}/oauth/revoke',
      scopes: ['openid', 'profile', 'offline_access'],
    },
    'device-code': {
      deviceAuthorizationUrl: 'https://{domain}/oauth/device/code',
      tokenUrl: 'https://{domain}/oauth/token',
      revocationUrl: 'https://{domain}/oauth/revoke',
      scopes: ['openid', 'profile', 'offline_access'],
    },
    'client-credentials': {
      tokenUrl: 'https://{domain}/oauth/token',
      authMethod: 'post',
    },
  },
  auth: { confidential: 'post', public: 'none' },
  quirks: { notes: ['an API access token needs authorizationParams.audience (the API identifier)'] },
  discovery: 'https://{domain}/.well-known/openid-configuration',
});
