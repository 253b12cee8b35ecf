import type { BearerCredentials } from './credentials.js';
import { TokensmithError, type ErrorOperation } from './errors.js';
import { HEADER_SAFE_TOKEN } from './token-chars.js';

/** The longest token lifetime believed: one year. A larger `expires_in` is clamped to it. */
export const MAX_EXPIRES_IN_SECONDS = 365 * 24 * 60 * 60;

/**
 * Reads `expires_in` (RFC 6749 5.1 and A.14: `1*DIGIT` seconds) as a whole number of seconds, or
 * `undefined` when absent. A JSON number or a string of digits is accepted; anything negative,
 * fractional, non-numeric or non-finite throws; a value over {@link MAX_EXPIRES_IN_SECONDS}
 * (`1e306`, `1e13`) is clamped to it, so `expiresAt` is always a finite safe integer.
 *
 * @example
 * ```ts
 * expiresInSeconds(3600); // 3600
 * expiresInSeconds('3600'); // 3600
 * expiresInSeconds(1e306); // 31536000
 * ```
 */
export function expiresInSeconds(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const seconds = typeof value === 'string' && /^\d{1,20}$/.test(value) ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
    throw new TypeError('expires_in must be a whole number of seconds >= 0');
  }
  return Math.min(seconds, MAX_EXPIRES_IN_SECONDS);
}

/**
 * Strictly turns an OAuth 2 token response (RFC 6749 5.1) into {@link BearerCredentials}:
 * `access_token` must be a non-empty header-safe token (visible ASCII: never CR, LF, space or a
 * control character, which would break or inject into every later `Authorization` header),
 * `token_type` must be `bearer` (any case), `expires_in` a whole number of seconds (clamped to one
 * year), `refresh_token` header-safe too when present. With `dpop: true` (the request carried a
 * DPoP proof, RFC 9449 5) `token_type` may also be `DPoP`, and the credentials say `tokenType: 'DPoP'`. `expiresAt` and `obtainedAt` are computed
 * from `now`. A violation throws `invalid_token_response` with the HTTP status and never the value.
 *
 * @example
 * ```ts
 * parseTokenResponse({ token_type: 'bearer', access_token: 'AAAA' }, { status: 200, now: Date.now() });
 * // { type: 'bearer', accessToken: 'AAAA' }
 * parseTokenResponse({ token_type: 'bearer', access_token: 'AAAA', expires_in: 3600 }, { status: 200, now: 0 });
 * // { type: 'bearer', accessToken: 'AAAA', expiresAt: 3_600_000, obtainedAt: 0 }
 * ```
 */
export function parseTokenResponse(
  body: unknown,
  context: { status: number; now: number; operation?: ErrorOperation; endpoint?: string | URL; dpop?: boolean },
): BearerCredentials {
  const at = { operation: context.operation, endpoint: context.endpoint, status: context.status };
  const fail = (why: string) => new TokensmithError('invalid_token_response', `token response (HTTP ${context.status}) ${why}`, at);
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw fail('is not a JSON object');
  const record = body as Record<string, unknown>;
  if (typeof record.access_token !== 'string' || record.access_token === '') throw fail('has no access_token');
  if (!HEADER_SAFE_TOKEN.test(record.access_token))
    throw fail('has an access_token with characters a bearer token cannot have (control characters, spaces or non-ASCII)');
  const tokenType = typeof record.token_type === 'string' ? record.token_type.toLowerCase() : undefined;
  if (tokenType !== 'bearer' && !(tokenType === 'dpop' && context.dpop === true)) {
    throw fail(
      // A non-string token_type is printed as String() gives it: quoted, printable, cut.
      // eslint-disable-next-line @typescript-eslint/no-base-to-string
      `has token_type ${JSON.stringify(String(record.token_type ?? 'missing').replace(/[^\x20-\x7E]/g, '?')).slice(0, 40)}, expected "bearer"${context.dpop === true ? ' or "DPoP"' : ''}`,
    );
  }
  const credentials: BearerCredentials = { type: 'bearer', accessToken: record.access_token };
  if (tokenType === 'dpop') credentials.tokenType = 'DPoP';
  let seconds: number | undefined;
  try {
    seconds = expiresInSeconds(record.expires_in);
  } catch {
    throw fail('has an expires_in that is not a whole number of seconds >= 0');
  }
  if (seconds !== undefined) {
    credentials.expiresAt = context.now + seconds * 1000;
    credentials.obtainedAt = context.now;
  }
  if (record.refresh_token !== undefined) {
    if (typeof record.refresh_token !== 'string' || !HEADER_SAFE_TOKEN.test(record.refresh_token))
      throw fail('has an invalid refresh_token (empty, or with control characters, spaces or non-ASCII)');
    credentials.refreshToken = record.refresh_token;
  }
  if (typeof record.scope === 'string' && record.scope.trim()) credentials.scope = record.scope.trim().split(/\s+/);
  if (typeof record.id_token === 'string') credentials.idToken = record.id_token;
  return credentials;
}
