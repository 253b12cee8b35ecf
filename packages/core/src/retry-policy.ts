import { randomInt } from 'node:crypto';
import { abortError } from './signals.js';

/** Methods safe to send twice (RFC 9110 9.2.2). */
export const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** Statuses worth retrying for an idempotent request. */
export const RETRYABLE_STATUSES = new Set([500, 502, 503, 504]);

/** Connection-level failure codes worth retrying. */
const RETRYABLE_ERRORS = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'ECONNABORTED',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Retry settings of `createAuthenticatedFetch`.
 *
 * @example
 * ```ts
 * const api = createAuthenticatedFetch(provider, { retry: { maxRetries: 5, maxRateLimitWaitMs: 120_000 } });
 * ```
 */
export interface RetryOptions {
  /** Retries of an idempotent request after a 5xx or a connection reset. Default 3. */
  maxRetries?: number;
  /** First backoff delay; doubles each time, with full jitter. Default 250 ms. */
  baseDelayMs?: number;
  /** Cap of one backoff delay. Default 8 s. */
  maxDelayMs?: number;
  /** Longest wait for a rate limit (429) to reset; a longer one returns the 429. Default 60 s. */
  maxRateLimitWaitMs?: number;
  /** Waits for 429s at most this many times per request. Default 2. */
  maxRateLimitRetries?: number;
}

/** Resolved {@link RetryOptions}. */
export type RetryPolicy = Required<RetryOptions>;

/**
 * Fills in {@link RetryOptions} defaults.
 *
 * @example
 * ```ts
 * retryPolicy({ maxRetries: 1 }).baseDelayMs; // 250
 * ```
 */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  return { maxRetries: 3, baseDelayMs: 250, maxDelayMs: 8_000, maxRateLimitWaitMs: 60_000, maxRateLimitRetries: 2, ...options };
}

/**
 * Capped exponential backoff with full jitter: a random delay in [0, min(cap, base * 2^attempt)].
 * Randomness from node:crypto; `random` is injectable for tests.
 *
 * @example
 * ```ts
 * backoffDelay(2, retryPolicy(), () => 1); // 1000 (250 * 2^2)
 * ```
 */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = () => randomInt(0, 1_000_001) / 1_000_000,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling * random());
}

/**
 * How long a 429 asks to wait, from `Retry-After` (seconds or HTTP date) or Twitter's
 * `x-rate-limit-reset` (epoch seconds). Undefined when neither is usable.
 *
 * @example
 * ```ts
 * rateLimitDelay(new Headers({ 'retry-after': '3' }), Date.now()); // 3000
 * ```
 */
export function rateLimitDelay(headers: Headers, now: number): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = headers.get('x-rate-limit-reset')?.trim();
  if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now);
  return undefined;
}

/**
 * Whether a fetch failure is a connection problem worth retrying (not an abort or a timeout).
 *
 * @example
 * ```ts
 * isRetryableNetworkError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } })); // true
 * ```
 */
export function isRetryableNetworkError(error: unknown): boolean {
  // Duck-typed: errors from Node's own fetch may come from another realm (vm contexts, test runners).
  if (typeof error !== 'object' || error === null) return false;
  const { name, code: ownCode, cause } = error as { name?: unknown; code?: unknown; cause?: { code?: unknown } };
  if (name === 'AbortError' || name === 'TimeoutError') return false;
  const code = ownCode ?? cause?.code;
  return typeof code === 'string' && RETRYABLE_ERRORS.has(code);
}

/**
 * Waits `ms`, or rejects with `aborted`/`timeout` when `signal` fires first.
 *
 * @example
 * ```ts
 * await sleep(250, AbortSignal.timeout(1_000));
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
