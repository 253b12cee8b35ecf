import type { ServerResponse } from 'node:http';
import { sendOAuthError, type SandboxRequest } from './http-util.js';
import { clientFromRequest, secretEquals } from './oauth2-app.js';
import { oauth2Data } from './oauth2-records.js';
import { DEMO_CREDENTIALS, randomToken, type SandboxOAuth2Client, type SandboxState } from './state.js';

// The OAuth 2 user grants' shared core: scopes, client authentication, grants (every token
// issued from one authorization, by code or by device code) and token issuance. The
// authorization code and device code endpoints both build on it.

/**
 * The scopes the sandbox grants (Twitter's OAuth 2 scopes plus OpenID Connect's), with what the
 * consent pages say of each. Any other scope is refused with `invalid_scope`.
 *
 * @example
 * ```ts
 * Object.keys(OAUTH2_USER_SCOPES); // ['openid', 'profile', 'tweet.read', 'users.read', 'offline.access', 'offline_access']
 * ```
 */
export const OAUTH2_USER_SCOPES: Readonly<Record<string, string>> = {
  openid: 'Confirm who you are (OpenID Connect)',
  profile: 'See your name and screen name',
  'tweet.read': 'Read Tweets, including your timeline',
  'users.read': 'Read profile information of accounts',
  'offline.access': 'Stay connected until you revoke access',
  offline_access: 'Stay connected until you revoke access (OpenID Connect)',
};

/**
 * Default lifetime of user access tokens; `state.extensions.userTokenTtlSeconds` overrides it.
 *
 * @example
 * ```ts
 * sandbox.state.extensions.userTokenTtlSeconds = 60; // instead of DEFAULT_USER_TOKEN_TTL_SECONDS
 * ```
 */
export const DEFAULT_USER_TOKEN_TTL_SECONDS = 7_200;

/** The grant type URN of RFC 8628 3.4. */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * Parses a `scope` parameter; `undefined` when a scope is not one the sandbox grants.
 *
 * @example
 * ```ts
 * parseScopes('tweet.read  users.read'); // ['tweet.read', 'users.read']
 * parseScopes('admin'); // undefined
 * ```
 */
export function parseScopes(value: string | null): string[] | undefined {
  const scopes = [...new Set((value ?? '').split(' ').filter(Boolean))];
  return scopes.every((s) => Object.hasOwn(OAUTH2_USER_SCOPES, s)) ? scopes : undefined;
}

/**
 * Whether an authorization with these (granted) scopes gets refresh tokens: Twitter issues them
 * only for `offline.access`; an OpenID provider only for `offline_access`, which the authorize
 * endpoint keeps only with `prompt=consent` (OpenID Connect Core 11).
 *
 * @example
 * ```ts
 * grantsRefreshTokens(['tweet.read']); // false
 * grantsRefreshTokens(['tweet.read', 'offline.access']); // true
 * ```
 */
export function grantsRefreshTokens(scopes: readonly string[]): boolean {
  return scopes.includes('offline.access') || scopes.includes('offline_access');
}

/**
 * The user's access token lifetime in seconds (`state.extensions.userTokenTtlSeconds` or the default).
 *
 * @example
 * ```ts
 * userTokenTtlSeconds(state); // 7200
 * ```
 */
export function userTokenTtlSeconds(state: SandboxState): number {
  const value = state.extensions.userTokenTtlSeconds;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : DEFAULT_USER_TOKEN_TTL_SECONDS;
}

/**
 * Counts and sends an RFC 6749 5.2 error of the token, device authorization or revocation endpoint.
 *
 * @example
 * ```ts
 * return reject(state, res, 400, 'invalid_grant', 'the device code expired');
 * ```
 */
export function reject(state: SandboxState, res: ServerResponse, status: number, error: string, description: string): undefined {
  state.stats.rejected++;
  sendOAuthError(res, status, error, description);
  return undefined;
}

/**
 * Authenticates the OAuth 2 client of a token, device authorization or revocation request: a
 * public client sends only `client_id` in the body; a confidential one its secret (HTTP Basic or
 * body). Answers the error itself and returns undefined then.
 *
 * @example
 * ```ts
 * const client = authenticateClient(req, res, state); if (!client) return;
 * ```
 */
export function authenticateClient(req: SandboxRequest, res: ServerResponse, state: SandboxState): SandboxOAuth2Client | undefined {
  const presented = clientFromRequest(req);
  if (presented === 'ambiguous') return reject(state, res, 400, 'invalid_request', 'the client authenticated in more than one way');
  if (!presented) return reject(state, res, 401, 'invalid_client', 'client authentication is required (client_id for a public client)');
  if (presented.method === 'assertion' && !presented.assertion.ok)
    return reject(state, res, 401, 'invalid_client', presented.assertion.description);
  const client = state.oauth2Clients.find((c) => c.clientId === presented.id);
  if (!client) return reject(state, res, 401, 'invalid_client', 'unknown client');
  if (client.authMethod !== undefined || presented.method === 'assertion') {
    // verifyClientAssertion accepted only a client registered for the method it used.
    if (presented.method !== 'assertion')
      return reject(state, res, 401, 'invalid_client', `this client authenticates with ${client.authMethod}: send a client_assertion`);
  } else if (client.clientSecret === undefined) {
    if (presented.method !== 'none')
      return reject(state, res, 401, 'invalid_client', 'this is a public client: send client_id only, without a secret');
  } else if (presented.secret === undefined || !secretEquals(client.clientSecret, presented.secret)) {
    return reject(state, res, 401, 'invalid_client', 'client authentication failed');
  }
  return client;
}

/**
 * Whether a client is registered for a grant type. A client without `grantTypes` may use the
 * authorization code, device code and refresh token grants.
 *
 * @example
 * ```ts
 * if (!clientMayUse(client, DEVICE_CODE_GRANT_TYPE)) return reject(state, res, 400, 'unauthorized_client', '...');
 * ```
 */
export function clientMayUse(client: SandboxOAuth2Client, grantType: string): boolean {
  return client.grantTypes === undefined || client.grantTypes.includes(grantType);
}

/** How an `unauthorized_client` answer names each grant a client may be refused. */
const GRANT_NAMES: Record<string, string> = {
  authorization_code: 'the authorization code grant',
  refresh_token: 'the refresh token grant',
  [DEVICE_CODE_GRANT_TYPE]: 'the device authorization grant',
};

/** What a client endpoint's request opens with, once {@link openClientRequest} accepted it. */
export interface ClientRequest {
  client: SandboxOAuth2Client;
  form: URLSearchParams;
  /** The value of the `required` parameter (empty when none was asked for). */
  required: string;
}

/**
 * The opening every OAuth 2 client endpoint shares (token grants, device authorization,
 * revocation, introspection), written once: a form body, client authentication, the client's
 * registration for `grantType` (when given), and the one parameter the request cannot do without
 * (when given). Answers the RFC 6749 5.2 error itself and returns undefined when any step fails.
 *
 * @example
 * ```ts
 * const opened = openClientRequest(req, res, state, { grantType: 'refresh_token', required: 'refresh_token' });
 * if (!opened) return;
 * ```
 */
export function openClientRequest(
  req: SandboxRequest,
  res: ServerResponse,
  state: SandboxState,
  rules: { grantType?: string; required?: string },
): ClientRequest | undefined {
  const form = req.form;
  if (!form) return reject(state, res, 400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
  const client = authenticateClient(req, res, state);
  if (!client) return undefined;
  if (rules.grantType !== undefined && !clientMayUse(client, rules.grantType))
    return reject(state, res, 400, 'unauthorized_client', `this client may not use ${GRANT_NAMES[rules.grantType] ?? rules.grantType}`);
  const required = rules.required === undefined ? '' : form.get(rules.required);
  if (!required && rules.required !== undefined) return reject(state, res, 400, 'invalid_request', `${rules.required} is required`);
  return { client, form, required: required ?? '' };
}

/**
 * Starts a grant for an approved authorization; returns its id.
 *
 * @example
 * ```ts
 * const grantId = startGrant(state, client.clientId, ['tweet.read', 'offline.access'], []);
 * sendJson(res, 200, issueTokens(state, grantId, ['tweet.read', 'offline.access']));
 * ```
 */
export function startGrant(state: SandboxState, clientId: string, scopes: string[], resources: string[], jkt?: string | null): string {
  const grantId = randomToken(16);
  oauth2Data(state).grants.set(grantId, {
    clientId,
    scopes,
    resources,
    offline: grantsRefreshTokens(scopes),
    accessTokens: new Set(),
    refreshTokens: new Set(),
    ...(jkt ? { jkt } : {}),
  });
  return grantId;
}

/**
 * Issues an access token on a grant (into `state.userTokens`, so the timeline accepts it, bound
 * to `audience` when the grant or request named RFC 8707 resources), and a refresh token when the
 * grant is offline. Returns the RFC 6749 5.1 response body. A grant bound to a DPoP key issues
 * `token_type: DPoP` tokens bound to it (`cnf.jkt`, RFC 9449 5).
 *
 * @example
 * ```ts
 * sendJson(res, 200, issueTokens(state, grantId, grant.scopes, grant.resources));
 * ```
 */
export function issueTokens(state: SandboxState, grantId: string, scopes: string[], audience: string[] = []): Record<string, unknown> {
  const store = oauth2Data(state);
  const grant = store.grants.get(grantId)!;
  const ttl = userTokenTtlSeconds(state);
  const accessToken = randomToken(32);
  state.userTokens.set(accessToken, {
    clientId: grant.clientId,
    screenName: DEMO_CREDENTIALS.user.screenName,
    scopes,
    expiresAt: state.now() + ttl * 1000,
    issuedAt: state.now(),
    ...(audience.length ? { audience } : {}),
    ...(grant.jkt === undefined ? {} : { jkt: grant.jkt }),
  });
  grant.accessTokens.add(accessToken);
  store.accessTokens.set(accessToken, grantId);
  const body: Record<string, unknown> = {
    token_type: grant.jkt === undefined ? 'bearer' : 'DPoP',
    access_token: accessToken,
    expires_in: ttl,
    scope: scopes.join(' '),
  };
  if (grant.offline) {
    const refreshToken = randomToken(32);
    grant.refreshTokens.add(refreshToken);
    store.refreshTokens.set(refreshToken, grantId);
    body.refresh_token = refreshToken;
  }
  return body;
}

/**
 * Revokes a whole grant: every access and refresh token issued on it.
 *
 * @example
 * ```ts
 * revokeGrant(state, grantId); // the code was replayed: everything issued from it goes
 * ```
 */
export function revokeGrant(state: SandboxState, grantId: string): void {
  const store = oauth2Data(state);
  const grant = store.grants.get(grantId);
  if (!grant) return;
  for (const token of grant.accessTokens) {
    state.userTokens.delete(token);
    store.accessTokens.delete(token);
  }
  for (const token of grant.refreshTokens) store.refreshTokens.delete(token);
  store.grants.delete(grantId);
}
