import { randomBytes, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';
import * as oidc from 'openid-client';
import {
  DEFAULT_EXPIRY_SKEW_MS,
  DEFAULT_TIMEOUT_MS,
  MemoryStore,
  OAuthResponseError,
  TokensmithError,
  abortable,
  bearerHeaders,
  createTokenManager,
  defineProvider,
  isLoopbackHost,
  optionalFunction,
  optionalNumber,
  optionalString,
  parseTokenResponse,
  requireEndpoint,
  requireOptions,
  requireString,
  tokenKey,
  type BearerCredentials,
  type InteractiveTokenProvider,
  type LoginOptions,
  type TokenStore,
  limitResponseBody,
  MAX_AUTH_RESPONSE_BYTES,
} from '@tokensmith/core/kit';
import { isLoopbackRedirectUri, startLoopbackListener, type LoopbackCallback } from './loopback-listener.js';
import { toTokensmithError } from './openid-errors.js';
import { codeChallengeS256, createCodeVerifier, isCodeVerifier } from './pkce.js';
import { callbackFromInput } from './redirect-input.js';
import { configure, resolveServer, type ClientSettings, type ResolvedServer } from './server-metadata.js';
import { withDeadline } from './deadline.js';

/**
 * The redirect URI used when none is configured: loopback, any port (RFC 8252 7.3). Register it
 * with the authorization server as is.
 *
 * @example
 * ```ts
 * createAuthorizationCodeProvider({ ...options, redirectUri: DEFAULT_REDIRECT_URI }); // same as leaving it out
 * ```
 */
export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1/callback';
/**
 * How long the browser (or the person pasting) has to come back, by default (5 min).
 *
 * @example
 * ```ts
 * createAuthorizationCodeProvider({ ...options, callbackTimeoutMs: 2 * DEFAULT_CALLBACK_TIMEOUT_MS });
 * ```
 */
export const DEFAULT_CALLBACK_TIMEOUT_MS = 5 * 60_000;

/**
 * What {@link AuthorizationCodeOptions.onProgress} reports; messages never hold a secret.
 *
 * @example
 * ```ts
 * onProgress: (message, event) => { if (event.type === 'browser-failed') console.error(message); }
 * ```
 */
export interface AuthorizationProgress {
  type: 'discovery' | 'listening' | 'open-browser' | 'browser-failed' | 'prompt' | 'callback' | 'exchange' | 'refresh' | 'revoke' | 'revoke-failed';
  message: string;
  /** The URL to open (on `open-browser`, `browser-failed`, `prompt`). It holds state and the PKCE challenge, never the verifier. */
  authorizeUrl?: string;
  /** The redirect URI the listener serves (on `listening`). */
  redirectUri?: string;
}

/**
 * Options of {@link createAuthorizationCodeProvider}. Give `issuer` (discovery, needed for
 * `openid`), or `authorizationUrl` + `tokenUrl` (+ `revocationUrl`); explicit endpoints given with
 * `issuer` override the discovered ones.
 */
export interface AuthorizationCodeOptions {
  /** The issuer identifier, e.g. `https://auth.example.com`: endpoints come from its discovery document. */
  issuer?: string | URL;
  /** The authorization endpoint, e.g. `https://twitter.com/i/oauth2/authorize`. */
  authorizationUrl?: string | URL;
  /** The token endpoint, e.g. `https://api.twitter.com/2/oauth2/token`. */
  tokenUrl?: string | URL;
  /** The revocation endpoint (RFC 7009), used by `logout()`. */
  revocationUrl?: string | URL;
  clientId: string;
  /** Only for confidential clients (sent with HTTP Basic, RFC 6749 2.3.1). Public clients (CLIs) have none. */
  clientSecret?: string;
  /** Scopes to request. `openid` adds a nonce and ID token validation (needs `issuer`). */
  scopes: string[];
  /**
   * Where the server sends the browser back. Default `http://127.0.0.1/callback`: the loopback
   * listener binds 127.0.0.1 on this port, or an ephemeral one when there is none (the redirect_uri
   * sent then carries it). Use 127.0.0.1, not `localhost` (RFC 8252 7.3, 8.3). No query or fragment.
   */
  redirectUri?: string | URL;
  /** Opens the authorize URL in a browser. When it throws, `promptRedirect` takes over (the listener keeps waiting too). */
  openBrowser?: (authorizeUrl: string) => unknown;
  /**
   * Asks the person for the URL the browser was sent to (or the bare code): used without
   * `openBrowser`, when it fails, with a non-loopback `redirectUri`, or with `redirectMode: 'paste'`.
   * `signal` aborts when the flow ends another way (the listener got the callback, a timeout): stop prompting then.
   */
  promptRedirect?: (info: { authorizeUrl: string; signal: AbortSignal }) => Promise<string>;
  /** `'paste'` skips the loopback listener (e.g. over SSH) and always asks through `promptRedirect`. Default `'auto'`. */
  redirectMode?: 'auto' | 'paste';
  /** Progress for a spinner or log. */
  onProgress?: (message: string, event: AuthorizationProgress) => void;
  /** Where tokens are kept. Default: in memory. */
  store?: TokenStore;
  /** Clock, epoch ms (token expiry and ID token times). Default `Date.now`. */
  now?: () => number;
  /** The fetch used for every request to the authorization server. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Timeout of one HTTP request. Default 30 s. */
  timeoutMs?: number;
  /** How long to wait for the browser callback or the pasted URL. Default 5 min. */
  callbackTimeoutMs?: number;
  /** A token within this many ms of expiry is refreshed. Default 30 s. */
  expirySkewMs?: number;
  /** The provider's name in the CLI config, for messages such as "run `tokensmith login <name>`". */
  providerName?: string;
}

/**
 * The serialisable state between {@link AuthorizationCodeProvider.startAuthorization} and
 * {@link AuthorizationCodeProvider.completeAuthorization}. `codeVerifier` is a secret: keep it
 * server-side (e.g. in the session), never in a cookie the browser can read or in a log.
 * `util.inspect()` of the returned object hides it; `JSON.stringify()` keeps it, to be stored.
 *
 * @example
 * ```ts
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

/** Options of {@link AuthorizationCodeProvider.startAuthorization}. */
export interface StartAuthorizationOptions {
  /** Overrides the configured redirect URI for this request (e.g. the port a listener got). */
  redirectUri?: string | URL;
}

/**
 * An authorization code + PKCE {@link InteractiveTokenProvider}, plus the two steps of the flow
 * for callers that run the redirect themselves (a web server).
 *
 * @example
 * ```ts
 * const pending = await provider.startAuthorization({ redirectUri: 'https://app.example.com/callback' });
 * session.pending = pending; // then redirect the browser to pending.authorizeUrl
 * // ... in the callback route:
 * const token = await provider.completeAuthorization(session.pending, request.url);
 * ```
 */
export interface AuthorizationCodeProvider extends InteractiveTokenProvider<BearerCredentials> {
  readonly strategy: 'authorization-code';
  /** Step 1: a fresh state, PKCE verifier (S256) and nonce (for `openid`), and the URL to send the browser to. */
  startAuthorization(options?: StartAuthorizationOptions): Promise<PendingAuthorization>;
  /** Step 2: checks the callback (state, `iss`, error), exchanges the code, stores and returns the tokens. */
  completeAuthorization(pending: PendingAuthorization, callbackUrl: string | URL): Promise<BearerCredentials>;
}

/** RFC 6749 Appendix A: client_id and client_secret are VSCHAR (printable ASCII). */
const VSCHAR = /^[\x20-\x7E]+$/;
/** RFC 6749 3.3: scope-token = 1*NQCHAR. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

function invalid(message: string): TokensmithError {
  return new TokensmithError('invalid_options', message);
}

function readRedirectUri(value: unknown, field: string): URL {
  if (!(value instanceof URL) && (typeof value !== 'string' || value.trim() === '')) throw invalid(`${field} must be a URL, e.g. ${DEFAULT_REDIRECT_URI}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`${field} must be an absolute URL, e.g. ${DEFAULT_REDIRECT_URI}`);
  }
  if (url.search || url.hash) throw invalid(`${field} must not have a query or fragment`);
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname) && url.hostname !== '127.0.0.1') {
    throw invalid(`${field} must use 127.0.0.1, not ${url.hostname}: the listener binds 127.0.0.1 only and servers match loopback redirect URIs literally (RFC 8252 7.3, 8.3)`);
  }
  return requireEndpoint({ [field]: url }, field);
}

function readScopes(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && SCOPE_TOKEN.test(s))) {
    throw invalid('scopes must be an array of scope names without spaces, e.g. ["tweet.read", "offline.access"]');
  }
  return [...new Set(value as string[])];
}

function positive(value: number, field: string): number {
  if (value <= 0) throw invalid(`${field} must be a number > 0`);
  return value;
}

function randomValue(): string {
  return randomBytes(32).toString('base64url');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
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
 * An OAuth 2 authorization code {@link InteractiveTokenProvider} with PKCE (S256, always), `state`
 * (always checked), `nonce` and ID token validation for `openid`, on openid-client v6.
 *
 * `login()` (or `getToken()` with nothing usable stored) opens the browser and receives the code on a
 * one-shot loopback listener (RFC 8252), or asks for the redirected URL (`promptRedirect`). Tokens are
 * refreshed before expiry and after a 401 (`invalidate()`), once however many callers; a refresh
 * response without `refresh_token` keeps the old one; a rejected refresh token (`invalid_grant`)
 * drops the tokens and throws `login_required`. `logout()` revokes (RFC 7009) and always forgets.
 *
 * @example
 * ```ts
 * import { createAuthorizationCodeProvider } from '@tokensmith/authorization-code';
 * import { createAuthenticatedFetch } from '@tokensmith/core/kit';
 *
 * const provider = createAuthorizationCodeProvider({
 *   issuer: 'https://auth.example.com',
 *   clientId: 'my-cli',
 *   scopes: ['openid', 'tweet.read', 'offline.access'],
 *   openBrowser: (url) => open(url),
 *   promptRedirect: ({ authorizeUrl }) => ask(`Open ${authorizeUrl}, then paste where it sent you: `),
 * });
 * await provider.login();
 * const api = createAuthenticatedFetch(provider);
 * const res = await api('https://api.example.com/2/users/me');
 * ```
 */
export function createAuthorizationCodeProvider(options: AuthorizationCodeOptions): AuthorizationCodeProvider {
  requireOptions(options, 'createAuthorizationCodeProvider');
  const clientId = requireString(options, 'clientId');
  const clientSecret = optionalString(options, 'clientSecret');
  if (!VSCHAR.test(clientId)) throw invalid('clientId must be printable ASCII (RFC 6749 Appendix A)');
  if (clientSecret !== undefined && !VSCHAR.test(clientSecret)) throw invalid('clientSecret must be printable ASCII (RFC 6749 Appendix A)');
  const scopes = readScopes(options.scopes);
  const openid = scopes.includes('openid');
  const issuer = options.issuer === undefined ? undefined : requireEndpoint(options, 'issuer');
  if (issuer && (issuer.search || issuer.hash)) throw invalid('issuer must not have a query or fragment');
  const authorizationUrl = options.authorizationUrl === undefined ? undefined : requireEndpoint(options, 'authorizationUrl');
  const tokenUrl = options.tokenUrl === undefined ? undefined : requireEndpoint(options, 'tokenUrl');
  const revocationUrl = options.revocationUrl === undefined ? undefined : requireEndpoint(options, 'revocationUrl');
  if (!issuer && (!authorizationUrl || !tokenUrl)) throw invalid('authorizationUrl and tokenUrl are required unless issuer is given (discovery)');
  if (openid && !issuer) throw invalid('scope openid needs issuer: the ID token is checked against the discovered issuer and keys');
  const redirectUri = readRedirectUri(options.redirectUri ?? DEFAULT_REDIRECT_URI, 'redirectUri');
  const openBrowser = optionalFunction(options, 'openBrowser');
  const promptRedirect = optionalFunction(options, 'promptRedirect');
  const onProgress = optionalFunction(options, 'onProgress');
  const now = optionalFunction(options, 'now') ?? Date.now;
  const fetchImpl = optionalFunction(options, 'fetch');
  const timeoutMs = positive(optionalNumber(options, 'timeoutMs', DEFAULT_TIMEOUT_MS), 'timeoutMs');
  const callbackTimeoutMs = positive(optionalNumber(options, 'callbackTimeoutMs', DEFAULT_CALLBACK_TIMEOUT_MS), 'callbackTimeoutMs');
  const expirySkewMs = optionalNumber(options, 'expirySkewMs', DEFAULT_EXPIRY_SKEW_MS);
  const redirectMode = options.redirectMode ?? 'auto';
  if (redirectMode !== 'auto' && redirectMode !== 'paste') throw invalid("redirectMode must be 'auto' or 'paste'");
  const useListener = redirectMode === 'auto' && openBrowser !== undefined && isLoopbackRedirectUri(redirectUri);
  if (!useListener && (openBrowser !== undefined || redirectMode === 'paste') && promptRedirect === undefined) {
    throw invalid(
      redirectMode === 'paste'
        ? "promptRedirect is required with redirectMode 'paste'"
        : 'promptRedirect is required: redirectUri is not http://127.0.0.1[:port]/path, so the redirected URL must be pasted',
    );
  }
  const providerName = optionalString(options, 'providerName');
  const loginCommand = `tokensmith login ${providerName ?? '<provider>'}`;
  const store = options.store ?? new MemoryStore();
  const key = tokenKey({ tokenUrl: issuer ?? tokenUrl!, clientId, user: 'authorization-code' });
  // Every authorization-server answer is small; a huge body is refused rather than parsed.
  const cappedFetch = limitResponseBody(fetchImpl ?? ((input, init) => globalThis.fetch(input, init)), MAX_AUTH_RESPONSE_BYTES);
  const client: ClientSettings = { clientId, clientSecret, openid, now, fetch: cappedFetch, timeoutMs };

  const progress = (event: AuthorizationProgress) => {
    try {
      onProgress?.(event.message, event);
    } catch {
      // A failing progress reporter must not break the login.
    }
  };

  let serverPromise: Promise<ResolvedServer> | undefined;
  const server = (): Promise<ResolvedServer> => {
    if (!serverPromise) {
      if (issuer) progress({ type: 'discovery', message: `Discovering the authorization server at ${issuer.origin}` });
      serverPromise = resolveServer({ issuer, authorizationUrl, tokenUrl, revocationUrl }, client).catch((error: unknown) => {
        serverPromise = undefined;
        throw error;
      });
    }
    return serverPromise;
  };

  const toCredentials = (response: unknown): BearerCredentials => parseTokenResponse(response, { status: 200, now: now() });

  const startAuthorization = async (start: StartAuthorizationOptions = {}): Promise<PendingAuthorization> => {
    const resolved = await server();
    const methods = resolved.metadata.code_challenge_methods_supported;
    if (Array.isArray(methods) && !methods.includes('S256')) {
      throw new TokensmithError('config_error', 'the authorization server does not list S256 in code_challenge_methods_supported; tokensmith always uses PKCE S256');
    }
    const redirect = start.redirectUri === undefined ? redirectUri.href : readRedirectUri(start.redirectUri, 'redirectUri').href;
    const codeVerifier = createCodeVerifier();
    const state = randomValue();
    const nonce = openid ? randomValue() : undefined;
    const params: Record<string, string> = {
      response_type: 'code',
      redirect_uri: redirect,
      state,
      code_challenge: codeChallengeS256(codeVerifier),
      code_challenge_method: 'S256',
    };
    if (scopes.length) params.scope = scopes.join(' ');
    if (nonce !== undefined) params.nonce = nonce;
    const authorizeUrl = oidc.buildAuthorizationUrl(configure(resolved, client), params).href;
    return pendingOf({ authorizeUrl, state, codeVerifier, redirectUri: redirect, ...(nonce === undefined ? {} : { nonce }) });
  };

  /** Checks the authorization response and exchanges its code. Stores nothing. */
  const exchange = async (pending: PendingAuthorization, callbackUrl: string | URL): Promise<BearerCredentials> => {
    if (!pending || typeof pending !== 'object' || typeof pending.state !== 'string' || typeof pending.redirectUri !== 'string') {
      throw invalid('pending must be what startAuthorization returned');
    }
    if (!isCodeVerifier(pending.codeVerifier)) throw invalid('pending.codeVerifier must be 43-128 characters of [A-Za-z0-9._~-] (RFC 7636 4.1)');
    if (openid && typeof pending.nonce !== 'string') throw invalid('pending.nonce is required with scope openid');
    const redirect = readRedirectUri(pending.redirectUri, 'pending.redirectUri');
    let callback: URL;
    try {
      callback = new URL(callbackUrl);
    } catch {
      throw invalid('callbackUrl must be the absolute URL the browser was redirected to');
    }
    const params = callback.searchParams;
    const returnedState = params.get('state');
    if (returnedState === null || !sameText(returnedState, pending.state)) {
      throw new TokensmithError(
        'state_mismatch',
        'the authorization response does not belong to this login attempt (its state does not match: a stale tab or a forged redirect); nothing was stored. Run the login again.',
      );
    }
    if (!params.has('code') && !params.has('error')) throw new TokensmithError('oauth_response', 'the authorization response has neither a code nor an error');
    const resolved = await server();
    if (resolved.issuerKnown) {
      const iss = params.get('iss');
      const required = resolved.metadata.authorization_response_iss_parameter_supported === true;
      if ((iss === null && required) || (iss !== null && iss !== resolved.metadata.issuer)) {
        throw new TokensmithError(
          'oauth_response',
          `the authorization response ${iss === null ? 'lacks the iss parameter its server promises' : 'comes from another issuer'} (RFC 9207 mix-up protection); nothing was stored`,
        );
      }
    }
    const current = new URL(redirect.href);
    for (const [name, value] of params) if (name !== 'iss' || resolved.issuerKnown) current.searchParams.append(name, value);
    const checks: oidc.AuthorizationCodeGrantChecks = { pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state };
    if (openid) checks.expectedNonce = pending.nonce!;
    if (params.has('code')) progress({ type: 'exchange', message: 'Exchanging the authorization code for tokens' });
    try {
      return toCredentials(await oidc.authorizationCodeGrant(configure(resolved, client), current, checks));
    } catch (error) {
      throw await toTokensmithError(error, params.has('code') ? 'authorization code exchange' : 'authorization response');
    }
  };

  const browserMessage = (error: unknown) => (error instanceof TokensmithError ? error.message : 'Sign-in failed.');

  const openInBrowser = (authorizeUrl: string): Promise<boolean> =>
    Promise.resolve()
      .then(() => openBrowser!(authorizeUrl))
      .then(
        () => true,
        () => false,
      );

  const viaListener = async (signal: AbortSignal | undefined): Promise<BearerCredentials> => {
    const listener = await startLoopbackListener(redirectUri);
    const stopPrompt = new AbortController();
    try {
      const pending = await startAuthorization({ redirectUri: listener.redirectUri });
      const { authorizeUrl } = pending;
      progress({ type: 'listening', message: `Waiting for the browser on ${listener.redirectUri}`, redirectUri: listener.redirectUri });
      progress({ type: 'open-browser', message: 'Opening the browser to authorize', authorizeUrl });
      // Not awaited: a browser (or a test playing one) may only settle after the callback was answered.
      const browserFailed = openInBrowser(authorizeUrl).then((opened) => {
        if (opened) return new Promise<never>(() => undefined);
        progress({ type: 'browser-failed', message: `Could not open a browser; open this URL yourself: ${authorizeUrl}`, authorizeUrl });
        return undefined;
      });
      const waiting: Array<Promise<{ callback: LoopbackCallback } | { input: string }>> = [
        listener.waitForCallback({ timeoutMs: callbackTimeoutMs, signal }).then((callback) => ({ callback })),
      ];
      if (promptRedirect) {
        const promptSignal = signal ? AbortSignal.any([signal, stopPrompt.signal]) : stopPrompt.signal;
        waiting.push(browserFailed.then(() => promptRedirect({ authorizeUrl, signal: promptSignal })).then((input) => ({ input })));
      }
      const received = await Promise.race(waiting);
      stopPrompt.abort();
      if ('input' in received) {
        const iss = issuerParam(await server());
        return await exchange(pending, callbackFromInput(received.input, pending, { iss }));
      }
      progress({ type: 'callback', message: 'Received the authorization response from the browser' });
      try {
        const credentials = await exchange(pending, received.callback.url);
        await received.callback.respond({ ok: true });
        return credentials;
      } catch (error) {
        await received.callback.respond({ ok: false, message: browserMessage(error) });
        throw error;
      }
    } finally {
      stopPrompt.abort();
      await listener.close();
    }
  };

  const issuerParam = (resolved: ResolvedServer): string | undefined =>
    resolved.issuerKnown && resolved.metadata.authorization_response_iss_parameter_supported === true ? resolved.metadata.issuer : undefined;

  const viaPaste = async (signal: AbortSignal | undefined): Promise<BearerCredentials> => {
    const pending = await startAuthorization();
    const { authorizeUrl } = pending;
    const stop = new AbortController();
    const promptSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
    progress({ type: 'prompt', message: `Open this URL to authorize, then paste the address your browser was sent to (or the code): ${authorizeUrl}`, authorizeUrl });
    if (openBrowser) {
      void openInBrowser(authorizeUrl).then((opened) => {
        if (!opened) progress({ type: 'browser-failed', message: `Could not open a browser; open this URL yourself: ${authorizeUrl}`, authorizeUrl });
      });
    }
    try {
      const input = await withDeadline(
        Promise.resolve().then(() => promptRedirect!({ authorizeUrl, signal: promptSignal })),
        { timeoutMs: callbackTimeoutMs, signal, what: 'pasted redirect URL or code' },
      );
      return await exchange(pending, callbackFromInput(input, pending, { iss: issuerParam(await server()) }));
    } finally {
      stop.abort();
    }
  };

  const interactive = async (signal: AbortSignal | undefined): Promise<BearerCredentials> => {
    if (!openBrowser && !promptRedirect) {
      throw new TokensmithError('login_required', `no usable tokens are stored; run \`${loginCommand}\` to sign in (this provider has no openBrowser or promptRedirect)`);
    }
    await server();
    return useListener ? viaListener(signal) : viaPaste(signal);
  };

  const refresh = async (current: BearerCredentials & { refreshToken: string }, drop: () => Promise<void>): Promise<BearerCredentials> => {
    const resolved = await server();
    progress({ type: 'refresh', message: 'Refreshing the access token' });
    let fresh: BearerCredentials;
    try {
      fresh = toCredentials(await oidc.refreshTokenGrant(configure(resolved, client), current.refreshToken));
    } catch (error) {
      const mapped = await toTokensmithError(error, 'refresh token request');
      if (mapped instanceof OAuthResponseError && mapped.error === 'invalid_grant') {
        await drop();
        throw new TokensmithError(
          'login_required',
          `the authorization server no longer accepts the refresh token (invalid_grant); the stored tokens were dropped. Run \`${loginCommand}\` again.`,
          { cause: mapped },
        );
      }
      throw mapped;
    }
    // A refresh response may omit refresh_token (keep the old one), id_token and scope.
    const merged: BearerCredentials = { ...fresh, refreshToken: fresh.refreshToken ?? current.refreshToken };
    const idToken = fresh.idToken ?? current.idToken;
    if (idToken !== undefined) merged.idToken = idToken;
    const scope = fresh.scope ?? current.scope;
    if (scope !== undefined) merged.scope = scope;
    return merged;
  };

  const tokens = createTokenManager<BearerCredentials>({
    key,
    store,
    now,
    skewMs: expirySkewMs,
    // A refresh runs under the store lock; the browser login (nothing to refresh) outside it.
    obtain: async ({ current, drop }) => (current?.refreshToken ? refresh(current as BearerCredentials & { refreshToken: string }, drop) : undefined),
    interactive: ({ signal }) => interactive(signal),
  });

  const revokeAll = async (current: BearerCredentials): Promise<void> => {
    const resolved = await server();
    if (!resolved.metadata.revocation_endpoint) return;
    const targets: Array<[string | undefined, 'refresh_token' | 'access_token']> = [
      [current.refreshToken, 'refresh_token'],
      [current.accessToken, 'access_token'],
    ];
    for (const [token, hint] of targets) {
      if (token === undefined) continue;
      const label = hint === 'refresh_token' ? 'refresh token' : 'access token';
      progress({ type: 'revoke', message: `Revoking the ${label}` });
      try {
        await oidc.tokenRevocation(configure(resolved, client), token, { token_type_hint: hint });
      } catch (error) {
        const mapped = await toTokensmithError(error, 'token revocation');
        progress({ type: 'revoke-failed', message: `Could not revoke the ${label} (${mapped.message}); it is forgotten locally anyway` });
      }
    }
  };

  const description: Record<string, string> = {
    ...(issuer ? { issuer: issuer.href } : {}),
    ...(authorizationUrl ? { authorizationUrl: authorizationUrl.href } : {}),
    ...(tokenUrl ? { tokenUrl: tokenUrl.href } : {}),
    clientId,
    client: clientSecret === undefined ? 'public' : 'confidential',
    scopes: scopes.join(' '),
    redirectUri: redirectUri.href,
  };

  return defineProvider(
    {
      strategy: 'authorization-code' as const,
      getToken: (getOptions) => tokens.get(getOptions),
      authorize: async (_request, getOptions) => bearerHeaders(await tokens.get(getOptions)),
      invalidate: () => tokens.invalidate(),
      login: (loginOptions?: LoginOptions) => tokens.login(({ signal }) => interactive(signal), loginOptions),
      logout: async () => {
        try {
          const current = await tokens.peek();
          if (current) await revokeAll(current);
        } catch (error) {
          const mapped = await toTokensmithError(error, 'token revocation');
          progress({ type: 'revoke-failed', message: `Could not revoke the tokens (${mapped.message}); they are forgotten locally anyway` });
        } finally {
          await tokens.drop();
        }
      },
      peek: () => tokens.peek(),
      startAuthorization,
      completeAuthorization: async (pending, callbackUrl) => tokens.replace(await exchange(pending, callbackUrl)),
    } satisfies AuthorizationCodeProvider,
    description,
  );
}
