import type { Credentials } from '@tokensmith/core';
import type { StoreDescription } from '../stores/adapter.js';

// The fields every `--json` document shares, built in one place so that `status`, `providers`,
// `token --json`, `login --json`, `refresh --json` (and `accounts`) name the same thing the same way:
// camelCase, `provider` (never `name`), `store: { kind, path? }`, `scopes` always an array (empty
// for OAuth 1.0a, which has none), absent values `null` rather than missing. The README's
// "JSON output" section documents each command's document. Type imports only: the quick path
// (quick/token.ts) prints `token --json` with these builders too.

/** Which store holds the tokens: `{ kind, path? }` (the file, the masked Redis URL, the keychain service). */
export interface StoreField {
  kind: string;
  path?: string;
}

/**
 * The `store` field from an opened store's description.
 *
 * @example
 * ```ts
 * storeField({ kind: 'file', path: '/home/ada/.config/tokensmith/tokens.json' }); // { kind: 'file', path: '/home/ada/...' }
 * storeField({ kind: 'memory' }); // { kind: 'memory' }
 * ```
 */
export function storeField(where: StoreDescription): StoreField {
  return where.path === undefined ? { kind: where.kind } : { kind: where.kind, path: where.path };
}

/** Which provider a document is about: its config name and strategy. */
export interface ProviderFields {
  provider: string;
  strategy: string;
}

/**
 * The `provider` and `strategy` fields.
 *
 * @example
 * ```ts
 * providerFields('twitter', 'client-credentials'); // { provider: 'twitter', strategy: 'client-credentials' }
 * ```
 */
export function providerFields(provider: string, strategy: string): ProviderFields {
  return { provider, strategy };
}

/** What is known about stored credentials, never the tokens themselves. */
export interface CredentialFields {
  loggedIn: boolean;
  /** `bearer`, `oauth1`, or null when nothing is stored. */
  tokenType: 'bearer' | 'oauth1' | null;
  /** ISO 8601, or null: nothing stored, or a token without expiry. */
  expiresAt: string | null;
  /** A refresh token is stored. */
  refreshable: boolean;
  /** The scopes granted (empty for OAuth 1.0a and when nothing is stored). */
  scopes: string[];
  /** The account the provider named, when the strategy can tell (display only). */
  user: string | null;
  /** The token is DPoP-bound (RFC 9449): it works only with proofs by the key stored with it. */
  dpopBound: boolean;
}

/**
 * Describes stored credentials without revealing them. `user` comes from the strategy adapter
 * (`statusUser`), the only one that knows where its provider names the account.
 *
 * @example
 * ```ts
 * credentialFields({ type: 'bearer', accessToken: 'x', scope: ['read'] }); // { loggedIn: true, tokenType: 'bearer', expiresAt: null, refreshable: false, scopes: ['read'], user: null, dpopBound: false }
 * credentialFields(undefined); // { loggedIn: false, tokenType: null, ... scopes: [], user: null }
 * ```
 */
export function credentialFields(
  credentials: Credentials | undefined,
  user?: (credentials: Credentials) => string | undefined,
): CredentialFields {
  if (!credentials)
    return { loggedIn: false, tokenType: null, expiresAt: null, refreshable: false, scopes: [], user: null, dpopBound: false };
  const named = user?.(credentials) ?? null;
  if (credentials.type === 'oauth1')
    return { loggedIn: true, tokenType: 'oauth1', expiresAt: null, refreshable: false, scopes: [], user: named, dpopBound: false };
  return {
    loggedIn: true,
    tokenType: 'bearer',
    expiresAt: credentials.expiresAt === undefined ? null : new Date(credentials.expiresAt).toISOString(),
    refreshable: credentials.refreshToken !== undefined,
    scopes: credentials.scope ?? [],
    user: named,
    dpopBound: credentials.tokenType === 'DPoP',
  };
}

/** `token --json`: the token itself (asked for), with the same fields as every other document. */
export type TokenFields = ProviderFields &
  Pick<CredentialFields, 'tokenType' | 'expiresAt' | 'scopes'> &
  (
    | { tokenType: 'bearer'; accessToken: string }
    | {
        tokenType: 'oauth1';
        oauthToken: string;
        oauthTokenSecret: string;
        user: string | null;
        /** The provider's own fields from its access-token response (Twitter's `user_id`, `screen_name`), verbatim: data, not our names. */
        extra: Record<string, string>;
      }
  );

/**
 * The `token --json` document; `user` as in {@link credentialFields}.
 *
 * @example
 * ```ts
 * tokenFields({ type: 'bearer', accessToken: 'AAAA' }, 'x', 'client-credentials'); // { provider: 'x', strategy: 'client-credentials', tokenType: 'bearer', accessToken: 'AAAA', expiresAt: null, scopes: [] }
 * ```
 */
export function tokenFields(
  credentials: Credentials,
  provider: string,
  strategy: string,
  user?: (credentials: Credentials) => string | undefined,
): TokenFields {
  if (credentials.type === 'bearer')
    return {
      ...providerFields(provider, strategy),
      tokenType: 'bearer',
      accessToken: credentials.accessToken,
      expiresAt: credentials.expiresAt === undefined ? null : new Date(credentials.expiresAt).toISOString(),
      scopes: credentials.scope ?? [],
    };
  return {
    ...providerFields(provider, strategy),
    tokenType: 'oauth1',
    oauthToken: credentials.token,
    oauthTokenSecret: credentials.tokenSecret,
    expiresAt: null,
    scopes: [],
    user: user?.(credentials) ?? null,
    extra: { ...credentials.extra },
  };
}
