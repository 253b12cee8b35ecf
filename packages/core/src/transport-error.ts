import { TokensmithError, type ErrorOperation } from './errors.js';
import { redactUrl } from './logging-fetch.js';

/**
 * What {@link toTransportError} needs to write a message a person can act on.
 *
 * @example
 * ```ts
 * const context: TransportContext = { what: 'token request', operation: 'token_request', endpoint: tokenUrl, field: 'tokenUrl', signal, timeoutMs };
 * ```
 */
export interface TransportContext {
  /** What was being done, in words for the message, e.g. `client credentials token request`. */
  what: string;
  /** The step, carried by the error as `operation` for programs to branch on. */
  operation: ErrorOperation;
  /** The URL called (logged with secret query parameters masked). */
  endpoint: string | URL;
  /** The option or config field that names the endpoint, e.g. `tokenUrl` (the CLI prefixes `providers.<name>.`). */
  field?: string;
  /** The signal the request ran under: when it aborted, the error is `timeout` or `aborted` whatever the library threw. */
  signal?: AbortSignal;
  /** The request's timeout, named in the `timeout` message. */
  timeoutMs?: number;
}

const REFUSED = new Set(['ECONNREFUSED']);
const NOT_FOUND = new Set(['ENOTFOUND']);
const DNS_TEMPORARY = new Set(['EAI_AGAIN']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);
const TIMED_OUT = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const TLS_CODES =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|EPROTO$|HOSTNAME_MISMATCH$)/;

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
  data?: unknown;
  isBoom?: unknown;
  output?: { statusCode?: unknown };
}

/** The error and its causes (fetch's `TypeError: fetch failed` wraps the socket error; wreck's Boom keeps it in `data`). */
function causeChain(error: unknown): ErrorShape[] {
  const chain: ErrorShape[] = [];
  let current: unknown = error;
  while (current && typeof current === 'object' && chain.length < 6 && !chain.includes(current)) {
    const shape = current as ErrorShape;
    chain.push(shape);
    // AggregateError (happy eyeballs: one error per address) keeps its parts in `errors`.
    const parts = (current as { errors?: unknown }).errors;
    current =
      shape.cause ??
      (shape.isBoom && typeof shape.data === 'object' && shape.data !== null ? shape.data : undefined) ??
      (Array.isArray(parts) ? parts[0] : undefined);
  }
  return chain;
}

function codeOf(chain: ErrorShape[]): string | undefined {
  for (const shape of chain) if (typeof shape.code === 'string' && /^[A-Z0-9_]{2,64}$/.test(shape.code)) return shape.code;
  return undefined;
}

function isTimeoutName(chain: ErrorShape[]): boolean {
  return chain.some(
    (shape) =>
      shape.name === 'TimeoutError' || (shape.isBoom === true && (shape.output?.statusCode === 504 || shape.output?.statusCode === 408)),
  );
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * Maps what `fetch` (undici), `node:http`, wreck or a socket threw into a {@link TokensmithError}
 * whose message names the endpoint and the next step, e.g. `client credentials token request
 * failed: connection to http://127.0.0.1:9/token refused: is the server running? check tokenUrl`. Errors are matched by shape (`code`, `name`, `cause`), never `instanceof`: under
 * Jest they come from another realm. A foreign error's message is never copied (a header
 * construction error quotes the token); only its code is. A `TokensmithError` passes through.
 *
 * @example
 * ```ts
 * try {
 *   response = await fetch(tokenUrl, { method: 'POST', body, signal });
 * } catch (error) {
 *   throw toTransportError(error, { what: 'token request', operation: 'token_request', endpoint: tokenUrl, field: 'tokenUrl', signal, timeoutMs });
 * }
 * ```
 */
export function toTransportError(error: unknown, context: TransportContext): TokensmithError {
  if (error instanceof TokensmithError) return error;
  const endpoint = redactUrl(context.endpoint);
  let host = endpoint;
  try {
    host = new URL(context.endpoint).host;
  } catch {
    // keep the redacted text
  }
  const check = context.field ? `check ${context.field}` : 'check the URL';
  const prefix = `${context.what} to ${endpoint}`;
  const chain = causeChain(error);
  const code = codeOf(chain);
  const at = { operation: context.operation, endpoint: context.endpoint };
  const options = { cause: error, ...at };
  const signal = context.signal;
  const timedOut = (why: string) =>
    new TokensmithError(
      'timeout',
      `${prefix} timed out${why}: the server is slow or not answering; try again, or raise timeoutMs`,
      options,
    );

  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    const isTimeout = (reason as { name?: unknown } | undefined)?.name === 'TimeoutError';
    if (isTimeout) return timedOut(context.timeoutMs === undefined ? '' : ` after ${seconds(context.timeoutMs)}`);
    return new TokensmithError('aborted', `${prefix} was aborted`, options);
  }
  if (isTimeoutName(chain)) return timedOut(context.timeoutMs === undefined ? '' : ` after ${seconds(context.timeoutMs)}`);
  if (chain.some((shape) => shape.name === 'AbortError')) return new TokensmithError('aborted', `${prefix} was aborted`, options);
  const failed = `${context.what} failed`;
  if (code !== undefined) {
    if (REFUSED.has(code))
      return new TokensmithError('network_error', `${failed}: connection to ${endpoint} refused: is the server running? ${check}`, options);
    if (NOT_FOUND.has(code))
      return new TokensmithError('network_error', `${failed}: host ${hostname(host)} not found (DNS) for ${endpoint}: ${check}`, options);
    if (DNS_TEMPORARY.has(code))
      return new TokensmithError(
        'network_error',
        `${failed}: DNS lookup of ${hostname(host)} failed for now (${endpoint}): check your network and try again`,
        options,
      );
    if (RESET.has(code))
      return new TokensmithError(
        'network_error',
        `${failed}: the connection to ${endpoint} was closed or reset (${code}): try again; if it persists, ${check} (is it the right port and scheme?)`,
        options,
      );
    if (UNREACHABLE.has(code))
      return new TokensmithError(
        'network_error',
        `${failed}: ${endpoint} is unreachable (${code}): check your network, or ${check}`,
        options,
      );
    if (TIMED_OUT.has(code)) return timedOut(` (${code})`);
    if (TLS_CODES.test(code))
      return new TokensmithError(
        'network_error',
        `${failed}: TLS with ${endpoint} failed (${code}): check the server's certificate, or that ${context.field ?? 'the URL'} uses https:// on a TLS port`,
        options,
      );
    return new TokensmithError('network_error', `${failed} (${code}) at ${endpoint}: ${check}`, options);
  }
  // No code to go by: the error may be anything, even a header-construction TypeError quoting a
  // token, so it is not kept as the cause (inspect() would print its message).
  return new TokensmithError('network_error', `${failed}: the connection to ${endpoint} could not be made or was lost: ${check}`, at);
}

function hostname(host: string): string {
  return host.replace(/:\d+$/, '');
}
