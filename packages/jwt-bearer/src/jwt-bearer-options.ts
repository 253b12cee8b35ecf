import type { OAuth2ClientOptions, TokenSource } from '@tokensmith/oauth2';
import type { SigningAlg } from './signing-key.js';

/**
 * Options of {@link createJwtBearerProvider}: the shared OAuth 2 client options (`issuer` or
 * `tokenUrl`, `clientId`, `clientSecret`, `authMethod`, `scopes`, `store`, `fetch`, `now`,
 * `timeoutMs`, `refreshSkewSeconds`), plus where the assertion comes from: `assertion` (a source
 * that yields a ready-made JWT) OR `privateKey` (an assertion signed here for each request).
 */
export interface JwtBearerOptions extends Omit<OAuth2ClientOptions, 'authorizationParams'> {
  /** A ready-made assertion, re-read for every request: `{ file }`, `{ env }` or `{ command: [program, ...args] }` (no shell). */
  assertion?: TokenSource;
  /** The key that signs the assertion here: PEM or JWK text, or the path of a file holding one. Never printed. */
  privateKey?: string;
  /** The `kid` header of a signed assertion. Default: the JWK's `kid`, if any. */
  keyId?: string;
  /** The signing algorithm. Default from the key: RS256 (RSA), ES256/384/512 (EC by curve), EdDSA. */
  signingAlg?: SigningAlg;
  /**
   * The claims of a signed assertion (RFC 7523 3), as `claims` because `issuer` already names the
   * authorization server (discovery): `issuer` (`iss`, default `clientId`), `subject` (`sub`: the
   * service account or user the token is for; default the `iss` value), `audience` (`aud`; default
   * the token endpoint URL).
   */
  claims?: AssertionClaimSettings;
  /** A signed assertion's lifetime, seconds. Default 60. */
  assertionLifetimeSeconds?: number;
  /** A token source `command`'s deadline, ms. Default 30 s. */
  commandTimeoutMs?: number;
  /** The environment `env` sources read and commands run with. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Progress for a log (discovery, revocation); messages never hold a secret. */
  onProgress?: (message: string) => void;
}

/**
 * Who a signed assertion says signed it, whom it is for and who may accept it (RFC 7523 3).
 *
 * @example
 * ```ts
 * const claims: AssertionClaimSettings = { issuer: 'deploy-bot@example.iam', subject: 'deploy-bot@example.iam' };
 * ```
 */
export interface AssertionClaimSettings {
  /** `iss`. Default: the client id. */
  issuer?: string;
  /** `sub`. Default: the `iss` value. */
  subject?: string;
  /** `aud`. Default: the token endpoint URL. */
  audience?: string | readonly string[];
}
