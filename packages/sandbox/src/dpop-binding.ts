import type { ServerResponse } from 'node:http';
import { sendJson, type SandboxRequest } from './http-util.js';
import { checkProof, sendResourceDPoPError } from './dpop.js';
import { appTokenBindings, appTokenValid } from './oauth2-app.js';
import { audienceCovers } from './oauth2-resources.js';
import type { Authenticator, SandboxState } from './state.js';

// Where DPoP proofs are used: the token endpoint binds tokens to the proof's key (RFC 9449 5,
// 6.1 `cnf.jkt`), the resource endpoints accept a bound token only with the DPoP scheme and a
// proof by that key (RFC 9449 7).

/**
 * The token endpoint's DPoP check, before anything single-use (a code, a refresh token) is
 * consumed, so that the client's `use_dpop_nonce` retry still works: returns the proof key's
 * thumbprint to bind the tokens to, `null` with no proof (and no bound refresh token), or
 * `undefined` once the 400 error was sent.
 *
 * @example
 * ```ts
 * const jkt = tokenEndpointProof(req, res, state, grant.jkt);
 * if (jkt === undefined) return;
 * ```
 */
export function tokenEndpointProof(
  req: SandboxRequest,
  res: ServerResponse,
  state: SandboxState,
  expectedJkt?: string,
): string | null | undefined {
  const result = checkProof(req, state, { expectedJkt });
  if (result === null || typeof result === 'string') return result;
  state.stats.rejected++;
  sendJson(res, 400, { error: result.error, error_description: result.description });
  return undefined;
}

/**
 * The resource endpoints' `Authorization: DPoP <token>` (RFC 9449 7.1): a live user token bound
 * to a key (or an app-only token bound to one), a proof by that key with `ath` of the token, the
 * nonce, a fresh `jti`. A bearer
 * token presented this way is refused too.
 *
 * @example
 * ```ts
 * state.authenticators.unshift(dpopAuthenticator);
 * ```
 */
export const dpopAuthenticator: Authenticator = (req, state) => {
  const match = /^DPoP\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match?.[1]) return undefined;
  const token = match[1];
  const appClient = appTokenValid(state, token);
  const appJkt = appTokenBindings(state).get(token);
  if (appClient !== undefined && appJkt !== undefined) {
    const result = checkProof(req, state, { accessToken: token, expectedJkt: appJkt });
    if (typeof result === 'string') return { ok: true, principal: { kind: 'app', clientId: appClient } };
    const refusal = result ?? { error: 'invalid_dpop_proof', description: 'a DPoP proof is required' };
    return { ok: false, send: (res) => sendResourceDPoPError(res, refusal) };
  }
  const user = state.userTokens.get(token);
  const invalid = (description: string) => ({
    ok: false as const,
    send: (res: ServerResponse) => sendResourceDPoPError(res, { error: 'invalid_token', description }),
  });
  if (!user || user.expiresAt <= state.now() || !audienceCovers(user.audience, new URL(req.url.pathname, state.baseUrl).href))
    return invalid('the access token is invalid or expired');
  if (user.jkt === undefined) return invalid('the access token is not DPoP-bound; present it with the Bearer scheme');
  const result = checkProof(req, state, { accessToken: token, expectedJkt: user.jkt });
  if (typeof result !== 'string') {
    const refusal = result ?? { error: 'invalid_dpop_proof', description: 'a DPoP proof is required' };
    return { ok: false, send: (res) => sendResourceDPoPError(res, refusal) };
  }
  return { ok: true, principal: { kind: 'user', clientId: user.clientId, screenName: user.screenName, scopes: user.scopes } };
};
