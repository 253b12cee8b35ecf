import { definePreset } from './types.js';

/** LinkedIn (Sign In with LinkedIn using OpenID Connect, and the REST API). */
export const linkedin = definePreset({
  name: 'linkedin',
  title: 'LinkedIn',
  docs: 'https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow',
  checked: '2026-12-08',
  shared: {
    // scope openid: the ID token is checked against the issuer's discovered keys (the endpoints below override discovery).
    issuer: 'https://www.linkedin.com/oauth',
    baseUrl: 'https://api.linkedin.com',
  },
  strategies: {
    'authorization-code': {
      authorizationUrl: 'https://www.linkedin.com/oauth/v2/authorization',
      tokenUrl: 'https://www.linkedin.com/oauth/v2/accessToken',
      revocationUrl: 'https://www.linkedin.com/oauth/v2/revoke',
      scopes: ['openid', 'profile', 'email'],
    },
    'client-credentials': {
      tokenUrl: 'https://www.linkedin.com/oauth/v2/accessToken',
      authMethod: 'post',
    },
  },
  auth: { confidential: 'post' },
  quirks: { notes: ['client credentials go in the request body', 'refresh tokens only for approved partner apps'] },
  discovery: 'https://www.linkedin.com/oauth/.well-known/openid-configuration',
});
