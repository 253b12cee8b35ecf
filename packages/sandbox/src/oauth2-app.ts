import { timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { TWITTER_ERRORS, parseBasicAuth, sendJson, sendTwitterError, type SandboxRequest } from './http-util.js';
import { tokenEndpointProof } from './dpop-binding.js';
import { addRoute, randomToken, type SandboxApp, type SandboxState } from './state.js';

/**
 * Compares two secrets in constant time.
 *
 * @example
 * ```ts
 * secretEquals(app.clientSecret, presented); // constant-time
 * ```
 */
export function secretEquals(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The client a request authenticates as: HTTP Basic (RFC 6749 2.3.1), form body, or a JWT client
 * assertion (RFC 7523 2.2, verified before routing: `method: 'assertion'`, `assertion` the
 * outcome); more than one at once is refused.
 *
 * @example
 * ```ts
 * const client = clientFromRequest(req); // { id, secret, method: 'basic' } | 'ambiguous' | undefined
 * ```
 */
export function clientFromRequest(
  req: SandboxRequest,
):
  | { id: string; secret: string | undefined; method: 'basic' | 'body' | 'none' }
  | { id: string; secret: undefined; method: 'assertion'; assertion: NonNullable<SandboxRequest['clientAssertion']> }
  | 'ambiguous'
  | undefined {
  const basic = parseBasicAuth(req.headers.authorization);
  const bodySecret = req.form?.get('client_secret') ?? undefined;
  if (req.clientAssertion) {
    if (basic || bodySecret !== undefined || req.headers.authorization) return 'ambiguous';
    const id = req.clientAssertion.ok ? req.clientAssertion.clientId : (req.form?.get('client_id') ?? '');
    return { id, secret: undefined, method: 'assertion', assertion: req.clientAssertion };
  }
  if (basic && bodySecret !== undefined) return 'ambiguous';
  if (basic) {
    const bodyId = req.form?.get('client_id');
    if (bodyId && bodyId !== basic.id) return 'ambiguous';
    return { ...basic, method: 'basic' };
  }
  if (req.headers.authorization) return undefined;
  const id = req.form?.get('client_id') ?? undefined;
  if (!id) return undefined;
  return { id, secret: bodySecret, method: bodySecret === undefined ? 'none' : 'body' };
}

function findApp(state: SandboxState, id: string, secret: string | undefined): SandboxApp | undefined {
  return state.apps.find((app) => app.clientId === id && secret !== undefined && secretEquals(app.clientSecret, secret));
}

/**
 * The token endpoint's client credentials grant, the way Twitter's `/oauth2/token` answers it.
 *
 * @example
 * ```ts
 * (state.extensions.grants as Map<string, typeof clientCredentialsGrant>).set('client_credentials', clientCredentialsGrant);
 * ```
 */
export function clientCredentialsGrant(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  const client = clientFromRequest(req);
  if (client && client !== 'ambiguous' && client.method === 'assertion') return assertionClientCredentials(req, res, state);
  const app = client && client !== 'ambiguous' ? findApp(state, client.id, client.secret) : undefined;
  if (!app) {
    state.stats.rejected++;
    sendTwitterError(res, TWITTER_ERRORS.unableToVerify);
    return;
  }
  issueAppToken(req, res, state, app.clientId);
}

/**
 * Client credentials for a client that authenticated with a JWT assertion (an OAuth 2 client
 * registered for `client_credentials`), answered in RFC 6749 5.2's shape: `invalid_client` with
 * what was wrong with the assertion.
 */
function assertionClientCredentials(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  const verified = req.clientAssertion;
  if (!verified?.ok) {
    state.stats.rejected++;
    sendJson(res, 401, { error: 'invalid_client', error_description: verified?.description ?? 'client authentication failed' });
    return;
  }
  const client = state.oauth2Clients.find((c) => c.clientId === verified.clientId);
  if (!client?.grantTypes?.includes('client_credentials')) {
    state.stats.rejected++;
    sendJson(res, 400, { error: 'unauthorized_client', error_description: 'this client may not use the client credentials grant' });
    return;
  }
  issueAppToken(req, res, state, client.clientId);
}

function issueAppToken(req: SandboxRequest, res: ServerResponse, state: SandboxState, clientId: string): void {
  // DPoP (RFC 9449): a proof binds the token to its key (checked when the DPoP module is installed).
  const jkt = tokenEndpointProof(req, res, state);
  if (jkt === undefined) return;
  const bindings = appTokenBindings(state);
  // Like Twitter: the app's live token again, until it is invalidated (or, here, expires), when it
  // is bound the same way (to the same key, or to none).
  let token = [...state.appTokens].find(
    ([candidate, id]) => id === clientId && appTokenValid(state, candidate) !== undefined && bindings.get(candidate) === (jkt ?? undefined),
  )?.[0];
  if (!token) {
    token = randomToken(40, 'AAAAAAAAAAAAAAAAAAAAA');
    state.appTokens.set(token, clientId);
    if (jkt) bindings.set(token, jkt);
    if (state.appTokenTtlSeconds !== undefined) {
      const expiresAt = state.now() + state.appTokenTtlSeconds * 1000;
      (state.extensions.appTokenExpiry as Map<string, number>).set(token, expiresAt);
    }
  }
  const body: Record<string, unknown> = { token_type: jkt ? 'DPoP' : 'bearer', access_token: token };
  const expiry = (state.extensions.appTokenExpiry as Map<string, number>).get(token);
  if (expiry !== undefined) body.expires_in = Math.max(0, Math.floor((expiry - state.now()) / 1000));
  sendJson(res, 200, body);
}

/**
 * The DPoP key thumbprints app-only tokens are bound to (RFC 9449 6.1 `cnf.jkt`), by token.
 *
 * @example
 * ```ts
 * appTokenBindings(sandbox.state).get(token); // the jkt, or undefined for a bearer token
 * ```
 */
export function appTokenBindings(state: SandboxState): Map<string, string> {
  return ((state.extensions.appTokenJkt as Map<string, string> | undefined) ??= new Map<string, string>());
}

/**
 * Whether an app token is still valid (not invalidated, not expired).
 *
 * @example
 * ```ts
 * appTokenValid(state, token) ?? 'expired or invalidated'; // the client id when valid
 * ```
 */
export function appTokenValid(state: SandboxState, token: string): string | undefined {
  const clientId = state.appTokens.get(token);
  if (clientId === undefined) return undefined;
  const expiry = (state.extensions.appTokenExpiry as Map<string, number>).get(token);
  if (expiry !== undefined && expiry <= state.now()) return undefined;
  return clientId;
}

/**
 * Registers the app-only endpoints: the token endpoint's dispatcher and `POST /oauth2/invalidate_token`.
 *
 * @example
 * ```ts
 * installOAuth2App(state); // POST /oauth2/token, POST /oauth2/invalidate_token
 * ```
 */
export function installOAuth2App(state: SandboxState): void {
  state.extensions.appTokenExpiry = new Map<string, number>();
  state.extensions.grants = new Map<string, (req: SandboxRequest, res: ServerResponse, state: SandboxState) => void | Promise<void>>([
    ['client_credentials', clientCredentialsGrant],
  ]);
  addRoute(state, 'POST', '/oauth2/token', async (req, res, s) => {
    s.stats.tokenRequests++;
    const grantType = req.form?.get('grant_type');
    if (!req.form || !grantType) {
      s.stats.rejected++;
      sendTwitterError(res, TWITTER_ERRORS.missingGrantType);
      return;
    }
    const grant = (
      s.extensions.grants as Map<string, (r: SandboxRequest, w: ServerResponse, st: SandboxState) => void | Promise<void>>
    ).get(grantType);
    if (!grant) {
      s.stats.rejected++;
      sendJson(res, 400, { error: 'unsupported_grant_type', error_description: `grant_type ${grantType.slice(0, 40)} is not supported` });
      return;
    }
    await grant(req, res, s);
  });
  addRoute(state, 'POST', '/oauth2/invalidate_token', (req, res, s) => {
    const client = clientFromRequest(req);
    const app = client && client !== 'ambiguous' && client.method === 'basic' ? findApp(s, client.id, client.secret) : undefined;
    const token = req.form?.get('access_token');
    if (!app || !token || s.appTokens.get(token) !== app.clientId) {
      s.stats.rejected++;
      sendTwitterError(res, TWITTER_ERRORS.unableToVerify);
      return;
    }
    s.appTokens.delete(token);
    sendJson(res, 200, { access_token: token });
  });
}
