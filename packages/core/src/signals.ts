import { TokensmithError, type ErrorDetails } from './errors.js';

/** Default timeout of every HTTP call tokensmith makes. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** The longest timeout a timer can hold (2^31 - 1 ms, about 24.8 days): a longer one would fire at once. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * Reads the `timeoutMs` option every strategy takes, by one rule: omitted means
 * {@link DEFAULT_TIMEOUT_MS}; otherwise a whole number of milliseconds from 1 to
 * {@link MAX_TIMEOUT_MS}. `0` is refused rather than read as "no timeout": every HTTP call
 * tokensmith makes is bounded, so a stalled server can never keep a process alive.
 * The timeout covers one whole request, the body included.
 *
 * @example
 * ```ts
 * const timeoutMs = resolveTimeoutMs(options); // 30_000 when options.timeoutMs is undefined
 * resolveTimeoutMs({ timeoutMs: 0 }); // throws "timeoutMs must be a whole number of milliseconds from 1 to 2147483647 ..."
 * ```
 */
export function resolveTimeoutMs(options: { timeoutMs?: number | undefined }, field = 'timeoutMs'): number {
  const value: unknown = (options as Record<string, unknown>)[field];
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) {
    throw new TokensmithError(
      'invalid_options',
      `${field} must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS} (every request is bounded; omit it for the default ${DEFAULT_TIMEOUT_MS})`,
    );
  }
  return value;
}

/**
 * Races `promise` against `signal`: the caller stops waiting when it aborts, while the work
 * itself (possibly shared with other callers) goes on.
 *
 * @example
 * ```ts
 * const token = await abortable(sharedRequest, AbortSignal.timeout(1_000));
 * ```
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * One signal that aborts on the caller's signal or after `timeoutMs`, whichever comes first.
 *
 * @example
 * ```ts
 * await fetch(url, { signal: timeoutSignal(30_000, options.signal) });
 * ```
 */
export function timeoutSignal(timeoutMs: number, signal?: AbortSignal): AbortSignal {
  if (signal) return AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  // AbortSignal.timeout costs ~9 µs a call (weak refs); a controller and an unref'd timer give the
  // same behaviour, body reading included, for a fraction of that on every request.
  const controller = new AbortController();
  setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), timeoutMs).unref();
  return controller.signal;
}

/**
 * Turns an abort (timeout or caller) into a {@link TokensmithError} with code `timeout` or `aborted`.
 *
 * @example
 * ```ts
 * try {
 *   await fetch(url, { signal });
 * } catch (err) {
 *   if (signal.aborted) throw abortError(signal, 'token request', { operation: 'token_request', endpoint: tokenUrl });
 *   throw err;
 * }
 * ```
 */
export function abortError(signal: AbortSignal, what = 'request', details: ErrorDetails = {}): TokensmithError {
  const reason: unknown = signal.reason;
  const isTimeout = reason instanceof DOMException && reason.name === 'TimeoutError';
  return isTimeout
    ? new TokensmithError('timeout', `${what} timed out`, { ...details, cause: reason })
    : new TokensmithError('aborted', `${what} was aborted`, { ...details, cause: reason });
}
