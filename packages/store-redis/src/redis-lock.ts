// The refresh lock every process and host shares: `SET NX PX` with a random token, its lease renewed
// while the holder works, and released only by its holder (the compare-and-delete of lua-scripts.ts).
import { randomBytes, randomInt } from 'node:crypto';
import { storeError } from '@tokensmith/core/kit';
import type { BoundedRedis } from './bounded-command.js';
import { RELEASE, RENEW } from './lua-scripts.js';

/** How {@link withRedisLock} waits, and how long a lease lasts. */
export interface RedisLockOptions {
  /** Clock, epoch ms, for the wait deadline. */
  now: () => number;
  /** The lock key's expiry (`PX`), renewed every third of it while `fn` runs. */
  leaseMs: number;
  /** Give up (with a `store_error`) after waiting this long. */
  timeoutMs: number;
  /** Delay between attempts while another holder has the lock (plus up to 50% jitter). */
  pollMs: number;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` holding the Redis lock `lockKey`: waits for it up to `timeoutMs`, renews the lease
 * while `fn` runs, and releases it only if it still holds this call's token.
 */
export async function withRedisLock<T>(
  commands: BoundedRedis,
  lockKey: string,
  options: RedisLockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const { now, leaseMs, timeoutMs, pollMs } = options;
  const token = randomBytes(16).toString('hex');
  const deadline = now() + timeoutMs;
  for (;;) {
    const taken = await commands.call('SET NX (lock)', lockKey, token, 'PX', leaseMs, 'NX');
    if (taken === 'OK') break;
    if (now() >= deadline) {
      // The lock key's own expiry (PX), not the token's TTL: tokens without expiresAt have none.
      throw storeError(
        `timed out after ${timeoutMs} ms waiting for the refresh lock ${JSON.stringify(lockKey)} on Redis ${commands.where}: ` +
          `another process is refreshing this token. That lock key expires by itself at most ${leaseMs} ms after its holder stops; ` +
          `if no tokensmith process is running, delete it (DEL ${JSON.stringify(lockKey)}) or run the command again`,
      );
    }
    await pause(pollMs + randomInt(0, Math.max(1, Math.floor(pollMs / 2))));
  }
  const renewal = setInterval(
    () => {
      commands.client.call('EVAL', RENEW, 1, lockKey, token, leaseMs).catch(() => undefined);
    },
    Math.max(1, Math.floor(leaseMs / 3)),
  );
  renewal.unref();
  try {
    return await fn();
  } finally {
    clearInterval(renewal);
    await commands.call('EVAL (unlock)', RELEASE, 1, lockKey, token);
  }
}
