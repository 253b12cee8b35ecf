import { definePreset } from './types.js';

/** Okta, its `default` custom authorization server on the org's domain. */
export const okta = definePreset({
  name: 'okta',
  title: 'Okta',
  docs: 'https://developer.okta.com/docs/reference/api/oidc/',
  checked: '2026-12-08',
  params: { domain: { describe: "the Okta org's domain", example: 'dev-123456.okta.com' } },
  shared: {
    // scope openid: the ID token is checked against the issuer's discovered keys (the endpoints below override discovery).
    issuer: 'https://{domain}/oauth2/default',
  },
  strategies: {
    'authorization-code': {
      authorizationUrl: 'https://{domain}/oauth2/default/v1/authorize',
      tokenUrl: 'https://{domain}/oauth2/default/v1/token',
      revocationUrl: 'https://{domain}/oauth2/default/v1/revoke',
      scopes: ['openid', 'profile', 'offline_access'],
    },
    'device-code': {
      deviceAuthorizationUrl: 'https://{domain}/oauth2/default/v1/device/authorize',
      tokenUrl: 'https://{domain}/oauth2/default/v1/token',
      revocationUrl: 'https://{domain}/oauth2/default/v1/revoke',
      scopes: ['openid', 'profile', 'offline_access'],
    },
    'client-credentials': {
      tokenUrl: 'https://{domain}/oauth2/default/v1/token',
      authMethod: 'basic',
    },
  },
  auth: { confidential: 'basic', public: 'none' },
  quirks: { notes: ['a refresh token comes with the offline_access scope (and the grant enabled on the app)'] },
  discovery: 'https://{domain}/oauth2/default/.well-known/oauth-authorization-server',
});
