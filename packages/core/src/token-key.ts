import { createHash, createHmac } from 'node:crypto';

/**
 * Everything that makes one set of credentials different from another: two configs that differ
 * in any part must never share a stored token.
 *
 * @example
 * ```ts
 * const identity: TokenIdentity = {
 *   strategy: 'client-credentials',
 *   endpoints: ['https://api.twitter.com/oauth2/token'],
 *   clientId: 'xvz1evFS4wEEPTGEFPHBog',
 *   secret: clientSecret,
 *   scopes: ['read'],
 * };
 * ```
 */
export interface TokenIdentity {
  /** The strategy's name (`client-credentials`, `oauth1-pin`, `authorization-code`, `device-code`). */
  strategy: string;
  /**
   * Every endpoint the credentials depend on, in the strategy's own fixed order: the token URL,
   * the issuer, the request/access token URLs. Compared as parsed URLs (`new URL(x).href`).
   */
  endpoints: readonly (string | URL)[];
  /** The client id or OAuth 1.0a consumer key. */
  clientId: string;
  /** The client or consumer secret: only a salted fingerprint of it enters the key. */
  secret?: string | undefined;
  /** Requested scopes, as an array or a space-separated string; order and duplicates do not matter. */
  scopes?: readonly string[] | string | undefined;
  /** RFC 8707 resource indicator(s); order does not matter. */
  resource?: string | readonly string[] | undefined;
  /** An audience parameter (Auth0-style). */
  audience?: string | undefined;
  /** Anything else that tells two logins apart (a login hint, an account). */
  user?: string | undefined;
}

/** The pre-identity key shape (token URL and client id only). */
interface LegacyTokenIdentity {
  tokenUrl: string | URL;
  clientId: string;
  user?: string;
}

/** Prefix of every key built from a {@link TokenIdentity}; older keys lack it and are never matched. */
export const TOKEN_KEY_PREFIX = 'v2:';

// A fixed, per-purpose salt: the fingerprint identifies a secret inside tokensmith's keys only and
// matches no plain hash of it found elsewhere. Changing it changes every key (every token is new).
const SECRET_FINGERPRINT_SALT = 'tokensmith/token-key/secret-fingerprint/v1';

/**
 * A salted fingerprint of a client or consumer secret: HMAC-SHA256 keyed by a fixed per-purpose
 * salt, truncated to 128 bits, hex. It tells two secrets apart without revealing either.
 *
 * @example
 * ```ts
 * secretFingerprint('s3cr3t') === secretFingerprint('s3cr3t'); // true, in every process
 * secretFingerprint('s3cr3t') === secretFingerprint('other');  // false
 * ```
 */
export function secretFingerprint(secret: string): string {
  return createHmac('sha256', SECRET_FINGERPRINT_SALT).update(secret, 'utf8').digest('hex').slice(0, 32);
}

function sortedSet(value: readonly string[] | string | undefined, splitSpaces: boolean): string[] {
  if (value === undefined) return [];
  const items = typeof value === 'string' ? (splitSpaces ? value.split(/\s+/) : [value]) : [...value];
  return [...new Set(items.map((item) => item.trim()).filter((item) => item !== ''))].sort();
}

/**
 * The key a token is stored under, built from everything that makes it different (see
 * {@link TokenIdentity}): `v2:<strategy>:<clientId>@<host of the first endpoint>:<digest>`, where
 * the digest (SHA-256, 128 bits) covers every endpoint, the client id, the sorted scopes and
 * resources, the audience, the user and a salted {@link secretFingerprint} of the secret. It holds
 * no secret, is the same in every process, and changes whenever any part changes: a wrong secret,
 * another scope set or another audience means a new token, never a reused one. Keys stored by
 * older versions (without `v2:`) are simply never looked up again.
 *
 * The pre-identity shape `{ tokenUrl, clientId, user? }` is still accepted (deprecated) and gives
 * the old key, so a strategy keeps its tokens until it switches.
 *
 * @example
 * ```ts
 * const key = tokenKey({
 *   strategy: 'authorization-code',
 *   endpoints: [issuer, tokenUrl],
 *   clientId,
 *   secret: clientSecret,            // optional: public clients have none
 *   scopes: ['openid', 'offline_access'],
 *   resource: 'https://api.example.com',
 * });
 * // 'v2:authorization-code:my-app@auth.example.com:3f1c...'
 * ```
 */
export function tokenKey(identity: TokenIdentity | LegacyTokenIdentity): string {
  if (!('strategy' in identity)) return `${new URL(identity.tokenUrl).href}#${identity.clientId}#${identity.user ?? ''}`;
  const endpoints = identity.endpoints.map((endpoint) => new URL(endpoint).href);
  const canonical = JSON.stringify([
    identity.strategy,
    endpoints,
    identity.clientId,
    identity.secret === undefined ? null : secretFingerprint(identity.secret),
    sortedSet(identity.scopes, true),
    sortedSet(identity.resource, false),
    identity.audience ?? null,
    identity.user ?? null,
  ]);
  const digest = createHash('sha256').update(canonical, 'utf8').digest('hex').slice(0, 32);
  const host = endpoints[0] === undefined ? '' : new URL(endpoints[0]).host;
  return `${TOKEN_KEY_PREFIX}${identity.strategy}:${identity.clientId}@${host}:${digest}`;
}
