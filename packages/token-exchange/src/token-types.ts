/**
 * The token type identifiers of RFC 8693 section 3, by their short names. A `subjectTokenType`,
 * `actorTokenType` or `requestedTokenType` option may be a short name or any absolute URI.
 *
 * @example
 * ```ts
 * TOKEN_TYPES.jwt; // 'urn:ietf:params:oauth:token-type:jwt'
 * ```
 */
export const TOKEN_TYPES = {
  /** An OAuth 2 access token (RFC 8693 3). */
  access_token: 'urn:ietf:params:oauth:token-type:access_token',
  /** An OAuth 2 refresh token. */
  refresh_token: 'urn:ietf:params:oauth:token-type:refresh_token',
  /** An OpenID Connect ID token. */
  id_token: 'urn:ietf:params:oauth:token-type:id_token',
  /** A base64url-encoded SAML 1.1 assertion. */
  saml1: 'urn:ietf:params:oauth:token-type:saml1',
  /** A base64url-encoded SAML 2.0 assertion. */
  saml2: 'urn:ietf:params:oauth:token-type:saml2',
  /** A JWT (RFC 7519): what CI platforms' OIDC tokens are. */
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
} as const;

/** A short token type name of {@link TOKEN_TYPES}. */
export type TokenTypeName = keyof typeof TOKEN_TYPES;

/**
 * The `subject_token_type` sent when none is configured: a JWT, the form of every CI platform's
 * workload identity token (GitHub Actions, GitLab, Buildkite, Kubernetes service accounts), which
 * is what this strategy is mostly for. RFC 8693 2.1 requires the parameter, so it always goes.
 *
 * @example
 * ```ts
 * DEFAULT_SUBJECT_TOKEN_TYPE === TOKEN_TYPES.jwt; // true
 * ```
 */
export const DEFAULT_SUBJECT_TOKEN_TYPE = TOKEN_TYPES.jwt;

/** The grant type of RFC 8693 2.1. */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/**
 * A token type option as the URI RFC 8693 sends: a short name of {@link TOKEN_TYPES}, or an
 * absolute URI kept as is; anything else is `undefined` (the caller names the field).
 *
 * @example
 * ```ts
 * tokenTypeUri('id_token'); // 'urn:ietf:params:oauth:token-type:id_token'
 * tokenTypeUri('urn:example:custom'); // 'urn:example:custom'
 * tokenTypeUri('jwt token'); // undefined
 * ```
 */
export function tokenTypeUri(value: string): string | undefined {
  if (Object.hasOwn(TOKEN_TYPES, value)) return TOKEN_TYPES[value as TokenTypeName];
  return /^[a-z][a-z0-9+.-]*:[\x21-\x7E]+$/i.test(value) ? value : undefined;
}
