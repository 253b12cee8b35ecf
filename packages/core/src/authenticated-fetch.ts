import { TokensmithError } from './errors.js';
import { discardBody, requestUrl } from './fetch-input.js';
import { headerRecord, isValidHeaderValue, normalizeHeaderValue } from './header-record.js';
import type { AuthorizeRequest, TokenProvider } from './provider.js';
import {
  IDEMPOTENT_METHODS,
  RETRYABLE_STATUSES,
  backoffDelay,
  isRetryableNetworkError,
  rateLimitDelay,
  retryPolicy,
  sleep,
  type RetryOptions,
} from './retry-policy.js';
import { readBodyText } from './response-limit.js';
import { abortError, resolveTimeoutMs, timeoutSignal } from './signals.js';
import { toTransportError } from './transport-error.js';

/** Why a request is sent again, as reported to `onRetry`. */
export interface RetryEvent {
  reason: 'rate_limited' | 'server_error' | 'network_error' | 'unauthorized' | 'dpop_nonce';
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  status?: number;
  url: string;
}

/**
 * Options of {@link createAuthenticatedFetch}.
 */
export interface AuthenticatedFetchOptions {
  /** The fetch to wrap. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** On a 401, invalidate the token and retry once with a fresh one. Default `true`. */
  retryOn401?: boolean;
  /** Timeout of each attempt (its body included), whole ms from 1. Default 30 s; 0 is refused (`resolveTimeoutMs`). */
  timeoutMs?: number;
  /** Rate-limit and backoff settings. */
  retry?: RetryOptions;
  /** Called before each wait-and-retry (show progress; nothing secret is in the event). */
  onRetry?: (event: RetryEvent) => void;
  /** Redirects followed at most. Default 5. */
  maxRedirects?: number;
  /** Injected wait (tests). Default: a timer that honours the signal. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injected clock, epoch ms (for `x-rate-limit-reset`). Default `Date.now`. */
  now?: () => number;
  /** Injected jitter source in [0, 1]. Default: node:crypto. */
  random?: () => number;
}

const FORM = 'application/x-www-form-urlencoded';

/** The form body an OAuth 1.0a signature covers; JSON, binary and streamed bodies are not signed. */
function formBodyOf(body: RequestInit['body'], headers: Record<string, string>): AuthorizeRequest['body'] {
  if (body instanceof URLSearchParams) return body;
  if (typeof body === 'string' && (headers['content-type'] ?? '').toLowerCase().startsWith(FORM)) return body;
  return undefined;
}

function isReplayable(body: RequestInit['body']): boolean {
  return (
    body === undefined ||
    body === null ||
    typeof body === 'string' ||
    body instanceof URLSearchParams ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    body instanceof Blob
  );
}

/**
 * Copies the provider's headers onto a request, refusing what `Headers.set` would (a token with
 * CR/LF, NUL or a code point above U+00FF) with an error that never quotes the value.
 */
function setAuthHeaders(headers: Record<string, string>, auth: Record<string, string>, strategy: string): void {
  for (const [name, value] of Object.entries(auth)) {
    const normalized = normalizeHeaderValue(value);
    if (isValidHeaderValue(normalized)) headers[name.toLowerCase()] = normalized;
    else {
      throw new TokensmithError(
        'invalid_token_response',
        `the ${strategy} credentials cannot be sent in an HTTP ${name} header (a control character or non-ASCII in the stored token): log out and obtain a new token`,
      );
    }
  }
}

/** Twitter's "Timestamp out of bounds": a 401 that says this machine's clock is wrong, not that the token is. */
const TWITTER_TIMESTAMP_OUT_OF_BOUNDS = 135;

/**
 * Whether a 401 blames the request's timestamp (OAuth 1.0a, Twitter error code 135) rather than
 * the token: invalidating the token would then force a new login that the clock would fail too.
 * Reads a copy of the body, at most 4 KiB; the response itself stays unread for the caller.
 */
async function isClockRejection(response: Response): Promise<boolean> {
  if (!/json/i.test(response.headers.get('content-type') ?? '')) return false;
  try {
    const body = JSON.parse(await readBodyText(response.clone(), { what: '401 response', maxBytes: 4096 })) as {
      errors?: Array<{ code?: unknown }>;
    };
    return Array.isArray(body.errors) && body.errors.some((item) => item?.code === TWITTER_TIMESTAMP_OUT_OF_BOUNDS);
  } catch {
    return false;
  }
}

/**
 * A `fetch`-compatible function that authenticates each request with `provider` and handles what
 * real APIs do: on a 401 it invalidates the token and retries once; on a 429 it waits per
 * `Retry-After` or `x-rate-limit-reset` (bounded, reported through `onRetry`); it retries idempotent
 * requests on 5xx and connection resets with capped exponential backoff and jitter; every attempt has
 * a timeout and honours `init.signal`. Redirects are followed by hand so the `Authorization` header is
 * never sent to another origin.
 *
 * @example
 * ```ts
 * const api = createAuthenticatedFetch(provider, { onRetry: (e) => console.error(`retrying in ${e.delayMs} ms (${e.reason})`) });
 * const res = await api('https://api.twitter.com/1.1/statuses/user_timeline.json?screen_name=twitterapi');
 * ```
 */
export function createAuthenticatedFetch(provider: TokenProvider, options: AuthenticatedFetchOptions = {}): typeof fetch {
  const baseFetch = options.fetch ?? globalThis.fetch;
  const retryOn401 = options.retryOn401 ?? true;
  const timeoutMs = resolveTimeoutMs(options);
  const policy = retryPolicy(options.retry);
  const maxRedirects = options.maxRedirects ?? 5;
  const wait = options.sleep ?? sleep;
  const now = options.now ?? Date.now;

  /** One attempt: authorize for `url`, send, follow redirects by hand. */
  const attempt = async (url: string, init: RequestInit, forceRefresh: boolean, signal: AbortSignal): Promise<Response> => {
    let currentUrl = url;
    let method = (init.method ?? 'GET').toUpperCase();
    let body = init.body;
    let authenticate = true;
    const origin = new URL(url).origin;
    for (let hop = 0; ; hop++) {
      // A record, not a Headers: the global Headers would load undici even when baseFetch is not Node's fetch.
      let response: Response;
      for (let challenged = false; ; challenged = true) {
        const headers = headerRecord(init.headers);
        let request: AuthorizeRequest | undefined;
        if (authenticate) {
          request = { method, url: currentUrl };
          const form = formBodyOf(body, headers);
          if (form !== undefined) request.body = form;
          const auth = await provider.authorize(request, forceRefresh ? { forceRefresh: true, signal } : { signal });
          setAuthHeaders(headers, auth, provider.strategy);
        } else {
          delete headers.authorization;
        }
        try {
          response = await baseFetch(currentUrl, { ...init, method, body, headers, signal, redirect: 'manual' });
        } catch (error) {
          if (signal.aborted)
            throw abortError(signal, `request to ${new URL(currentUrl).host}`, { operation: 'resource', endpoint: currentUrl });
          throw error;
        }
        // A DPoP nonce challenge (RFC 9449 9) is answered once, with a new proof carrying the nonce.
        if (!request || !provider.observeResponse?.(request, response) || challenged || !isReplayable(body)) break;
        await discardBody(response);
        options.onRetry?.({ reason: 'dpop_nonce', attempt: 1, delayMs: 0, status: response.status, url: currentUrl });
      }
      const location = response.headers.get('location');
      if (response.status < 300 || response.status > 399 || response.status === 304 || !location) return response;
      if (hop >= maxRedirects) {
        await discardBody(response);
        throw new TokensmithError('http_error', `too many redirects (more than ${maxRedirects}) from ${new URL(url).host}`, {
          operation: 'resource',
          endpoint: url,
        });
      }
      await discardBody(response);
      const next = new URL(location, currentUrl);
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = undefined;
      }
      // Credentials go only to the origin they were meant for (never downgraded or cross-origin).
      authenticate = authenticate && next.origin === origin;
      currentUrl = next.href;
    }
  };

  const authenticatedFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (typeof input === 'object' && !(input instanceof URL) && input instanceof Request) {
      init = { method: input.method, headers: input.headers, body: input.body, ...init };
      if (input.body) Object.assign(init, { duplex: 'half' });
    }
    const url = requestUrl(input);
    const method = (init.method ?? 'GET').toUpperCase();
    const replayable = isReplayable(init.body);
    const idempotent = IDEMPOTENT_METHODS.has(method) && replayable;
    let retries = 0;
    let rateLimitWaits = 0;
    let reauthenticated = false;
    for (;;) {
      const signal = timeoutSignal(timeoutMs, init.signal ?? undefined);
      let response: Response;
      try {
        response = await attempt(url, init, false, signal);
      } catch (error) {
        if (!idempotent || retries >= policy.maxRetries || !isRetryableNetworkError(error)) {
          throw toTransportError(error, { what: `${method} request`, operation: 'resource', endpoint: url, timeoutMs });
        }
        const delayMs = backoffDelay(retries, policy, options.random);
        retries++;
        options.onRetry?.({ reason: 'network_error', attempt: retries, delayMs, url });
        await wait(delayMs, init.signal ?? undefined);
        continue;
      }
      if (response.status === 401 && retryOn401 && !reauthenticated && replayable && !(await isClockRejection(response))) {
        reauthenticated = true;
        await discardBody(response);
        await provider.invalidate();
        options.onRetry?.({ reason: 'unauthorized', attempt: 1, delayMs: 0, status: 401, url });
        const retried = await attempt(url, init, true, timeoutSignal(timeoutMs, init.signal ?? undefined));
        if (retried.status !== 429 && !RETRYABLE_STATUSES.has(retried.status)) return retried;
        response = retried;
      }
      if (response.status === 429 && replayable && rateLimitWaits < policy.maxRateLimitRetries) {
        const delayMs = rateLimitDelay(response.headers, now());
        if (delayMs !== undefined && delayMs <= policy.maxRateLimitWaitMs) {
          rateLimitWaits++;
          await discardBody(response);
          options.onRetry?.({ reason: 'rate_limited', attempt: rateLimitWaits, delayMs, status: 429, url });
          await wait(delayMs, init.signal ?? undefined);
          continue;
        }
      }
      if (RETRYABLE_STATUSES.has(response.status) && idempotent && retries < policy.maxRetries) {
        const delayMs = Math.max(
          backoffDelay(retries, policy, options.random),
          Math.min(rateLimitDelay(response.headers, now()) ?? 0, policy.maxDelayMs),
        );
        retries++;
        await discardBody(response);
        options.onRetry?.({ reason: 'server_error', attempt: retries, delayMs, status: response.status, url });
        await wait(delayMs, init.signal ?? undefined);
        continue;
      }
      return response;
    }
  };
  return authenticatedFetch;
}
