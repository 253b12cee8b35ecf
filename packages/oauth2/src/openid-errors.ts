import * as oidc from 'openid-client';
import { OAuthResponseError, TokensmithError, parseOAuthError, type ErrorOperation, type TokensmithErrorCode } from '@tokensmith/core/kit';

/** What was being done when an error happened; it names the error and picks its code. */
export type Operation =
  | 'discovery'
  | 'authorization response'
  | 'pushed authorization request'
  | 'authorization code exchange'
  | 'device authorization request'
  | 'device access token request'
  | 'refresh token request'
  | 'token exchange request'
  | 'jwt bearer request'
  | 'token revocation'
  | 'client registration';

const VALIDATION_CODE: Record<Operation, TokensmithErrorCode> = {
  discovery: 'config_error',
  'authorization response': 'oauth_response',
  'pushed authorization request': 'oauth_response',
  'authorization code exchange': 'invalid_token_response',
  'device authorization request': 'invalid_token_response',
  'device access token request': 'invalid_token_response',
  'refresh token request': 'invalid_token_response',
  'token exchange request': 'invalid_token_response',
  'jwt bearer request': 'invalid_token_response',
  'token revocation': 'http_error',
  'client registration': 'http_error',
};

/** The step each operation is, as errors carry it (`error.operation`). */
const OPERATION_ID: Record<Operation, ErrorOperation> = {
  discovery: 'discovery',
  'authorization response': 'authorization',
  'pushed authorization request': 'authorization',
  'authorization code exchange': 'token_request',
  'device authorization request': 'device_authorization',
  'device access token request': 'device_token',
  'refresh token request': 'refresh',
  'token exchange request': 'token_request',
  'jwt bearer request': 'token_request',
  'token revocation': 'revocation',
  'client registration': 'registration',
};

function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/**
 * Turns whatever openid-client (or fetch) threw into a {@link TokensmithError} whose message and
 * `cause` carry no secret. openid-client's own errors are never kept as `cause`: theirs hold the
 * callback parameters (the code) or the token response body. The error carries the operation's
 * step (`refresh`, `device_token`, ...) and `endpoint`, the URL called, when the caller gives it.
 *
 * @example
 * ```ts
 * try { await oidc.refreshTokenGrant(config, refreshToken); }
 * catch (error) { throw await toTokensmithError(error, 'refresh token request', config.serverMetadata().token_endpoint); }
 * ```
 */
export async function toTokensmithError(error: unknown, operation: Operation, endpoint?: string | URL): Promise<TokensmithError> {
  const at = { operation: OPERATION_ID[operation], ...(endpoint === undefined ? {} : { endpoint }) };
  // Our own errors (the response size cap, say) may come back wrapped by openid-client.
  for (let link: unknown = error, depth = 0; link && depth < 5; link = (link as { cause?: unknown }).cause, depth++) {
    if (link instanceof TokensmithError) return link;
  }
  if (error instanceof oidc.ResponseBodyError) {
    const fields = { status: error.status, error: error.error, body: JSON.stringify(error.cause ?? {}) };
    return new OAuthResponseError(
      operation,
      error.error_description === undefined ? fields : { ...fields, error_description: clip(error.error_description) },
      at,
    );
  }
  if (error instanceof oidc.WWWAuthenticateChallengeError) {
    const text = await error.response.text().catch(() => '');
    const fields = parseOAuthError(error.status, text);
    const challengeError = error.cause.find((c) => typeof c.parameters.error === 'string')?.parameters.error;
    if (fields.error === `http_${error.status}` && challengeError) fields.error = challengeError;
    return new OAuthResponseError(operation, fields, at);
  }
  if (error instanceof oidc.AuthorizationResponseError) {
    const description = error.error_description ? `: ${clip(error.error_description)}` : '';
    if (error.error === 'access_denied') {
      return new TokensmithError(
        'authorization_denied',
        `authorization was denied at the authorization server (access_denied${description}); nothing was stored`,
        { ...at, error: error.error },
      );
    }
    return new TokensmithError('oauth_response', `the authorization server refused the request: ${clip(error.error, 60)}${description}`, {
      ...at,
      error: error.error,
    });
  }
  // Errors from Node's fetch may come from another realm (vm contexts, test runners): match by shape.
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  if (name === 'TimeoutError' || name === 'AbortError') {
    return name === 'TimeoutError'
      ? new TokensmithError('timeout', `${operation} timed out`, at)
      : new TokensmithError('aborted', `${operation} was aborted`, at);
  }
  if (name === 'TypeError' && message === 'fetch failed') {
    const cause = (error as { cause?: { code?: string; name?: string } }).cause;
    const reason = cause ? `: ${String(cause.code ?? cause.name ?? 'connection error')}` : '';
    return new TokensmithError('network_error', `${operation} failed${reason}`, { ...at, cause: error });
  }
  if (error instanceof oidc.ClientError) {
    if (error.code === 'OAUTH_TIMEOUT') return new TokensmithError('timeout', `${operation} timed out`, at);
    if (error.code === 'OAUTH_ABORT') return new TokensmithError('aborted', `${operation} was aborted`, at);
    const cause: unknown = error.cause;
    if (cause instanceof Response) {
      if (cause.status >= 400) {
        const text = await cause.text().catch(() => '');
        return new OAuthResponseError(operation, parseOAuthError(cause.status, text), at);
      }
      return new TokensmithError(VALIDATION_CODE[operation], `${operation} failed: ${clip(error.message)} (HTTP ${cause.status})`, {
        ...at,
        status: cause.status,
      });
    }
    // oauth4webapi's own errors (codes OAUTH_*) have fixed messages; anything else (a custom fetch, a
    // proxy) may carry request details such as the Authorization header, so only its name is kept.
    if (cause instanceof Error && isOAuthCoded(cause)) {
      return new TokensmithError(VALIDATION_CODE[operation], `${operation} failed: ${clip(error.message)}: ${clip(cause.message)}`, at);
    }
    if ((cause as { message?: unknown } | undefined)?.message === 'fetch failed') return toTokensmithError(cause, operation, endpoint);
    if (error.code === undefined && cause !== undefined)
      return new TokensmithError('network_error', `${operation} failed: ${describe(cause)}`, at);
    return new TokensmithError(VALIDATION_CODE[operation], `${operation} failed: ${clip(error.message)}`, at);
  }
  return new TokensmithError(operation === 'discovery' ? 'config_error' : 'network_error', `${operation} failed: ${describe(error)}`, at);
}

function isOAuthCoded(error: Error): boolean {
  const code: unknown = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('OAUTH_');
}

/** Names an unknown error by its name and code only: its message may hold request details. */
function describe(error: unknown): string {
  const found = error && typeof error === 'object' ? (error as { name?: unknown }).name : undefined;
  const name = typeof found === 'string' && /^\w{1,40}$/.test(found) ? found : 'error';
  const code: unknown = error && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[\w.-]{1,40}$/.test(code) ? `${name} ${code}` : name;
}
