import type { Credentials } from './credentials.js';

/**
 * Options of {@link TokenProvider.getToken}.
 *
 * @example
 * ```ts
 * await provider.getToken({ forceRefresh: true, signal: AbortSignal.timeout(5_000) });
 * ```
 */
export interface GetTokenOptions {
  /** Ignore the cached token and obtain a new one (refresh, re-request or re-login). */
  forceRefresh?: boolean;
  /** Stops this caller's wait; a request shared with other callers goes on for them. */
  signal?: AbortSignal;
}

/**
 * One outgoing request to authenticate. OAuth 1.0a signs the method, the exact URL (query
 * included) and a form-encoded body; bearer strategies ignore all three.
 *
 * @example
 * ```ts
 * const headers = await provider.authorize({ method: 'POST', url: 'https://api.example.com/1.1/statuses/update.json', body: new URLSearchParams({ status: 'hi' }) });
 * ```
 */
export interface AuthorizeRequest {
  method: string;
  url: string | URL;
  /** A form body (`application/x-www-form-urlencoded`). Pass nothing for JSON or binary bodies: they are never signed. */
  body?: URLSearchParams | string | Record<string, string>;
}

/**
 * The contract every tokensmith strategy implements.
 *
 * @example
 * ```ts
 * const provider: TokenProvider = createClientCredentialsProvider({ tokenUrl, clientId, clientSecret });
 * const headers = await provider.authorize({ method: 'GET', url: 'https://api.example.com/me' });
 * const res = await fetch('https://api.example.com/me', { headers });
 * if (provider.observeResponse?.({ method: 'GET', url: 'https://api.example.com/me' }, res)) {
 *   // a DPoP nonce challenge: authorize and send again, once
 * }
 * if (res.status === 401) await provider.invalidate();
 * ```
 */
export interface TokenProvider<C extends Credentials = Credentials> {
  /** The strategy's literal name: `'client-credentials'`, `'oauth1-pin'`, `'authorization-code'`. */
  readonly strategy: string;
  /** The current credentials, obtained (once, whatever the number of callers) when missing or expired. */
  getToken(options?: GetTokenOptions): Promise<C>;
  /** The headers that authenticate exactly this request. */
  authorize(request: AuthorizeRequest, options?: GetTokenOptions): Promise<Record<string, string>>;
  /** Marks the current token as rejected (a 401): the next `getToken()` obtains a new one. */
  invalidate(): Promise<void>;
  /**
   * Optional: reads the resource server's answer to a request authorized by `authorize()` (a
   * `DPoP-Nonce` header, RFC 9449 9) and says whether to send that request once more with fresh
   * `authorize()` headers (a 401 with `error="use_dpop_nonce"`). Strategies without per-request
   * proofs leave it out.
   */
  observeResponse?(request: AuthorizeRequest, response: Response): boolean;
}

/**
 * Options of {@link InteractiveTokenProvider.login}.
 */
export interface LoginOptions {
  signal?: AbortSignal;
}

/**
 * What `logout()` did at the provider (the tokens are always forgotten locally): `revoked` at
 * `endpoint` (its origin); `unsupported`, the provider has no revocation endpoint; `failed`, the
 * revocation request failed for `reason` (it names no token); `nothing-stored`, there was nothing
 * to revoke.
 *
 * @example
 * ```ts
 * const result = await provider.logout();
 * if (result.revocation === 'failed') console.warn(`not revoked: ${result.reason}`);
 * ```
 */
export type LogoutResult =
  | { revocation: 'revoked'; endpoint: string }
  | { revocation: 'unsupported' | 'nothing-stored' }
  | { revocation: 'failed'; endpoint?: string; reason: string };

/**
 * A provider whose tokens live in a store: `peek()` reads them without obtaining any, `logout()`
 * revokes them where the server supports it and always forgets them locally.
 *
 * @example
 * ```ts
 * const provider: ManagedTokenProvider = createClientCredentialsProvider({ tokenUrl, clientId, clientSecret, store });
 * if (await provider.peek()) await provider.logout();
 * ```
 */
export interface ManagedTokenProvider<C extends Credentials = Credentials> extends TokenProvider<C> {
  /** The stored credentials, without starting any request or flow. */
  peek(): Promise<C | undefined>;
  /** Revokes the credentials where the server supports it, always forgets them locally, and says which happened. */
  logout(): Promise<LogoutResult>;
}

/**
 * A provider whose credentials come from a person (OAuth 1.0a PIN, authorization code):
 * `login()` runs the interactive flow now; `getToken()` runs it only when nothing usable is stored.
 * Credentials are stored only after the whole flow succeeds: a failed login leaves the old ones.
 *
 * @example
 * ```ts
 * const provider: InteractiveTokenProvider = createOAuth1PinProvider({ ...endpoints, promptPin });
 * await provider.login();
 * console.log(await provider.peek());
 * await provider.logout();
 * ```
 */
export interface InteractiveTokenProvider<C extends Credentials = Credentials> extends ManagedTokenProvider<C> {
  login(options?: LoginOptions): Promise<C>;
}
