import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import * as oidc from 'openid-client';
import { TokensmithError, type BearerCredentials } from '@tokensmith/core/kit';
import { toTokensmithError, type OAuth2Session, type ResolvedServer } from '@tokensmith/oauth2';
import type { AuthorizationCodeSettings } from './authorization-code-options.js';
import { readRedirectUri } from './authorization-code-options.js';
import { codeChallengeS256, createCodeVerifier, isCodeVerifier } from './pkce.js';
import { sameText } from './same-text.js';

/**
 * The serialisable state between {@link AuthorizationCodeProvider.startAuthorization} and
 * {@link AuthorizationCodeProvider.completeAuthorization}. `codeVerifier` is a secret: keep it
 * server-side (e.g. in the session), never in a cookie the browser can read or in a log.
 * `util.inspect()` of the returned object hides it; `JSON.stringify()` keeps it, to be stored.
 *
 * @example
 * ```ts
 * declare const provider: AuthorizationCodeProvider;
 * const pending = await provider.startAuthorization();
 * await sessions.save(id, JSON.stringify(pending));
 * ```
 */
export interface PendingAuthorization {
  authorizeUrl: string;
  state: string;
  codeVerifier: string;
  nonce?: string;
  redirectUri: string;
}

/** What the flow's free functions work over: the shared OAuth 2 session and the browser flow's settings. */
export interface FlowContext {
  session: Pick<OAuth2Session, 'server' | 'configure' | 'toCredentials' | 'loginKey' | 'grantOptions'>;
  settings: AuthorizationCodeSettings;
}

function randomValue(): string {
  return randomBytes(32).toString('base64url');
}

/** Gives the pending state an `inspect()` that hides the verifier; JSON keeps every field (it is meant to be stored). */
function pendingOf(fields: PendingAuthorization): PendingAuthorization {
  const pending: PendingAuthorization = { ...fields };
  Object.defineProperty(pending, inspect.custom, {
    value: () => `PendingAuthorization ${inspect({ ...fields, codeVerifier: '[redacted]' })}`,
    enumerable: false,
  });
  return pending;
}

/**
 * The `iss` value a pasted bare code is completed with: the issuer, when discovery told us it is
 * always sent (RFC 9207); otherwise none.
 *
 * @example
 * ```ts
 * callbackFromInput(input, pending, { iss: issuerParam(await session.server()) });
 * ```
 */
export function issuerParam(resolved: ResolvedServer): string | undefined {
  return resolved.issuerKnown && resolved.metadata.authorization_response_iss_parameter_supported === true
    ? resolved.metadata.issuer
    : undefined;
}

/**
 * Step 1 (RFC 6749 4.1.1, RFC 7636): a fresh `state`, PKCE verifier (S256, always) and `nonce`
 * (for `openid`), and the authorize URL with the extra `authorizationParams`.
 *
 * @example
 * ```ts
 * const pending = await startAuthorization(context, new URL('http://127.0.0.1:53127/callback'));
 * openBrowser(pending.authorizeUrl);
 * ```
 */
export async function startAuthorization(context: FlowContext, redirectUri: URL): Promise<PendingAuthorization> {
  const { session, settings } = context;
  const resolved = await session.server();
  const methods = resolved.metadata.code_challenge_methods_supported;
  if (Array.isArray(methods) && !methods.includes('S256')) {
    throw new TokensmithError(
      'config_error',
      'the authorization server does not list S256 in code_challenge_methods_supported; tokensmith always uses PKCE S256',
      { operation: 'discovery' },
    );
  }
  const { scopes, client } = settings.oauth2;
  const codeVerifier = createCodeVerifier();
  const state = randomValue();
  const nonce = client.openid ? randomValue() : undefined;
  const params = new URLSearchParams({
    response_type: 'code',
    redirect_uri: redirectUri.href,
    state,
    code_challenge: codeChallengeS256(codeVerifier),
    code_challenge_method: 'S256',
  });
  if (scopes.length) params.set('scope', scopes.join(' '));
  if (nonce !== undefined) params.set('nonce', nonce);
  for (const [name, value] of settings.oauth2.authorizationParams) params.append(name, value);
  const authorizeUrl = (await authorizationUrl(context, resolved, params)).href;
  return pendingOf({ authorizeUrl, state, codeVerifier, redirectUri: redirectUri.href, ...(nonce === undefined ? {} : { nonce }) });
}

/**
 * Whether this login pushes its authorization request first (PAR, RFC 9126): `par: true`, or the
 * server's metadata says `require_pushed_authorization_requests`.
 *
 * @example
 * ```ts
 * declare const settings: AuthorizationCodeSettings, resolved: ResolvedServer;
 * usesPar(settings, resolved); // true when the server requires PAR
 * ```
 */
export function usesPar(settings: AuthorizationCodeSettings, resolved: ResolvedServer): boolean {
  return settings.par || resolved.metadata.require_pushed_authorization_requests === true;
}

/**
 * The URL to send the browser to: the full request in the query, or (PAR, RFC 9126) the request
 * pushed to the server first and only `client_id` and the short-lived `request_uri` in the query.
 */
async function authorizationUrl(context: FlowContext, resolved: ResolvedServer, params: URLSearchParams): Promise<URL> {
  const { session, settings } = context;
  const config = session.configure(resolved);
  if (!usesPar(settings, resolved)) return oidc.buildAuthorizationUrl(config, params);
  const endpoint = resolved.metadata.pushed_authorization_request_endpoint;
  if (endpoint === undefined) {
    throw new TokensmithError(
      'config_error',
      'par is on, but the authorization server has no pushed_authorization_request_endpoint in its metadata (set issuer to a server that supports PAR, or turn par off)',
      { operation: 'discovery' },
    );
  }
  settings.progress({ type: 'par', message: 'Pushing the authorization request (PAR)' });
  try {
    return await oidc.buildAuthorizationUrlWithPAR(config, params);
  } catch (error) {
    throw await toTokensmithError(error, 'pushed authorization request', endpoint);
  }
}

/**
 * Whether a callback URL carries `pending`'s state (compared in constant time).
 *
 * @example
 * ```ts
 * hasState(new URL('http://127.0.0.1:5/callback?code=a&state=b'), 'b'); // true
 * ```
 */
export function hasState(callback: URL, state: string): boolean {
  const returned = callback.searchParams.get('state');
  return returned !== null && sameText(returned, state);
}

/**
 * Step 2 (RFC 6749 4.1.2, 4.1.3): checks the authorization response (state, RFC 9207 `iss`, an
 * error) and exchanges its code with the verifier. Stores nothing.
 *
 * @example
 * ```ts
 * const credentials = await exchangeCode(context, pending, callbackUrl);
 * await tokens.replace(credentials);
 * ```
 */
export async function exchangeCode(
  context: FlowContext,
  pending: PendingAuthorization,
  callbackUrl: string | URL,
): Promise<BearerCredentials> {
  const { session, settings } = context;
  const { client, tokenParams } = settings.oauth2;
  const invalid = (message: string) => new TokensmithError('invalid_options', message);
  if (!pending || typeof pending !== 'object' || typeof pending.state !== 'string' || typeof pending.redirectUri !== 'string') {
    throw invalid('pending must be what startAuthorization returned');
  }
  if (!isCodeVerifier(pending.codeVerifier))
    throw invalid('pending.codeVerifier must be 43-128 characters of [A-Za-z0-9._~-] (RFC 7636 4.1)');
  if (client.openid && typeof pending.nonce !== 'string') throw invalid('pending.nonce is required with scope openid');
  const redirect = readRedirectUri(pending.redirectUri, 'pending.redirectUri');
  let callback: URL;
  try {
    callback = new URL(callbackUrl);
  } catch {
    throw invalid('callbackUrl must be the absolute URL the browser was redirected to');
  }
  const params = callback.searchParams;
  if (!hasState(callback, pending.state)) {
    throw new TokensmithError(
      'state_mismatch',
      'the authorization response does not belong to this login attempt (its state does not match: a stale tab or a forged redirect); nothing was stored. Run the login again.',
      { operation: 'authorization' },
    );
  }
  if (!params.has('code') && !params.has('error'))
    throw new TokensmithError('oauth_response', 'the authorization response has neither a code nor an error', {
      operation: 'authorization',
    });
  const resolved = await session.server();
  if (resolved.issuerKnown) {
    const iss = params.get('iss');
    const required = resolved.metadata.authorization_response_iss_parameter_supported === true;
    if ((iss === null && required) || (iss !== null && iss !== resolved.metadata.issuer)) {
      throw new TokensmithError(
        'oauth_response',
        `the authorization response ${iss === null ? 'lacks the iss parameter its server promises' : 'comes from another issuer'} (RFC 9207 mix-up protection); nothing was stored`,
        { operation: 'authorization' },
      );
    }
  }
  const current = new URL(redirect.href);
  for (const [name, value] of params) if (name !== 'iss' || resolved.issuerKnown) current.searchParams.append(name, value);
  const checks: oidc.AuthorizationCodeGrantChecks = { pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state };
  if (client.openid) checks.expectedNonce = pending.nonce!;
  if (params.has('code')) settings.progress({ type: 'exchange', message: 'Exchanging the authorization code for tokens' });
  try {
    // DPoP (RFC 9449): a fresh key for this login, proved at the token endpoint, stored with the tokens.
    const dpopKey = await session.loginKey();
    const config = session.configure(resolved);
    return session.toCredentials(
      await oidc.authorizationCodeGrant(
        config,
        current,
        checks,
        new URLSearchParams(tokenParams),
        await session.grantOptions(config, dpopKey),
      ),
      dpopKey,
    );
  } catch (error) {
    throw await (params.has('code')
      ? toTokensmithError(error, 'authorization code exchange', resolved.metadata.token_endpoint)
      : toTokensmithError(error, 'authorization response'));
  }
}
