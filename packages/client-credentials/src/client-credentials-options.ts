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
  /** The full token endpoint URL, e.g. `https://api.twitter.com/oauth2/token`. */
  tokenUrl: string | URL;
  clientId: string;
  clientSecret: string;
  /** Scopes to request (space-joined). */
  scope?: string | string[];
  /** `basic` (HTTP Basic, the default, RFC 6749 2.3.1) or `body` (client_id/client_secret in the form). */
  authMethod?: 'basic' | 'body';
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
  tokenUrl: URL;
  clientId: string;
  clientSecret: string;
  scope: string | undefined;
  authMethod: 'basic' | 'body';
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
  const tokenUrl = requireEndpoint(options, 'tokenUrl');
  const clientId = requireVschar(requireString(options, 'clientId'), 'clientId');
  const clientSecret = requireVschar(requireString(options, 'clientSecret'), 'clientSecret');
  const authMethod = options.authMethod ?? 'basic';
  if (authMethod !== 'basic' && authMethod !== 'body') throw new TokensmithError('invalid_options', "authMethod must be 'basic' or 'body'");
  const scope =
    options.scope === undefined ? undefined : Array.isArray(options.scope) ? options.scope.join(' ') : optionalString(options, 'scope');
  if (scope !== undefined) requireVschar(scope, 'scope');
  const fetchFn = optionalFunction(options, 'fetch');
  const onProgress = optionalFunction(options, 'onProgress');
  const dpop = readDPoPOption(options.dpop);
  return {
    dpop,
    tokenUrl,
    clientId,
    clientSecret,
    scope,
    authMethod,
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
