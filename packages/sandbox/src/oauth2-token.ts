import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendJson, type SandboxRequest } from './http-util.js';
import { secretEquals } from './oauth2-app.js';
import { issueTokens, openClientRequest, parseScopes, reject, revokeGrant, startGrant } from './oauth2-grants.js';
import { tokenEndpointProof } from './dpop-binding.js';
import { idToken } from './oauth2-id-token.js';
import { oauth2Data } from './oauth2-records.js';
import { parseResources, tokenAudience } from './oauth2-resources.js';
import { DEMO_CREDENTIALS, type SandboxState } from './state.js';

// The token endpoint's authorization_code and refresh_token grants, revocation (RFC 7009) and
// introspection (RFC 7662) for the OAuth 2 user tokens.

const PKCE_VALUE = /^[A-Za-z0-9._~-]{43,128}$/;

function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** The `resource` parameters of a token request, checked, or undefined when the error was sent. */
function requestedAudience(req: SandboxRequest, res: ServerResponse, state: SandboxState, authorized: string[]): string[] | undefined {
  const requested = parseResources(state, req.form!.getAll('resource'));
  const audience = typeof requested === 'string' ? requested : tokenAudience(authorized, requested);
  if (typeof audience === 'string') return reject(state, res, 400, 'invalid_target', audience);
  return audience;
}

/**
 * The token endpoint's `authorization_code` grant: PKCE S256, single-use codes (a replay revokes
 * what the code gave), exact redirect_uri, RFC 8707 `resource` within the authorized ones.
 *
 * @example
 * ```ts
 * grants.set('authorization_code', authorizationCodeGrant);
 * ```
 */
export function authorizationCodeGrant(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  const opened = openClientRequest(req, res, state, { grantType: 'authorization_code', required: 'code' });
  if (!opened) return;
  const { client, form, required: code } = opened;
  // Before the code is spent: a use_dpop_nonce answer must leave it for the client's retry.
  const jkt = tokenEndpointProof(req, res, state);
  if (jkt === undefined) return;
  const store = oauth2Data(state);
  const record = store.codes.get(code);
  if (!record || record.clientId !== client.clientId)
    return void reject(state, res, 400, 'invalid_grant', 'the authorization code is invalid');
  if (record.used) {
    if (record.grantId !== undefined) revokeGrant(state, record.grantId);
    return void reject(state, res, 400, 'invalid_grant', 'the authorization code was already used; the tokens issued from it are revoked');
  }
  record.used = true;
  if (record.expiresAt <= state.now()) return void reject(state, res, 400, 'invalid_grant', 'the authorization code expired');
  if (form.get('redirect_uri') !== record.redirectUri)
    return void reject(state, res, 400, 'invalid_grant', 'redirect_uri does not match the authorization request');
  const verifier = form.get('code_verifier');
  if (!verifier || !PKCE_VALUE.test(verifier))
    return void reject(state, res, 400, 'invalid_request', 'code_verifier is required: 43-128 characters [A-Za-z0-9._~-] (RFC 7636 4.1)');
  if (!secretEquals(s256(verifier), record.codeChallenge))
    return void reject(state, res, 400, 'invalid_grant', 'code_verifier does not match the code_challenge (PKCE)');
  const audience = requestedAudience(req, res, state, record.resources);
  if (!audience) return;
  const grantId = startGrant(state, client.clientId, record.scopes, record.resources, jkt);
  record.grantId = grantId;
  const body = issueTokens(state, grantId, record.scopes, audience);
  if (record.scopes.includes('openid')) body.id_token = idToken(state, client.clientId, record);
  sendJson(res, 200, body);
}

/**
 * The token endpoint's `refresh_token` grant, rotating the refresh token; `scope` may narrow,
 * `resource` may pick among the authorized resources.
 *
 * @example
 * ```ts
 * grants.set('refresh_token', refreshTokenGrant);
 * ```
 */
export function refreshTokenGrant(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  state.stats.refreshRequests++;
  const opened = openClientRequest(req, res, state, { grantType: 'refresh_token', required: 'refresh_token' });
  if (!opened) return;
  const { client, form, required: token } = opened;
  const store = oauth2Data(state);
  const grantId = store.refreshTokens.get(token);
  const grant = grantId === undefined ? undefined : store.grants.get(grantId);
  if (grantId === undefined || !grant || grant.clientId !== client.clientId) {
    return void reject(state, res, 400, 'invalid_grant', 'the refresh token is invalid, revoked or was already used');
  }
  // A refresh token bound to a DPoP key is used only with a proof by that key (RFC 9449 5).
  if (tokenEndpointProof(req, res, state, grant.jkt) === undefined) return;
  let scopes = grant.scopes;
  if (form.get('scope') !== null) {
    const requested = parseScopes(form.get('scope'));
    if (!requested || requested.some((s) => !grant.scopes.includes(s)))
      return void reject(state, res, 400, 'invalid_scope', 'the scope exceeds what was granted');
    scopes = requested;
  }
  const audience = requestedAudience(req, res, state, grant.resources);
  if (!audience) return;
  store.refreshTokens.delete(token);
  grant.refreshTokens.delete(token);
  sendJson(res, 200, issueTokens(state, grantId, scopes, audience));
}

/**
 * `POST /oauth2/revoke` (RFC 7009): revoking a refresh token revokes its whole grant; an access
 * token goes alone. An unknown token is answered 200 too (RFC 7009 2.2).
 *
 * @example
 * ```ts
 * addRoute(state, 'POST', '/oauth2/revoke', revoke);
 * ```
 */
export function revoke(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  const opened = openClientRequest(req, res, state, { required: 'token' });
  if (!opened) return;
  const { client, required: token } = opened;
  const store = oauth2Data(state);
  const refreshGrant = store.refreshTokens.get(token);
  const accessGrant = store.accessTokens.get(token);
  const grantId = refreshGrant ?? accessGrant;
  const grant = grantId === undefined ? undefined : store.grants.get(grantId);
  if (grantId !== undefined && grant) {
    if (grant.clientId !== client.clientId)
      return void reject(state, res, 400, 'unauthorized_client', 'the token was not issued to this client');
    if (refreshGrant !== undefined) revokeGrant(state, grantId);
    else {
      state.userTokens.delete(token);
      store.accessTokens.delete(token);
      grant.accessTokens.delete(token);
    }
  }
  res.writeHead(200, { 'cache-control': 'no-store', 'content-length': 0 });
  res.end();
}

/**
 * `POST /oauth2/introspect` (RFC 7662) for the client a token was issued to: `active`, `scope`,
 * `client_id`, `username`, `sub`, `exp`, `iat`, `iss`, and `aud` when the token is bound to
 * resources (RFC 8707). Another client's token, or a dead one, is `{"active":false}`.
 *
 * @example
 * ```ts
 * addRoute(state, 'POST', '/oauth2/introspect', introspect);
 * ```
 */
export function introspect(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  const opened = openClientRequest(req, res, state, { required: 'token' });
  if (!opened) return;
  const { client, required: token } = opened;
  const store = oauth2Data(state);
  const access = state.userTokens.get(token);
  const refreshGrant = store.grants.get(store.refreshTokens.get(token) ?? '');
  const owner = access?.clientId ?? refreshGrant?.clientId;
  if (owner !== client.clientId || (access && access.expiresAt <= state.now())) return sendJson(res, 200, { active: false });
  const body: Record<string, unknown> = {
    active: true,
    client_id: owner,
    username: DEMO_CREDENTIALS.user.screenName,
    sub: DEMO_CREDENTIALS.user.userId,
    iss: state.baseUrl,
  };
  if (access) {
    Object.assign(body, {
      token_type: access.jkt === undefined ? 'bearer' : 'DPoP',
      scope: access.scopes.join(' '),
      exp: Math.floor(access.expiresAt / 1000),
    });
    if (access.jkt !== undefined) body.cnf = { jkt: access.jkt };
    if (access.issuedAt !== undefined) body.iat = Math.floor(access.issuedAt / 1000);
    if (access.audience) body.aud = access.audience.length === 1 ? access.audience[0] : access.audience;
  } else {
    body.scope = refreshGrant!.scopes.join(' ');
    if (refreshGrant!.resources.length)
      body.aud = refreshGrant!.resources.length === 1 ? refreshGrant!.resources[0] : refreshGrant!.resources;
  }
  sendJson(res, 200, body);
}
