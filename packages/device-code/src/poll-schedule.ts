/** RFC 8628 3.2: the polling interval when the server sends none, in seconds. */
export const DEFAULT_POLL_INTERVAL_SECONDS = 5;
/** RFC 8628 3.5: what `slow_down` adds to the interval, for this and every later request, in seconds. */
export const SLOW_DOWN_STEP_SECONDS = 5;
/**
 * The longest tokensmith waits for an approval, whatever `expires_in` the server sends (1 hour):
 * a hostile `expires_in` must not keep a login (and its process) alive for ever.
 */
export const MAX_DEVICE_CODE_LIFETIME_SECONDS = 3600;
/**
 * Added to every wait between polls, in ms. RFC 8628 3.5 forbids polling sooner than `interval`;
 * the server measures that with its own clock and whole seconds, so a wait of exactly the
 * interval can arrive "early" by its reckoning and earn a `slow_down` (gh's client pads its wait
 * the same way). One second is the resolution of `interval` itself.
 */
export const POLL_DRIFT_MARGIN_MS = 1000;
/**
 * The longest a `Retry-After` on a 5xx or 429 may hold the next poll back, in seconds (RFC 9110
 * 10.2.3 lets a server ask for any delay; a hostile or confused one must not park a login until
 * its code expires unseen). The code's own expiry bounds the wait as well.
 */
export const MAX_RETRY_AFTER_SECONDS = 60;

/** Where a device code's polling stands: pure data, advanced by {@link nextPoll}. */
export interface PollSchedule {
  /** The current interval, ms (RFC 8628 3.5: grows on `slow_down` and on connection timeouts). */
  intervalMs: number;
  /** When the next token request may be sent, epoch ms. */
  nextPollAt: number;
  /** When the device code expires locally, epoch ms. */
  expiresAt: number;
}

/**
 * What the last token request answered, as far as the schedule cares. `server_busy` is a 5xx or a
 * 429: waited out like a connection timeout (RFC 8628 3.5), not the end of a login that may have
 * minutes left, as openid-client's polling does.
 */
export type PollOutcome = 'authorization_pending' | 'slow_down' | 'connection_timeout' | 'server_busy';

/**
 * The schedule right after the device authorization response (RFC 8628 3.2): the first poll one
 * interval (plus {@link POLL_DRIFT_MARGIN_MS}) from `now` (the person needs that long anyway, and a server may answer an earlier one
 * with `slow_down`). `interval` below 1 s counts as 1 s; `expires_in` is capped at
 * {@link MAX_DEVICE_CODE_LIFETIME_SECONDS}.
 *
 * @example
 * ```ts
 * startSchedule({ expires_in: 900 }, 0); // { intervalMs: 5000, nextPollAt: 6000, expiresAt: 900000 }
 * ```
 */
export function startSchedule(response: { interval?: number | undefined; expires_in: number }, now: number): PollSchedule {
  const interval =
    typeof response.interval === 'number' && Number.isFinite(response.interval)
      ? Math.max(1, response.interval)
      : DEFAULT_POLL_INTERVAL_SECONDS;
  const lifetime = Math.min(Math.max(0, response.expires_in), MAX_DEVICE_CODE_LIFETIME_SECONDS);
  const intervalMs = interval * 1000;
  return { intervalMs, nextPollAt: now + intervalMs + POLL_DRIFT_MARGIN_MS, expiresAt: now + lifetime * 1000 };
}

/**
 * The schedule after a token request answered `outcome` at `now`: `authorization_pending` keeps
 * the interval, `slow_down` adds 5 s to it (RFC 8628 3.5), a connection timeout or a busy server
 * (5xx, 429) doubles it (3.5: "reduce their polling frequency ... such as doubling the polling
 * interval"). The next poll is one interval plus {@link POLL_DRIFT_MARGIN_MS} after `now`: the
 * time a request took never shortens the wait. A busy server's `retryAfterMs` (its `Retry-After`)
 * holds the next poll back further, up to {@link MAX_RETRY_AFTER_SECONDS}; past the code's expiry,
 * {@link isExpired} ends the login instead of waiting.
 *
 * @example
 * ```ts
 * nextPoll({ intervalMs: 5000, nextPollAt: 5000, expiresAt: 900000 }, 'slow_down', 5200);
 * // { intervalMs: 10000, nextPollAt: 16200, expiresAt: 900000 }
 * nextPoll({ intervalMs: 5000, nextPollAt: 5000, expiresAt: 900000 }, 'server_busy', 5200, 30_000);
 * // { intervalMs: 10000, nextPollAt: 36200, expiresAt: 900000 }
 * ```
 */
export function nextPoll(schedule: PollSchedule, outcome: PollOutcome, now: number, retryAfterMs?: number): PollSchedule {
  const intervalMs =
    outcome === 'slow_down'
      ? schedule.intervalMs + SLOW_DOWN_STEP_SECONDS * 1000
      : outcome === 'connection_timeout' || outcome === 'server_busy'
        ? schedule.intervalMs * 2
        : schedule.intervalMs;
  const askedMs =
    outcome === 'server_busy' && retryAfterMs !== undefined && Number.isFinite(retryAfterMs)
      ? Math.min(Math.max(0, retryAfterMs), MAX_RETRY_AFTER_SECONDS * 1000)
      : 0;
  return { ...schedule, intervalMs, nextPollAt: now + Math.max(intervalMs, askedMs) + POLL_DRIFT_MARGIN_MS };
}

/**
 * Whether the next poll would come too late: at or after the device code's expiry, a request
 * cannot succeed, so the login ends with `device_code_expired` without sending it.
 *
 * @example
 * ```ts
 * isExpired({ intervalMs: 5000, nextPollAt: 900000, expiresAt: 900000 }); // true
 * ```
 */
export function isExpired(schedule: PollSchedule): boolean {
  return schedule.nextPollAt >= schedule.expiresAt;
}
