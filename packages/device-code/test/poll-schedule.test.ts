import {
  DEFAULT_POLL_INTERVAL_SECONDS,
  MAX_DEVICE_CODE_LIFETIME_SECONDS,
  MAX_RETRY_AFTER_SECONDS,
  POLL_DRIFT_MARGIN_MS,
  isExpired,
  nextPoll,
  startSchedule,
} from '../src/index.js';

describe('RFC 8628 polling schedule (pure)', () => {
  it('starts one interval (plus the drift margin) after issue; 5 s when the server sends none (3.2); at least 1 s', () => {
    expect(POLL_DRIFT_MARGIN_MS).toBe(1_000);
    expect(startSchedule({ expires_in: 900 }, 1_000)).toEqual({ intervalMs: 5_000, nextPollAt: 7_000, expiresAt: 901_000 });
    expect(DEFAULT_POLL_INTERVAL_SECONDS).toBe(5);
    expect(startSchedule({ expires_in: 600, interval: 7 }, 0)).toMatchObject({ intervalMs: 7_000, nextPollAt: 8_000 });
    expect(startSchedule({ expires_in: 600, interval: 0 }, 0).intervalMs).toBe(1_000);
    expect(startSchedule({ expires_in: 600, interval: Number.NaN }, 0).intervalMs).toBe(5_000);
  });

  it('caps a hostile expires_in at one hour', () => {
    expect(startSchedule({ expires_in: 1e306 }, 0).expiresAt).toBe(MAX_DEVICE_CODE_LIFETIME_SECONDS * 1000);
    expect(startSchedule({ expires_in: -5 }, 0).expiresAt).toBe(0);
  });

  it('keeps the interval on authorization_pending, adds 5 s on slow_down for every later poll (3.5), doubles on a connection timeout', () => {
    let s = startSchedule({ expires_in: 600, interval: 5 }, 0);
    s = nextPoll(s, 'authorization_pending', 5_100);
    expect(s).toMatchObject({ intervalMs: 5_000, nextPollAt: 11_100 });
    s = nextPoll(s, 'slow_down', 10_200);
    expect(s).toMatchObject({ intervalMs: 10_000, nextPollAt: 21_200 });
    s = nextPoll(s, 'authorization_pending', 20_300);
    expect(s).toMatchObject({ intervalMs: 10_000, nextPollAt: 31_300 });
    s = nextPoll(s, 'slow_down', 30_300);
    expect(s.intervalMs).toBe(15_000);
    s = nextPoll(s, 'connection_timeout', 75_300);
    expect(s).toMatchObject({ intervalMs: 30_000, nextPollAt: 106_300 });
  });

  it('waits out a busy server (5xx, 429) like a timeout; its Retry-After holds the next poll back, up to a cap', () => {
    const s = { intervalMs: 5_000, nextPollAt: 5_000, expiresAt: 600_000 };
    expect(nextPoll(s, 'server_busy', 5_000)).toMatchObject({ intervalMs: 10_000, nextPollAt: 16_000 });
    expect(nextPoll(s, 'server_busy', 5_000, 3_000)).toMatchObject({ intervalMs: 10_000, nextPollAt: 16_000 });
    expect(nextPoll(s, 'server_busy', 5_000, 30_000)).toMatchObject({ intervalMs: 10_000, nextPollAt: 36_000 });
    expect(MAX_RETRY_AFTER_SECONDS).toBe(60);
    expect(nextPoll(s, 'server_busy', 5_000, 1e12).nextPollAt).toBe(5_000 + 60_000 + 1_000);
    expect(nextPoll(s, 'server_busy', 5_000, Number.NaN).nextPollAt).toBe(16_000);
    // Retry-After belongs to a busy answer only.
    expect(nextPoll(s, 'authorization_pending', 5_000, 30_000).nextPollAt).toBe(11_000);
    // Past the code's expiry the login ends instead of waiting.
    expect(isExpired(nextPoll({ ...s, expiresAt: 40_000 }, 'server_busy', 5_000, 60_000))).toBe(true);
  });

  it('counts the wait from the answer, so a slow request never shortens the next wait', () => {
    const s = nextPoll({ intervalMs: 5_000, nextPollAt: 5_000, expiresAt: 600_000 }, 'authorization_pending', 9_000);
    expect(s.nextPollAt - 9_000).toBe(6_000);
  });

  it('is expired when the next poll would come at or after the expiry', () => {
    expect(isExpired({ intervalMs: 5_000, nextPollAt: 599_999, expiresAt: 600_000 })).toBe(false);
    expect(isExpired({ intervalMs: 5_000, nextPollAt: 600_000, expiresAt: 600_000 })).toBe(true);
  });
});
