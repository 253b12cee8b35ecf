import { redactBody } from './redact.js';

/**
 * Every error code tokensmith throws. A code names what went wrong, never a secret.
 */
export type TokensmithErrorCode = keyof typeof ERROR_CATEGORIES;

/**
 * Who can fix an error: `usage` the caller (options, config, a command line), `auth` the person or
 * the credentials (log in again, check the secret), `provider` nobody here (the network, the server,
 * a shared store): retry later. The CLI's exit codes are 1, 2 and 3 in this order.
 */
export type ErrorCategory = 'usage' | 'auth' | 'provider';

/**
 * Every error code tokensmith throws and its one category. Adding a code means choosing here.
 * A code names what went wrong, never a secret.
 *
 * @example
 * ```ts
 * ERROR_CATEGORIES.login_required; // 'auth'
 * ```
 */
export const ERROR_CATEGORIES = {
  /** A library option is missing or malformed (the message names it). */
  invalid_options: 'usage',
  /** A config file or a command line is wrong (the message names the path or flag). */
  config_error: 'usage',
  /** An `http://` endpoint off loopback. */
  insecure_endpoint: 'usage',
  /** An OAuth request was malformed for signing. */
  signature_error: 'usage',
  /** The caller (or a person, with Ctrl-C) cancelled. */
  aborted: 'usage',
  /** Stored tokens cannot be read or written: a corrupt, foreign or unsafe file, an item not ours. */
  store_error: 'usage',
  /** The server refused the credentials or the grant (a 4xx OAuth error). */
  oauth_response: 'auth',
  /** The person denied access, or gave no PIN/code. */
  authorization_denied: 'auth',
  /** A callback's state (or issuer) did not match the login it claims to finish. */
  state_mismatch: 'auth',
  /** Nobody completed the browser or paste step in time. */
  callback_timeout: 'auth',
  /** A device code expired before it was approved: run the login again. */
  device_code_expired: 'auth',
  /** No usable token and no way to get one without a person: log in (again). */
  login_required: 'auth',
  /** A server answered with a 5xx or 429 (OAuth-shaped or not). */
  provider_error: 'provider',
  /** A server answered with an HTTP error that is not an OAuth error (a wrong URL, a proxy page). */
  http_error: 'provider',
  /** A token response that is not a valid token (too large, malformed, missing fields). */
  invalid_token_response: 'provider',
  /** A resource's response body is larger than the configured cap (nothing past the cap was read). */
  response_too_large: 'provider',
  /** The connection failed (refused, reset, DNS, TLS). */
  network_error: 'provider',
  /** A request or a wait ran past its deadline. */
  timeout: 'provider',
  /** A shared store (Redis, the OS keychain) did not answer. */
  store_unavailable: 'provider',
} as const satisfies Record<string, ErrorCategory>;

/**
 * The category of any error: a tokensmith error's from {@link ERROR_CATEGORIES}; anything else
 * (a bug, a foreign error) counts as `provider`.
 *
 * @example
 * ```ts
 * errorCategory(new TokensmithError('config_error', 'providers.x.tokenUrl: must be a URL')); // 'usage'
 * ```
 */
export function errorCategory(error: unknown): ErrorCategory {
  return error instanceof TokensmithError ? ERROR_CATEGORIES[error.code] : 'provider';
}

/**
 * What was being done when an error happened: the step of a flow a person or a program can act on.
 * The CLI words its advice from this (which config field to check), never from a message.
 *
 * @example
 * ```ts
 * ERROR_OPERATIONS.device_authorization; // 'the device authorization request (RFC 8628 3.1)'
 * ```
 */
export const ERROR_OPERATIONS = {
  /** A token request: the client credentials grant, or the authorization code exchange (RFC 6749 4.1.3, 4.4). */
  token_request: 'a token request to the token endpoint',
  /** A refresh token request (RFC 6749 6). */
  refresh: 'a refresh token request to the token endpoint',
  /** OAuth 1.0a temporary credentials (RFC 5849 2.1, `request_token`). */
  request_token: 'the OAuth 1.0a request token request',
  /** OAuth 1.0a token credentials: exchanging the verifier (PIN) (RFC 5849 2.3, `access_token`). */
  access_token: 'the OAuth 1.0a access token request (the PIN exchange)',
  /** The device authorization request (RFC 8628 3.1). */
  device_authorization: 'the device authorization request (RFC 8628 3.1)',
  /** Polling the token endpoint with a device code (RFC 8628 3.4). */
  device_token: 'polling the token endpoint with the device code (RFC 8628 3.4)',
  /** Token revocation (RFC 7009). */
  revocation: 'token revocation (RFC 7009)',
  /** Invalidating an app-only bearer token (Twitter's `invalidate_token`). */
  invalidation: 'invalidating an app-only bearer token',
  /** Authorization server metadata discovery (OIDC Discovery, RFC 8414). */
  discovery: 'authorization server metadata discovery',
  /** A request to a protected resource with a token (an API call). */
  resource: 'a request to a protected resource',
  /** The browser step: the authorization response at the redirect URI, or the PIN/code a person gives. */
  authorization: 'the authorization step in the browser (the redirect, the code or the PIN)',
  /** Reading or writing stored tokens. */
  store: 'reading or writing stored tokens',
  /** Registering (or forgetting) a client: RFC 7591/7592 dynamic registration, or Mastodon's `/api/v1/apps`. */
  registration: 'registering the client with the server (RFC 7591, or Mastodon /api/v1/apps)',
} as const;

/** The step an error happened in; see {@link ERROR_OPERATIONS}. */
export type ErrorOperation = keyof typeof ERROR_OPERATIONS;

/**
 * The data an error carries besides its code: set where it is thrown, read by programs (the CLI's
 * explanations) instead of the message. None of it is secret: `endpoint` keeps no query, fragment
 * or userinfo.
 *
 * @example
 * ```ts
 * const details: ErrorDetails = { operation: 'token_request', endpoint: tokenUrl, status: 401, error: 'invalid_client' };
 * ```
 */
export interface ErrorDetails {
  /** The step that failed. */
  operation?: ErrorOperation;
  /** The URL called; stored as origin and path only. */
  endpoint?: string | URL;
  /** The OAuth `error` code (or the provider's equivalent, e.g. Twitter's `twitter_135`). */
  error?: string;
  /** The HTTP status of the response, when there was one. */
  status?: number;
}

/**
 * The options of every tokensmith error: its {@link ErrorDetails} and the underlying `cause`.
 *
 * @example
 * ```ts
 * new TokensmithError('timeout', 'token request timed out', { operation: 'token_request', endpoint: 'https://auth.example/token', cause: new Error('socket hang up') });
 * ```
 */
export interface TokensmithErrorOptions extends ErrorDetails {
  cause?: unknown;
}

/**
 * A URL as an error may carry it: origin and path, without userinfo, query or fragment (any of which
 * may hold a secret). Undefined for something that is not an absolute URL.
 *
 * @example
 * ```ts
 * endpointText('https://u:p@auth.example/token?code=abc#x'); // 'https://auth.example/token'
 * ```
 */
export function endpointText(input: string | URL | undefined): string | undefined {
  if (input === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return undefined;
  }
  return `${url.origin === 'null' ? `${url.protocol}//${url.host}` : url.origin}${url.pathname}`;
}

/**
 * Base class of every error tokensmith throws. `code` is a stable string literal to branch on;
 * `operation`, `endpoint`, `error` and `status` say where it happened (when known); `cause` keeps
 * the underlying error. Messages never contain secrets.
 *
 * @example
 * ```ts
 * try { await provider.getToken(); }
 * catch (err) { if (err instanceof TokensmithError && err.code === 'timeout' && err.operation === 'token_request') retryLater(); }
 * ```
 */
export class TokensmithError extends Error {
  override name = 'TokensmithError';
  readonly code: TokensmithErrorCode;
  // Declared, not initialised: an absent detail is no own property (inspect() and JSON stay short).
  declare readonly operation?: ErrorOperation;
  declare readonly endpoint?: string;
  declare readonly error?: string;
  declare readonly status?: number;

  constructor(code: TokensmithErrorCode, message: string, options?: TokensmithErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    const details: { -readonly [K in keyof ErrorDetails]: ErrorDetails[K] } = {};
    if (options?.operation !== undefined) details.operation = options.operation;
    const endpoint = endpointText(options?.endpoint);
    if (endpoint !== undefined) details.endpoint = endpoint;
    if (options?.error !== undefined) details.error = options.error;
    if (options?.status !== undefined) details.status = options.status;
    Object.assign(this, details);
  }
}

/** The parsed parts of an OAuth error response (RFC 6749 5.2, or Twitter's `errors` array). */
export interface OAuthErrorFields {
  /** HTTP status of the response. */
  status: number;
  /** The `error` code (`invalid_client`, `invalid_grant`, ...), or Twitter's error label/code. */
  error: string;
  /** Human-readable description from the server, if any. */
  error_description?: string;
  /** The response body (text), capped and with token-like fields masked. */
  body: string;
  /** The response's `Date` header as epoch ms, when it had one (to tell a skewed clock). */
  serverTime?: number;
}

/**
 * An authorization server or resource answered with an OAuth error.
 *
 * @example
 * ```ts
 * try {
 *   await provider.getToken();
 * } catch (err) {
 *   if (err instanceof OAuthResponseError && err.error === 'invalid_client') console.error('check clientSecret');
 * }
 * ```
 */
export class OAuthResponseError extends TokensmithError implements OAuthErrorFields {
  override name = 'OAuthResponseError';
  declare readonly status: number;
  declare readonly error: string;
  readonly error_description?: string;
  readonly body: string;
  declare readonly serverTime?: number;

  constructor(context: string, fields: OAuthErrorFields, options?: Omit<TokensmithErrorOptions, 'error' | 'status'>) {
    const description = fields.error_description ? `: ${fields.error_description}` : '';
    super(
      fields.status >= 500 || fields.status === 429 ? 'provider_error' : 'oauth_response',
      `${context} failed with HTTP ${fields.status} ${fields.error}${description}`,
      { ...options, status: fields.status, error: fields.error },
    );
    if (fields.error_description !== undefined) this.error_description = fields.error_description;
    this.body = redactBody(fields.body);
    if (fields.serverTime !== undefined && Number.isFinite(fields.serverTime)) Object.assign(this, { serverTime: fields.serverTime });
  }
}

/**
 * Parses an error response body into {@link OAuthErrorFields}: RFC 6749's
 * `{ error, error_description }`, Twitter's `{ errors: [{ code, label, message }] }`,
 * or anything else (the error becomes `http_<status>`).
 *
 * @example
 * ```ts
 * parseOAuthError(403, '{"errors":[{"code":99,"label":"authenticity_token_error","message":"Unable to verify your credentials"}]}');
 * // { status: 403, error: 'authenticity_token_error', error_description: 'Unable to verify your credentials', body: ... }
 * ```
 */
export function parseOAuthError(status: number, bodyText: string): OAuthErrorFields {
  const fallback: OAuthErrorFields = { status, error: `http_${status}`, body: bodyText };
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return fallback;
  }
  if (!json || typeof json !== 'object') return fallback;
  const record = json as Record<string, unknown>;
  if (typeof record.error === 'string' && record.error) {
    const description = typeof record.error_description === 'string' ? record.error_description : undefined;
    return { status, error: record.error, ...(description ? { error_description: description } : {}), body: bodyText };
  }
  const first = Array.isArray(record.errors) ? (record.errors[0] as Record<string, unknown> | undefined) : undefined;
  if (first && typeof first === 'object') {
    const label = typeof first.label === 'string' ? first.label : typeof first.code === 'number' ? `twitter_${first.code}` : fallback.error;
    const message = typeof first.message === 'string' ? first.message : undefined;
    return { status, error: label, ...(message ? { error_description: message } : {}), body: bodyText };
  }
  return fallback;
}
