import type { ServerResponse } from 'node:http';
import { sendJson, type SandboxRequest } from './http-util.js';
import { authorizeGet, authorizePost } from './oauth2-authorize.js';
import { deviceAuthorization, deviceCodeGrant, deviceDecision, devicePage } from './oauth2-device.js';
import { DEVICE_CODE_GRANT_TYPE, OAUTH2_USER_SCOPES } from './oauth2-grants.js';
import { ASSERTION_ALGORITHMS, TOKEN_ENDPOINT_AUTH_METHODS } from './client-assertion.js';
import { signingKey } from './oauth2-id-token.js';
import { oauth2Data } from './oauth2-records.js';
import { JWT_BEARER_GRANT_TYPE, TOKEN_EXCHANGE_GRANT_TYPE } from './oauth2-workload.js';
import { DPOP_SIGNING_ALGS } from './dpop.js';
import { parData } from './par.js';
import { authorizationCodeGrant, introspect, refreshTokenGrant, revoke } from './oauth2-token.js';
import { addRoute, type SandboxState } from './state.js';

type GrantHandler = (req: SandboxRequest, res: ServerResponse, state: SandboxState) => void | Promise<void>;

/**
 * The RFC 8414 / OpenID Connect discovery document of a sandbox.
 *
 * @example
 * ```ts
 * oauth2Metadata(state).device_authorization_endpoint; // 'http://127.0.0.1:8787/oauth2/device_authorization'
 * ```
 */
export function oauth2Metadata(state: SandboxState): Record<string, unknown> {
  const at = (path: string) => new URL(path, state.baseUrl).href;
  const authMethods = TOKEN_ENDPOINT_AUTH_METHODS;
  const signingAlgs = [...ASSERTION_ALGORITHMS.private_key_jwt, ...ASSERTION_ALGORITHMS.client_secret_jwt];
  return {
    issuer: state.baseUrl,
    authorization_endpoint: at('/oauth2/authorize'),
    token_endpoint: at('/oauth2/token'),
    device_authorization_endpoint: at('/oauth2/device_authorization'),
    revocation_endpoint: at('/oauth2/revoke'),
    introspection_endpoint: at('/oauth2/introspect'),
    jwks_uri: at('/oauth2/jwks'),
    scopes_supported: Object.keys(OAUTH2_USER_SCOPES),
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: [
      'authorization_code',
      'refresh_token',
      'client_credentials',
      DEVICE_CODE_GRANT_TYPE,
      TOKEN_EXCHANGE_GRANT_TYPE,
      JWT_BEARER_GRANT_TYPE,
    ],
    code_challenge_methods_supported: ['S256'],
    prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
    token_endpoint_auth_methods_supported: authMethods,
    token_endpoint_auth_signing_alg_values_supported: signingAlgs,
    revocation_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint_auth_signing_alg_values_supported: signingAlgs,
    introspection_endpoint_auth_methods_supported: authMethods,
    introspection_endpoint_auth_signing_alg_values_supported: signingAlgs,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'preferred_username', 'name'],
    authorization_response_iss_parameter_supported: true,
    // RFC 7591, only where its module is installed (oauth2-registration.ts).
    ...(state.extensions.clientRegistration ? { registration_endpoint: at('/oauth2/register') } : {}),
    ...(state.routes.has('POST /oauth2/par')
      ? {
          pushed_authorization_request_endpoint: at('/oauth2/par'),
          require_pushed_authorization_requests: parData(state).required,
          dpop_signing_alg_values_supported: DPOP_SIGNING_ALGS,
        }
      : {}),
  };
}

/**
 * Installs the OAuth 2 user grants: `GET/POST /oauth2/authorize` (login + consent, PKCE S256
 * only, RFC 9207 `iss`), the device authorization grant (`POST /oauth2/device_authorization`,
 * `GET/POST /device`, RFC 8628), the `authorization_code`, device code and `refresh_token`
 * grants on `/oauth2/token`, `POST /oauth2/revoke` (RFC 7009), `POST /oauth2/introspect`
 * (RFC 7662), the discovery documents and `/oauth2/jwks` (RS256 ID tokens for `openid`).
 * Issued access tokens go into `state.userTokens`, so the timeline accepts them. Must run after
 * `installOAuth2App` (it adds to its grant table).
 *
 * @example
 * ```ts
 * await startSandbox({ modules: [installOAuth2App, installTimeline, installOAuth2User] });
 * // user tokens live 2 h; a test can shorten that:
 * sandbox.state.extensions.userTokenTtlSeconds = 60;
 * ```
 */
export function installOAuth2User(state: SandboxState): void {
  const grants = state.extensions.grants as Map<string, GrantHandler> | undefined;
  if (!grants) throw new Error('installOAuth2User must run after installOAuth2App');
  oauth2Data(state);
  grants.set('authorization_code', authorizationCodeGrant);
  grants.set('refresh_token', refreshTokenGrant);
  grants.set(DEVICE_CODE_GRANT_TYPE, deviceCodeGrant);
  addRoute(state, 'GET', '/oauth2/authorize', authorizeGet);
  addRoute(state, 'POST', '/oauth2/authorize', authorizePost);
  addRoute(state, 'POST', '/oauth2/device_authorization', deviceAuthorization);
  addRoute(state, 'GET', '/device', devicePage);
  addRoute(state, 'POST', '/device', deviceDecision);
  addRoute(state, 'POST', '/oauth2/revoke', revoke);
  addRoute(state, 'POST', '/oauth2/introspect', introspect);
  addRoute(state, 'GET', '/oauth2/jwks', (_req, res, s) =>
    sendJson(res, 200, { keys: [signingKey(s).jwk] }, { 'cache-control': 'public, max-age=300' }),
  );
  // X's own paths for the same endpoints (x.com/i/oauth2/authorize, api.x.com/2/oauth2/token and
  // /revoke): the CLI's `x` preset, moved onto the sandbox with presetBaseUrl, calls these.
  addRoute(state, 'GET', '/i/oauth2/authorize', authorizeGet);
  addRoute(state, 'POST', '/i/oauth2/authorize', authorizePost);
  addRoute(state, 'POST', '/2/oauth2/revoke', revoke);
  const tokenRoute = state.routes.get('POST /oauth2/token');
  if (tokenRoute) addRoute(state, 'POST', '/2/oauth2/token', tokenRoute);
  addRoute(state, 'GET', '/.well-known/openid-configuration', (_req, res, s) => sendJson(res, 200, oauth2Metadata(s)));
  addRoute(state, 'GET', '/.well-known/oauth-authorization-server', (_req, res, s) => sendJson(res, 200, oauth2Metadata(s)));
}
