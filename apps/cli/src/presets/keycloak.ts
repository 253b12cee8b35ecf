import { definePreset } from './types.js';

/** Keycloak (17 and later, no /auth prefix): one realm on the server's domain. */
export const keycloak = definePreset({
  name: 'keycloak',
  title: 'Keycloak',
  docs: 'https://www.keycloak.org/securing-apps/oidc-layers',
  checked: '2026-12-08',
  params: {
    domain: { describe: "the Keycloak server's host (and port)", example: 'sso.example.com' },
    realm: { describe: 'the realm', example: 'myrealm' },
  },
  shared: {
    // scope openid: the ID token is checked against the issuer's discovered keys (the endpoints below override discovery).
    issuer: 'https://{domain}/realms/{realm}',
  },
  strategies: {
    'authorization-code': {
      authorizationUrl: 'https://{domain}/realms/{realm}/protocol/openid-connect/auth',
      tokenUrl: 'https://{domain}/realms/{realm}/protocol/openid-connect/token',
      revocationUrl: 'https://{domain}/realms/{realm}/protocol/openid-connect/revoke',
      scopes: ['openid'],
    },
    'device-code': {
      deviceAuthorizationUrl: 'https://{domain}/realms/{realm}/protocol/openid-connect/auth/device',
      tokenUrl: 'https://{domain}/realms/{realm}/protocol/openid-connect/token',
      revocationUrl: 'https://{domain}/realms/{realm}/protocol/openid-connect/revoke',
      scopes: ['openid'],
    },
    'client-credentials': {
      tokenUrl: 'https://{domain}/realms/{realm}/protocol/openid-connect/token',
      authMethod: 'basic',
    },
  },
  auth: { confidential: 'basic', public: 'none' },
  discovery: 'https://{domain}/realms/{realm}/.well-known/openid-configuration',
});
