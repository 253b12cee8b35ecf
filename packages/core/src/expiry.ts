import type { Credentials } from './credentials.js';
import { TokensmithError } from './errors.js';

/** The longest skew window by default: a token within 30 s of `expiresAt` counts as expired. */
export const DEFAULT_EXPIRY_SKEW_MS = 30_000;

/** The longest `refreshSkewSeconds` accepted: one day. */
export const MAX_REFRESH_SKEW_SECONDS = 86_400;

/**
 * The skew window of one token: `fixedSkewMs` when the caller configured one; otherwise the
 * smaller of 30 s and a tenth of the token's lifetime (`expiresAt - obtainedAt`), so a token
 * living 10 s is used for 9 s instead of being renewed on every call. Without `obtainedAt`
 * (entries stored by older versions) it is 30 s.
 *
 * @example
 * ```ts
 * expirySkewMs({ type: 'bearer', accessToken: 't', obtainedAt: 0, expiresAt: 10_000 }); // 1_000
 * expirySkewMs({ type: 'bearer', accessToken: 't', obtainedAt: 0, expiresAt: 3_600_000 }); // 30_000
 * ```
 */
export function expirySkewMs(credentials: Credentials, fixedSkewMs?: number): number {
  if (fixedSkewMs !== undefined) return fixedSkewMs;
  if (credentials.type !== 'bearer') return DEFAULT_EXPIRY_SKEW_MS;
  const { expiresAt, obtainedAt } = credentials;
  if (typeof expiresAt !== 'number' || typeof obtainedAt !== 'number' || !Number.isFinite(expiresAt) || !Number.isFinite(obtainedAt))
    return DEFAULT_EXPIRY_SKEW_MS;
  const lifetime = Math.max(0, expiresAt - obtainedAt);
  return Math.min(DEFAULT_EXPIRY_SKEW_MS, Math.floor(lifetime / 10));
}

/**
 * Whether credentials can still be used at `now`, treating the last part of their life as expired
 * ({@link expirySkewMs}: `skewMs` when given, else min(30 s, lifetime / 10)). Bearer tokens without
 * `expiresAt` and OAuth 1.0a tokens never expire; an `expiresAt` that is not a finite number (a
 * hostile or corrupt entry: `Infinity` is stored as `null`) counts as expired, so the token is
 * obtained again rather than trusted forever.
 *
 * @example
 * ```ts
 * isFresh({ type: 'bearer', accessToken: 't', expiresAt: 100_000 }, 80_000, 30_000); // false
 * isFresh({ type: 'bearer', accessToken: 't', obtainedAt: 0, expiresAt: 10_000 }, 8_000); // true (skew 1 s)
 * ```
 */
export function isFresh(credentials: Credentials, now: number, skewMs?: number): boolean {
  if (credentials.type !== 'bearer' || credentials.expiresAt === undefined) return true;
  const expiresAt: unknown = credentials.expiresAt;
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return false;
  return expiresAt - expirySkewMs(credentials, skewMs) > now;
}

/**
 * Reads the `refreshSkewSeconds` option every strategy takes (renew a token this many seconds
 * before it expires) as milliseconds for `createTokenManager({ skewMs })`: `undefined` when
 * omitted (the default rule of {@link expirySkewMs}), else a finite number of seconds from 0 to
 * one day, or `invalid_options` naming the field.
 *
 * @example
 * ```ts
 * const tokens = createTokenManager({ key, obtain, skewMs: resolveSkewMs(options) });
 * resolveSkewMs({ refreshSkewSeconds: 5 }); // 5_000
 * resolveSkewMs({}); // undefined: min(30 s, a tenth of each token's lifetime)
 * ```
 */
export function resolveSkewMs(options: { refreshSkewSeconds?: number | undefined }): number | undefined {
  const value: unknown = options.refreshSkewSeconds;
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_REFRESH_SKEW_SECONDS) {
    throw new TokensmithError('invalid_options', `refreshSkewSeconds must be a number of seconds from 0 to ${MAX_REFRESH_SKEW_SECONDS}`);
  }
  return Math.round(value * 1000);
}
