import type { OAuth2ClientOptions, TokenSource } from '@tokensmith/oauth2';

/**
 * Options of {@link createTokenExchangeProvider}: the shared OAuth 2 client options (`issuer` or
 * `tokenUrl`, `clientId`, `clientSecret`, `authMethod`, `scopes`, `store`, `fetch`, `now`,
 * `timeoutMs`, `refreshSkewSeconds`) plus the exchange's own (RFC 8693 2.1).
 */
export interface TokenExchangeOptions extends Omit<OAuth2ClientOptions, 'authorizationParams'> {
  /** Where the subject token comes from, re-read for every exchange: `{ file }`, `{ env }` or `{ command: [program, ...args] }` (no shell). */
  subjectToken: TokenSource;
  /** The subject token's type: a short name of `TOKEN_TYPES` (`jwt`, `id_token`, `access_token`, ...) or a URI. Default `jwt`. */
  subjectTokenType?: string;
  /** Who acts on the subject's behalf (delegation, RFC 8693 1.1), read like the subject token. */
  actorToken?: TokenSource;
  /** The actor token's type; required with `actorToken`. */
  actorTokenType?: string;
  /** The logical name(s) of the service the token is for (`audience`). */
  audience?: string | readonly string[];
  /** The URI(s) of the resource the token is for (RFC 8707 `resource`). */
  resource?: string | readonly string[];
  /** The type of token wanted (`requested_token_type`), e.g. `access_token`. Default: the server's choice. */
  requestedTokenType?: string;
  /** A token source `command`'s deadline, ms. Default 30 s. */
  commandTimeoutMs?: number;
  /** The environment `env` sources read and commands run with. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Progress for a log (discovery, revocation); messages never hold a secret. */
  onProgress?: (message: string) => void;
}
