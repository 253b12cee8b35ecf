import { createHash } from 'node:crypto';
import { tokenKey } from '@tokensmith/core/kit';

/** Presentation-only authorization parameters: they change the pages a person sees, never the tokens. */
const PRESENTATION_PARAMS = new Set(['prompt', 'display', 'ui_locales', 'max_age']);

/**
 * A fingerprint of a client secret for a store key: SHA-256 over a fixed label, the client's
 * identity (the salt: the same secret gives a different fingerprint for another client) and the
 * secret; 128 bits, hex. It tells two secrets apart and cannot be turned back into either.
 *
 * @example
 * ```ts
 * secretFingerprint('https://auth.example.com/token', 'my-app', 's3cret'); // 32 hex characters
 * ```
 */
export function secretFingerprint(endpoint: string, clientId: string, secret: string): string {
  return createHash('sha256').update(`tokensmith client secret v1\0${endpoint}\0${clientId}\0${secret}`).digest('hex').slice(0, 32);
}

/**
 * The store key of an OAuth 2 user strategy's tokens: everything that makes credentials differ
 * goes in (the endpoints, the client id, the scopes, the authorization parameters that shape the
 * grant such as `audience`, `resource` or `login_hint`, and a fingerprint of the client secret),
 * so changing any of them means a new login, never a token issued for something else.
 *
 * @example
 * ```ts
 * credentialsKey({ strategy: 'device-code', endpoints: [new URL('https://auth.example.com')], clientId: 'cli', scopes: ['read'], authorizationParams: [] });
 * // 'https://auth.example.com/#cli#device-code;scope=read'
 * ```
 */
export function credentialsKey(identity: {
  strategy: string;
  endpoints: URL[];
  clientId: string;
  clientSecret?: string | undefined;
  scopes: string[];
  authorizationParams: Array<[string, string]>;
}): string {
  const [first, ...others] = identity.endpoints;
  const parts = new URLSearchParams();
  for (const url of others) parts.append('endpoint', url.href);
  if (identity.scopes.length) parts.append('scope', [...identity.scopes].sort().join(' '));
  const shaping = identity.authorizationParams.filter(([name]) => !PRESENTATION_PARAMS.has(name.toLowerCase()));
  for (const [name, value] of [...shaping].sort(([a, x], [b, y]) => (a === b ? x.localeCompare(y) : a.localeCompare(b)))) parts.append(name, value);
  if (identity.clientSecret !== undefined) parts.append('secret', secretFingerprint(first!.href, identity.clientId, identity.clientSecret));
  const qualifier = parts.size ? `${identity.strategy};${parts.toString()}` : identity.strategy;
  return tokenKey({ tokenUrl: first!, clientId: identity.clientId, user: qualifier });
}
