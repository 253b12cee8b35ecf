// What every TokenStore implementation shares: judging what it read back, and naming its failures.
// FileStore, RedisStore and KeychainStore import these from `@tokensmith/core/kit`.
import type { Credentials } from './credentials.js';
import { TokensmithError, type ErrorDetails } from './errors.js';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const optional = (value: unknown, type: 'string' | 'number') => value === undefined || typeof value === type;

/** The largest epoch ms a `Date` holds (ECMA-262 21.4.1.1): beyond it `toISOString()` throws RangeError. */
const MAX_DATE_MS = 8.64e15;

/**
 * Whether a value read back from a store is usable {@link Credentials}: the discriminant and the
 * token fields a strategy needs, `refreshToken` a string when present, and `expiresAt` a finite
 * epoch ms that a `Date` can hold (JSON turns `Infinity` into `null`; `1e300` would make every
 * date formatting throw). Other fields are not judged, so a token a strategy just obtained is never
 * refused for a detail.
 *
 * @example
 * ```ts
 * isCredentials(JSON.parse(text)); // false for `{}`, true for `{ "type": "bearer", "accessToken": "..." }`
 * ```
 */
export function isCredentials(value: unknown): value is Credentials {
  if (!isRecord(value)) return false;
  if (value.type === 'bearer') {
    const expiresAt = value.expiresAt;
    const expiryOk =
      expiresAt === undefined || (typeof expiresAt === 'number' && Number.isFinite(expiresAt) && Math.abs(expiresAt) <= MAX_DATE_MS);
    const dpopOk =
      (value.tokenType === undefined || value.tokenType === 'DPoP') &&
      (value.dpopKey === undefined || (isRecord(value.dpopKey) && typeof value.dpopKey.alg === 'string' && isRecord(value.dpopKey.jwk)));
    return typeof value.accessToken === 'string' && expiryOk && dpopOk && optional(value.refreshToken, 'string');
  }
  if (value.type === 'oauth1') return typeof value.token === 'string' && typeof value.tokenSecret === 'string';
  return false;
}

/**
 * The {@link Credentials} a store kept as JSON text, or `undefined` when the text is not JSON or not
 * usable credentials (judged by {@link isCredentials}). It never throws: what to do with a foreign
 * value (a `store_error` naming the storage, or skipping it in `entries()`) is the store's call. The
 * `SyntaxError` of bad JSON is dropped on purpose: its message quotes the text, tokens included.
 *
 * @example
 * ```ts
 * parseStoredCredentials('{"type":"bearer","accessToken":"abc"}'); // { type: 'bearer', accessToken: 'abc' }
 * parseStoredCredentials('not json'); // undefined
 * ```
 */
export function parseStoredCredentials(text: string): Credentials | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isCredentials(value) ? value : undefined;
}

/**
 * The `code` of a Node.js system error (`ENOENT`, `EACCES`, ...), or `'error'` when it has none.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 *
 * try {
 *   return await readFile(path, 'utf8');
 * } catch (error) {
 *   if (errorCode(error) === 'ENOENT') return undefined; // no file yet: nothing stored
 *   throw error;
 * }
 * ```
 */
export function errorCode(error: unknown): string {
  return error && typeof error === 'object' && 'code' in error ? String(error.code) : 'error';
}

/**
 * A `store_error` (bad, foreign or unsafe storage: category usage) with an optional cause. The
 * message must name the storage (a path, a Redis key) and the next step; it must never quote a token.
 * `details` may name the storage's address (`endpoint`, no password) and a reason code (`error`).
 *
 * @example
 * ```ts
 * throw storeError(`token file ${path} is not a regular file; delete it or log out`);
 * ```
 */
export function storeError(message: string, cause?: unknown, details: Pick<ErrorDetails, 'endpoint' | 'error'> = {}): TokensmithError {
  return new TokensmithError('store_error', message, { ...details, operation: 'store', ...(cause === undefined ? {} : { cause }) });
}

/**
 * A `store_unavailable` error (the storage does not answer: Redis down or silent, no keychain
 * service; category provider) with an optional cause. `details.error` says why, as a code a
 * program can word: a system error code (`ECONNREFUSED`) or `timeout`.
 *
 * @example
 * ```ts
 * throw storeUnavailable('Redis redis://:***@cache:6379 did not answer GET within 5000 ms; is the server running?', undefined, { error: 'timeout' });
 * ```
 */
export function storeUnavailable(
  message: string,
  cause?: unknown,
  details: Pick<ErrorDetails, 'endpoint' | 'error'> = {},
): TokensmithError {
  return new TokensmithError('store_unavailable', message, { ...details, operation: 'store', ...(cause === undefined ? {} : { cause }) });
}
