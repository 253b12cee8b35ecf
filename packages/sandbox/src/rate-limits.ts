import type { Principal, SandboxState } from './state.js';

// Twitter's v1.1 rate limits: a 15-minute window per endpoint and per authentication context
// (each user token on its own, the app-only token of each app on its own).

/** The window length Twitter documents, in seconds. */
const WINDOW_SECONDS = 15 * 60;

/**
 * `GET statuses/user_timeline` requests per 15-minute window, by auth type, as Twitter documents.
 *
 * @example
 * ```ts
 * USER_TIMELINE_LIMITS.app; // 1500
 * ```
 */
export const USER_TIMELINE_LIMITS = { user: 900, app: 1500 } as const;

interface Window {
  resetAt: number;
  used: number;
}

/**
 * Counts one request of `principal` on `endpoint` and returns the `x-rate-limit-*` headers, and
 * whether the window was already used up (the request should then be answered 429, code 88).
 *
 * @example
 * ```ts
 * const { headers, exceeded } = takeRateLimit(state, 'statuses/user_timeline', principal, USER_TIMELINE_LIMITS);
 * ```
 */
export function takeRateLimit(
  state: SandboxState,
  endpoint: string,
  principal: Principal,
  limits: { user: number; app: number },
): { headers: Record<string, string>; exceeded: boolean } {
  const windows = ((state.extensions.rateLimits as Map<string, Window> | undefined) ??= new Map<string, Window>());
  const who = principal.kind === 'app' ? `app:${principal.clientId}` : `user:${principal.clientId}:${principal.screenName}`;
  const key = `${endpoint} ${who}`;
  const nowSeconds = Math.floor(state.now() / 1000);
  let current = windows.get(key);
  if (!current || current.resetAt <= nowSeconds) {
    current = { resetAt: nowSeconds + WINDOW_SECONDS, used: 0 };
    windows.set(key, current);
  }
  const limit = limits[principal.kind];
  const exceeded = current.used >= limit;
  if (!exceeded) current.used++;
  return {
    exceeded,
    headers: {
      'x-rate-limit-limit': String(limit),
      'x-rate-limit-remaining': String(Math.max(0, limit - current.used)),
      'x-rate-limit-reset': String(current.resetAt),
    },
  };
}
