import { TokensmithError, abortError } from '@tokensmith/core/kit';

/**
 * Waits for `promise`, but rejects with `callback_timeout` after `timeoutMs` or with
 * `aborted`/`timeout` when `signal` aborts; the timer is always cleared.
 *
 * @example
 * ```ts
 * const input = await withDeadline(promptRedirect(), { timeoutMs: 300_000, what: 'the pasted redirect URL' });
 * ```
 */
export function withDeadline<T>(
  promise: Promise<T>,
  options: { timeoutMs: number; signal?: AbortSignal | undefined; what: string; onExpire?: () => void },
): Promise<T> {
  const { timeoutMs, signal, what } = options;
  if (signal?.aborted) return Promise.reject(abortError(signal, 'login'));
  return new Promise<T>((resolve, reject) => {
    const finish = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      finish();
      options.onExpire?.();
      reject(abortError(signal!, 'login', { operation: 'authorization' }));
    };
    const timer = setTimeout(() => {
      finish();
      options.onExpire?.();
      reject(
        new TokensmithError(
          'callback_timeout',
          `no ${what} within ${formatDuration(timeoutMs)}; nothing was stored. Run the login again.`,
          {
            operation: 'authorization',
          },
        ),
      );
    }, timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        finish();
        resolve(value);
      },
      (error: unknown) => {
        finish();
        reject(error);
      },
    );
  });
}

function formatDuration(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
