/**
 * An OAuth 2 bearer token (client credentials, authorization code).
 * `expiresAt` is absolute (epoch ms); absent means it lives until the resource answers 401
 * (Twitter's app-only tokens carry no `expires_in`).
 *
 * @example
 * ```ts
 * const token: BearerCredentials = { type: 'bearer', accessToken: 'AAAA...', expiresAt: Date.now() + 3600_000 };
 * ```
 */
export interface BearerCredentials {
  type: 'bearer';
  accessToken: string;
  expiresAt?: number;
  /**
   * When the token was issued (epoch ms, the clock reading when the response was parsed); set with
   * `expiresAt`. Its lifetime (`expiresAt - obtainedAt`) sizes the refresh skew. Entries stored
   * before it existed lack it and get the fixed 30 s skew.
   */
  obtainedAt?: number;
  refreshToken?: string;
  scope?: string[];
  idToken?: string;
  /**
   * `'DPoP'` when the server bound the token to a key (RFC 9449 5: `token_type: DPoP`): it works
   * only with a fresh proof signed by {@link BearerCredentials.dpopKey} on every request. Absent: a
   * plain bearer token.
   */
  tokenType?: 'DPoP';
  /**
   * The key pair a DPoP-bound token (and its refresh token) is bound to, kept in the same record
   * so that tokens and key are written, rotated and forgotten together. As secret as the refresh
   * token: never log it.
   */
  dpopKey?: DPoPKey;
}

/**
 * A DPoP key pair as stored (RFC 9449): the signing algorithm and the private key as a JWK (its
 * public part is derived from it). Secret.
 *
 * @example
 * ```ts
 * const key: DPoPKey = { alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256', x: '...', y: '...', d: '...' } };
 * ```
 */
export interface DPoPKey {
  alg: string;
  jwk: Record<string, string>;
}

/**
 * OAuth 1.0a token credentials (RFC 5849 2.3), plus the extra fields the server returned
 * with them (Twitter: `user_id`, `screen_name`).
 *
 * @example
 * ```ts
 * const token: OAuth1Credentials = { type: 'oauth1', token: '370773112-...', tokenSecret: 'Lsww...', extra: { screen_name: 'alice' } };
 * ```
 */
export interface OAuth1Credentials {
  type: 'oauth1';
  token: string;
  tokenSecret: string;
  extra?: Record<string, string>;
}

/**
 * What a {@link TokenProvider} hands out: a discriminated union on `type`.
 *
 * @example
 * ```ts
 * const creds = await provider.getToken();
 * if (creds.type === 'bearer') console.log(creds.expiresAt ?? 'no expiry');
 * ```
 */
export type Credentials = BearerCredentials | OAuth1Credentials;

/**
 * The value that identifies one issued token (its access token or OAuth 1.0a token),
 * used to tell a rejected token from a newer one. Never log it.
 *
 * @example
 * ```ts
 * tokenIdentity({ type: 'oauth1', token: 'abc', tokenSecret: 's' }); // 'abc'
 * ```
 */
export function tokenIdentity(credentials: Credentials): string {
  return credentials.type === 'bearer' ? credentials.accessToken : credentials.token;
}
