import { redactBody } from './redact.js';

/**
 * Every error code tokensmith throws. A code names what went wrong, never a secret.
 */
export type TokensmithErrorCode =
  | 'invalid_options'
  | 'oauth_response'
  | 'invalid_token_response'
  | 'http_error'
  | 'network_error'
  | 'timeout'
  | 'aborted'
  | 'authorization_denied'
  | 'state_mismatch'
  | 'callback_timeout'
  | 'login_required'
  | 'insecure_endpoint'
  | 'store_error'
  | 'config_error'
  | 'signature_error';

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
 * catch (err) {
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
    super('oauth_response', `${context} failed with HTTP ${fields.status} ${fields.error}${description}`, options);
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
