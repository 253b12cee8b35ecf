import { createAuthenticatedFetch, type AuthenticatedFetchOptions, type RetryEvent } from '@tokensmith/core/kit';
import type { BuiltProvider } from '../strategies/build-provider.js';
import type { Progress } from '../terminal/io.js';

// The one way the CLI's resource calls (`api`, `timeline`) reach a provider's API: the strategy's
// createAuthenticatedFetch (it signs, retries 429/5xx and refreshes once on 401, never carries
// credentials across origins), with each retry told on the progress line in the same words.

/** What a resource call needs besides the provider. */
export interface ProviderFetchOptions {
  /** The API's host, for the progress lines. */
  host: string;
  progress: Progress;
  timeoutMs?: number | undefined;
  /** Called when a 401 made the fetch get a fresh token (a later 401 means the login is gone). */
  onFreshToken?: () => void;
  /** Overrides (a logging fetch, test hooks), applied last. */
  fetchOptions?: AuthenticatedFetchOptions;
}

/**
 * The progress line for one retry.
 *
 * @example
 * ```ts
 * retryMessage({ reason: 'rate_limited', delayMs: 1500, attempt: 1, status: 429 } as RetryEvent, 'api.x.com');
 * // 'rate limited by api.x.com; retrying in 1.5 s (attempt 2)'
 * ```
 */
export function retryMessage(event: RetryEvent, host: string): string {
  const why = {
    rate_limited: `rate limited by ${host}`,
    server_error: `${host} answered HTTP ${event.status}`,
    network_error: `connection to ${host} failed`,
    unauthorized: `${host} rejected the token`,
    dpop_nonce: `${host} asked for a DPoP nonce`,
  }[event.reason];
  if (event.reason === 'dpop_nonce') return `${why}; sending a new proof`;
  return event.reason === 'unauthorized'
    ? `${why}; getting a fresh one`
    : `${why}; retrying in ${Math.ceil(event.delayMs / 100) / 10} s (attempt ${event.attempt + 1})`;
}

/**
 * The authenticated fetch of a resource call, with its retries on the progress line.
 *
 * @example
 * ```ts
 * const api = createProviderFetch(provider, { host: 'api.x.com', progress });
 * const response = await api('https://api.x.com/2/users/me');
 * ```
 */
export function createProviderFetch(provider: BuiltProvider, options: ProviderFetchOptions): ReturnType<typeof createAuthenticatedFetch> {
  return createAuthenticatedFetch(provider, {
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    onRetry: (event) => {
      if (event.reason === 'unauthorized') options.onFreshToken?.();
      options.progress.start(retryMessage(event, options.host));
    },
    ...options.fetchOptions,
  });
}
