import type { Credentials } from '@tokensmith/core';

// What an account is called: the identity the provider returned at login (or `--account NAME`).
// Names go into store keys and the user's accounts file, so they are kept to a plain alphabet; an
// identity outside it is passed over for the next claim.

/** The environment variable naming the account for one process (`--account` wins over it). */
export const ACCOUNT_ENV = 'TOKENSMITH_ACCOUNT';

/** What an account name may be: a letter or digit, then letters, digits and `._@+-`, at most 100 in all. */
const ACCOUNT_NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$/;

/** The claims an account is named after, in order (Twitter's `screen_name`, OIDC's `preferred_username`, RFC 7662's `username`, `sub`). */
export const IDENTITY_CLAIMS = ['screen_name', 'preferred_username', 'username', 'sub'] as const;

/**
 * Whether `name` can name an account.
 *
 * @example
 * ```ts
 * isAccountName('ada.lovelace'); // true
 * isAccountName('../etc'); // false
 * ```
 */
export function isAccountName(name: string): boolean {
  return ACCOUNT_NAME.test(name);
}

/**
 * The message for an unusable account name, naming where it came from; undefined when it is fine.
 *
 * @example
 * ```ts
 * accountNameProblem('a b', '--account'); // '--account must be a letter or digit, then ...'
 * ```
 */
export function accountNameProblem(name: string, where: string): string | undefined {
  if (isAccountName(name)) return undefined;
  return `${where} must be a letter or digit, then letters, digits and . _ @ + - (at most 100 characters); got ${JSON.stringify(name.slice(0, 40))}`;
}

/** The claims of an ID token's payload (display and naming only: the strategy verified it when it arrived). */
function idTokenClaims(idToken: string | undefined): Record<string, unknown> {
  const payload = idToken?.split('.')[1];
  if (!payload) return {};
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The account name the provider's answer gives: the first of {@link IDENTITY_CLAIMS} that is a
 * usable name, from an OAuth 1.0a access token response's fields or an ID token's claims; undefined
 * when the answer names nobody (an app-only token).
 *
 * @example
 * ```ts
 * identityOf({ type: 'oauth1', token: 't', tokenSecret: 's', extra: { screen_name: 'twitterapi' } }); // 'twitterapi'
 * ```
 */
export function identityOf(credentials: Credentials): string | undefined {
  const fields: Record<string, unknown> = credentials.type === 'oauth1' ? (credentials.extra ?? {}) : idTokenClaims(credentials.idToken);
  for (const claim of IDENTITY_CLAIMS) {
    const value = fields[claim];
    if (typeof value === 'string' && isAccountName(value)) return value;
  }
  return undefined;
}
