import { definePreset } from './types.js';

/** Microsoft identity platform (Entra ID) v2.0 endpoints, per tenant. */
export const microsoft = definePreset({
  name: 'microsoft',
  title: 'Microsoft (Entra ID)',
  docs: 'https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc',
  checked: '2026-12-08',
  params: {
    tenant: {
      describe: 'the tenant: its ID or domain, or common, organizations, consumers',
      example: 'common',
      default: 'common',
    },
  },
  shared: { baseUrl: 'https://graph.microsoft.com' },
  strategies: {
    'authorization-code': {
      authorizationUrl: 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize',
      tokenUrl: 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token',
      scopes: ['offline_access', 'User.Read'],
    },
    'device-code': {
      deviceAuthorizationUrl: 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/devicecode',
      tokenUrl: 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token',
      scopes: ['offline_access', 'User.Read'],
    },
    'client-credentials': {
      tokenUrl: 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token',
      scope: 'https://graph.microsoft.com/.default',
      authMethod: 'post',
    },
  },
  auth: { confidential: 'post', public: 'none' },
  quirks: {
    notes: [
      'a refresh token comes with the offline_access scope',
      'no RFC 7009 revocation endpoint',
      'no openid scope by default: the common tenant publishes a templated issuer ({tenantid}) that discovery cannot match; add openid with issuer for one tenant',
    ],
  },
  discovery: 'https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration',
});
