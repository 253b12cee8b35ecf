import {
  TokensmithError,
  optionalFunction,
  optionalString,
  requireEndpoint,
  requireOptions,
  requireString,
  requireVschar,
  resolveSkewMs,
  resolveTimeoutMs,
  logSinkOf,
  readDPoPOption,
  type DPoPAlgorithm,
  type LogLine,
  type TokenStore,
} from '@tokensmith/core/kit';
import { readClientAssertion, type ClientAssertionSigner } from '@tokensmith/oauth2/client-assertion';

/**
 * Options of `createClientCredentialsProvider`.
 *
 * @example
 * ```ts
 * const options: ClientCredentialsOptions = {
 *   tokenUrl: 'https://api.twitter.com/oauth2/token',
 *   invalidateUrl: 'https://api.twitter.com/oauth2/invalidate_token',
 *   clientId, clientSecret,
 * };
 * ```
 */
export interface ClientCredentialsOptions {
  /** The full token endpoint URL, e.g. `https://api.twitter.com/oauth2/token`. Required unless `issuer` is given. */
  tokenUrl?: string | URL;
  /**
   * The issuer identifier (`https://id.example.com`): without `tokenUrl`, the token endpoint comes
   * from its metadata (OpenID Connect Discovery, then RFC 8414), fetched before the first token request.
   */
  issuer?: string | URL;
  clientId: string;
  /** The client secret: for `basic`, `body` and `client_secret_jwt` (the HMAC key); none with `private_key_jwt`. */
  clientSecret?: string;
  /** Scopes to request (space-joined). */
  scope?: string | string[];
  /**
   * `basic` (HTTP Basic, the default, RFC 6749 2.3.1), `body` (client_id/client_secret in the
   * form), `private_key_jwt` (a fresh assertion signed with `privateKey` on every token request,
   * RFC 7523 2.2) or `client_secret_jwt` (an assertion MACed with `clientSecret`). The assertion's
   * `aud` is the token endpoint.
   */
  authMethod?: 'basic' | 'body' | 'private_key_jwt' | 'client_secret_jwt';
  /** `private_key_jwt`: the client's private key, a PEM or a private JWK (object or JSON text). */
  privateKey?: string | Record<string, unknown>;
  /** `private_key_jwt`: the `kid` of the registered key (default: the JWK's own `kid`). */
  keyId?: string;
  /** The assertion's JWS algorithm. Default from the key (RSA RS256, P-256 ES256, P-384 ES384, Ed25519 EdDSA), HS256 for a secret. */
  signingAlg?: string;
  /**
   * Where `logout()` invalidates the token at the provider, e.g. Twitter's
   * `https://api.twitter.com/oauth2/invalidate_token` (POST `access_token=...`, HTTP Basic client
   * auth). Omit it and `logout()` only forgets the token locally.
   */
  invalidateUrl?: string | URL;
  /** Where tokens are kept. Default: in memory. */
  store?: TokenStore;
  /** Clock, epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Renew a token this many seconds before it expires. Default: min(30 s, a tenth of its lifetime). */
  refreshSkewSeconds?: number;
  /** Timeout of one HTTP request (its body included), whole ms from 1. Default 30 s; 0 is refused. */
  timeoutMs?: number;
  /**
   * The fetch used for `invalidateUrl`. When it is a `createLoggingFetch` (the CLI's `--verbose`),
   * the token request (sent by simple-oauth2, not by fetch) is logged through the same sink too.
   */
  fetch?: typeof fetch;
  /** Progress and warnings for a person (a failed invalidation); never a token or secret. */
  onProgress?: (message: string) => void;
  /**
   * Sender-constrained tokens (DPoP, RFC 9449): a key pair (ES256 unless `alg` says otherwise) made
   * at the first token request and kept in the store with the token; the token request and every
   * `authorize()` carry a proof signed by it. Default off.
   */
  dpop?: boolean | { alg?: DPoPAlgorithm };
}

/**
 * The options after validation.
 *
 * @example
 * ```ts
 * const settings: ClientCredentialsSettings = resolveClientCredentialsOptions(options);
 * ```
 */
export interface ClientCredentialsSettings {
  /** The token endpoint; while `issuer` is set, the issuer (the key's endpoint) until its metadata names the token endpoint. */
  tokenUrl: URL;
  /** Set when the token endpoint is still to be discovered from this issuer's metadata. */
  issuer: URL | undefined;
  clientId: string;
  /** Undefined only with `private_key_jwt`. */
  clientSecret: string | undefined;
  scope: string | undefined;
  authMethod: 'basic' | 'body' | 'private_key_jwt' | 'client_secret_jwt';
  /** The assertion signer of the JWT methods. */
  assertion: ClientAssertionSigner | undefined;
  /** What the store key fingerprints: the secret, or the public key of `private_key_jwt`. */
  keySecret: string;
  invalidateUrl: URL | undefined;
  store: TokenStore | undefined;
  now: () => number;
  skewMs: number | undefined;
  timeoutMs: number;
  fetch: typeof fetch;
  /** Where the token request is logged (the injected logging fetch's sink), if anywhere. */
  log: LogLine | undefined;
  progress: (message: string) => void;
  /** DPoP's key algorithm when `dpop` is on. */
  dpop: { alg: DPoPAlgorithm } | undefined;
}

/**
 * Validates `createClientCredentialsProvider`'s options, throwing `invalid_options` (or
 * `insecure_endpoint`) naming the field, never its value.
 *
 * @example
 * ```ts
 * const settings = resolveClientCredentialsOptions({ tokenUrl, clientId, clientSecret });
 * ```
 */
export function resolveClientCredentialsOptions(options: ClientCredentialsOptions): ClientCredentialsSettings {
  requireOptions(options, 'createClientCredentialsProvider');
  const issuer = options.tokenUrl === undefined && options.issuer !== undefined ? requireEndpoint(options, 'issuer') : undefined;
  if (issuer && (issuer.search || issuer.hash)) throw new TokensmithError('invalid_options', 'issuer must not have a query or fragment');
  const tokenUrl = issuer ?? requireEndpoint(options, 'tokenUrl');
  const clientId = requireVschar(requireString(options, 'clientId'), 'clientId');
  const authMethod = options.authMethod ?? (options.privateKey === undefined ? 'basic' : 'private_key_jwt');
  if (!['basic', 'body', 'private_key_jwt', 'client_secret_jwt'].includes(authMethod))
    throw new TokensmithError('invalid_options', "authMethod must be 'basic', 'body', 'private_key_jwt' or 'client_secret_jwt'");
  const clientSecret = authMethod === 'private_key_jwt' ? undefined : requireVschar(requireString(options, 'clientSecret'), 'clientSecret');
  if (authMethod === 'private_key_jwt' && options.clientSecret !== undefined)
    throw new TokensmithError('invalid_options', "authMethod 'private_key_jwt' signs with privateKey: remove clientSecret");
  const jwt = authMethod === 'private_key_jwt' || authMethod === 'client_secret_jwt';
  if (!jwt)
    for (const field of ['privateKey', 'keyId', 'signingAlg'] as const)
      if (options[field] !== undefined)
        throw new TokensmithError('invalid_options', `${field} is only for authMethod 'private_key_jwt' or 'client_secret_jwt'`);
  const assertion = jwt
    ? readClientAssertion({
        authMethod,
        clientId,
        clientSecret,
        privateKey: options.privateKey,
        keyId: options.keyId,
        signingAlg: options.signingAlg,
      })
    : undefined;
  if (jwt && options.invalidateUrl !== undefined)
    throw new TokensmithError(
      'invalid_options',
      `invalidateUrl (Twitter's invalidate_token) authenticates the client with HTTP Basic: it cannot be used with authMethod '${authMethod}'`,
    );
  const scope =
    options.scope === undefined ? undefined : Array.isArray(options.scope) ? options.scope.join(' ') : optionalString(options, 'scope');
  if (scope !== undefined) requireVschar(scope, 'scope');
  const fetchFn = optionalFunction(options, 'fetch');
  const onProgress = optionalFunction(options, 'onProgress');
  const dpop = readDPoPOption(options.dpop);
  return {
    dpop,
    tokenUrl,
    issuer,
    clientId,
    clientSecret,
    scope,
    authMethod,
    assertion,
    keySecret: assertion?.method === 'private_key_jwt' ? `private_key_jwt:${assertion.fingerprint}` : clientSecret!,
    invalidateUrl: options.invalidateUrl === undefined ? undefined : requireEndpoint(options, 'invalidateUrl'),
    store: options.store,
    now: optionalFunction(options, 'now') ?? Date.now,
    skewMs: resolveSkewMs(options),
    timeoutMs: resolveTimeoutMs(options),
    fetch: fetchFn ?? ((input, init) => globalThis.fetch(input, init)),
    log: logSinkOf(fetchFn),
    progress: (message) => {
      try {
        onProgress?.(message);
      } catch {
        // A failing progress callback must not break a token request or a logout.
      }
    },
  };
}
