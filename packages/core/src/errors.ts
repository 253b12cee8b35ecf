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
  /** No usable token and no way to get one without a person: run `tokensmith login`. */
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
 * Base class of every error tokensmith throws. `code` is a stable string literal to branch on;
 * `cause` keeps the underlying error. Messages never contain secrets.
 *
 * @example
 * ```ts
 * try { await provider.getToken(); }
 * catch (err) { if (err instanceof TokensmithError && err.code === 'timeout') retryLater(); }
 * ```
 */
export class TokensmithError extends Error {
  override name = 'TokensmithError';
  readonly code: TokensmithErrorCode;

  constructor(code: TokensmithErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
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
  readonly status: number;
  readonly error: string;
  readonly error_description?: string;
  readonly body: string;

  constructor(context: string, fields: OAuthErrorFields, options?: { cause?: unknown }) {
    const description = fields.error_description ? `: ${fields.error_description}` : '';
    super(
      fields.status >= 500 || fields.status === 429 ? 'provider_error' : 'oauth_response',
      `${context} failed with HTTP ${fields.status} ${fields.error}${description}`,
      options,
    );
    this.status = fields.status;
    this.error = fields.error;
    if (fields.error_description !== undefined) this.error_description = fields.error_description;
    this.body = redactBody(fields.body);
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
