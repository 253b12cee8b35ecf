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
  refreshToken?: string;
  scope?: string[];
  idToken?: string;
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

/** Default skew window: a token within this many ms of `expiresAt` counts as expired. */
export const DEFAULT_EXPIRY_SKEW_MS = 30_000;

/**
 * Whether credentials can still be used at `now`, treating the last `skewMs` before
 * `expiresAt` as expired. Bearer tokens without `expiresAt` and OAuth 1.0a tokens never expire.
 *
 * @example
 * ```ts
 * isFresh({ type: 'bearer', accessToken: 't', expiresAt: 100_000 }, 80_000, 30_000); // false
 * ```
 */
export function isFresh(credentials: Credentials, now: number, skewMs = DEFAULT_EXPIRY_SKEW_MS): boolean {
  if (credentials.type !== 'bearer' || credentials.expiresAt === undefined) return true;
  return credentials.expiresAt - skewMs > now;
}

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
