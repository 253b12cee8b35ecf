import type { BearerCredentials } from './credentials.js';
import { TokensmithError } from './errors.js';

/**
 * Strictly turns an OAuth 2 token response (RFC 6749 5.1) into {@link BearerCredentials}:
 * `access_token` must be a non-empty string, `token_type` must be `bearer` (any case),
 * `expires_in` a non-negative number when present. `expiresAt` is computed from `now`.
 * A violation throws `invalid_token_response` with the HTTP status and no secret.
 *
 * @example
 * ```ts
 * parseTokenResponse({ token_type: 'bearer', access_token: 'AAAA' }, { status: 200, now: Date.now() });
 * // { type: 'bearer', accessToken: 'AAAA' }
 * ```
 */
export function parseTokenResponse(body: unknown, context: { status: number; now: number }): BearerCredentials {
  const fail = (why: string) =>
    new TokensmithError('invalid_token_response', `token response (HTTP ${context.status}) ${why}`);
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw fail('is not a JSON object');
  const record = body as Record<string, unknown>;
  if (typeof record.access_token !== 'string' || record.access_token === '') throw fail('has no access_token');
  if (typeof record.token_type !== 'string' || record.token_type.toLowerCase() !== 'bearer') {
    throw fail(`has token_type ${JSON.stringify(String(record.token_type ?? 'missing')).slice(0, 40)}, expected "bearer"`);
  }
  const credentials: BearerCredentials = { type: 'bearer', accessToken: record.access_token };
  if (record.expires_in !== undefined && record.expires_in !== null) {
    const seconds = typeof record.expires_in === 'string' && /^\d+$/.test(record.expires_in) ? Number(record.expires_in) : record.expires_in;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) throw fail('has an expires_in that is not a number >= 0');
    credentials.expiresAt = context.now + seconds * 1000;
  }
  if (record.refresh_token !== undefined) {
    if (typeof record.refresh_token !== 'string' || record.refresh_token === '') throw fail('has an invalid refresh_token');
    credentials.refreshToken = record.refresh_token;
  }
  if (typeof record.scope === 'string' && record.scope.trim()) credentials.scope = record.scope.trim().split(/\s+/);
  if (typeof record.id_token === 'string') credentials.idToken = record.id_token;
  return credentials;
}
