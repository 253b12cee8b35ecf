import type { ClientCredentials, ModuleOptions } from 'simple-oauth2';
import {
  OAuthResponseError,
  TokensmithError,
  bearerHeaders,
  createTokenManager,
  defineProvider,
  optionalFunction,
  optionalNumber,
  optionalString,
  parseOAuthError,
  parseTokenResponse,
  requireEndpoint,
  requireOptions,
  requireString,
  tokenKey,
  abortable,
  DEFAULT_TIMEOUT_MS,
  type BearerCredentials,
  type ManagedTokenProvider,
  type TokenStore,
} from '@tokensmith/core/kit';

/**
 * Options of {@link createClientCredentialsProvider}.
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
  /** Where tokens are kept. Default: in memory. */
  store?: TokenStore;
  /** Clock, epoch ms. Default `Date.now`. */
  now?: () => number;
  /** A token within this many ms of expiry is renewed. Default 30 s. */
  expirySkewMs?: number;
  /** Timeout of one token request. Default 30 s. */
  timeoutMs?: number;
}

/** The largest token response accepted, in bytes. */
export const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

/** RFC 6749 Appendix A: client_id and client_secret are VSCHAR (printable ASCII). */
const VSCHAR = /^[\x20-\x7E]+$/;

interface WreckError {
  isBoom?: boolean;
  output?: { statusCode?: number };
  data?: { payload?: unknown; res?: { statusCode?: number; headers?: Record<string, string | undefined> } } | null;
  message?: string;
}

function payloadText(payload: unknown): string {
  if (payload === undefined || payload === null) return '';
  if (Buffer.isBuffer(payload)) return payload.toString('utf8');
  return typeof payload === 'string' ? payload : JSON.stringify(payload);
}

/** Maps what simple-oauth2 (wreck) throws to tokensmith's errors, keeping secrets out. */
function toTokensmithError(error: unknown): TokensmithError {
  if (error instanceof TokensmithError) return error;
  // Joi's messages quote the offending value, which may be the secret: never pass them on.
  if ((error as { isJoi?: boolean } | null)?.isJoi) return new TokensmithError('invalid_options', 'simple-oauth2 rejected the client options (check tokenUrl, clientId and clientSecret)');
  const boom = error as WreckError;
  const status = boom.data?.res?.statusCode;
  if (boom.isBoom && status !== undefined && status >= 400) {
    return new OAuthResponseError('client credentials token request', parseOAuthError(status, payloadText(boom.data?.payload)));
  }
  if (boom.isBoom && status !== undefined) {
    const contentType = (boom.data?.res?.headers?.['content-type'] ?? 'missing').split(';')[0];
    const why = boom.output?.statusCode === 406 ? `is not JSON (content-type ${contentType})` : `could not be read: ${boom.message ?? 'unreadable body'}`;
    return new TokensmithError('invalid_token_response', `token response (HTTP ${status}) ${why}`);
  }
  const statusCode = boom.output?.statusCode;
  if (statusCode === 504 || statusCode === 408) return new TokensmithError('timeout', 'client credentials token request timed out', { cause: error });
  return new TokensmithError('network_error', `client credentials token request failed: ${boom.message ?? String(error)}`, { cause: error });
}

/**
 * An app-only (OAuth 2 client credentials, RFC 6749 4.4) {@link ManagedTokenProvider}: posts the client's
 * key and secret to the token URL, caches the bearer token (one request however many callers), and
 * renews it on expiry or after `invalidate()`. A token without `expires_in` (Twitter) is kept until
 * the resource answers 401.
 *
 * @example
 * ```ts
 * import { createClientCredentialsProvider } from '@tokensmith/client-credentials';
 * import { createAuthenticatedFetch } from '@tokensmith/core/kit';
 *
 * const provider = createClientCredentialsProvider({
 *   tokenUrl: 'https://api.twitter.com/oauth2/token',
 *   clientId: process.env.TWITTER_KEY!,
 *   clientSecret: process.env.TWITTER_SECRET!,
 * });
 * const api = createAuthenticatedFetch(provider);
 * const res = await api('https://api.twitter.com/1.1/statuses/user_timeline.json?screen_name=twitterapi');
 * ```
 */
export function createClientCredentialsProvider(options: ClientCredentialsOptions): ManagedTokenProvider<BearerCredentials> {
  requireOptions(options, 'createClientCredentialsProvider');
  const tokenUrl = requireEndpoint(options, 'tokenUrl');
  const clientId = requireString(options, 'clientId');
  const clientSecret = requireString(options, 'clientSecret');
  if (!VSCHAR.test(clientId)) throw new TokensmithError('invalid_options', 'clientId must be printable ASCII (RFC 6749 Appendix A)');
  if (!VSCHAR.test(clientSecret)) throw new TokensmithError('invalid_options', 'clientSecret must be printable ASCII (RFC 6749 Appendix A)');
  const authMethod = options.authMethod ?? 'basic';
  if (authMethod !== 'basic' && authMethod !== 'body') throw new TokensmithError('invalid_options', "authMethod must be 'basic' or 'body'");
  const scope = options.scope === undefined ? undefined : Array.isArray(options.scope) ? options.scope.join(' ') : optionalString(options, 'scope');
  const now = optionalFunction(options, 'now') ?? Date.now;
  const timeoutMs = optionalNumber(options, 'timeoutMs', DEFAULT_TIMEOUT_MS);

  const config: ModuleOptions = {
    client: { id: clientId, secret: clientSecret },
    auth: { tokenHost: tokenUrl.origin, tokenPath: tokenUrl.pathname + tokenUrl.search },
    options: { authorizationMethod: authMethod === 'basic' ? 'header' : 'body', credentialsEncodingMode: 'strict', bodyFormat: 'form' },
    http: { json: 'strict', timeout: timeoutMs, maxBytes: MAX_TOKEN_RESPONSE_BYTES, redirects: 0 },
  };
  // simple-oauth2 (and Joi under it) is loaded on the first token request only: a process that
  // finds its token in the store never pays for it.
  let client: Promise<ClientCredentials> | undefined;
  const getClient = () => (client ??= import('simple-oauth2').then(({ default: simpleOAuth2 }) => new simpleOAuth2.ClientCredentials(config)));

  const requestToken = async (): Promise<BearerCredentials> => {
    let raw: unknown;
    try {
      const accessToken = await (await getClient()).getToken(scope ? { scope } : {});
      raw = accessToken.token;
    } catch (error) {
      throw toTokensmithError(error);
    }
    const { expires_at: _ignored, ...body } = raw as Record<string, unknown>;
    return parseTokenResponse(body, { status: 200, now: now() });
  };

  const tokens = createTokenManager<BearerCredentials>({
    key: tokenKey({ tokenUrl, clientId }),
    obtain: () => abortable(requestToken(), AbortSignal.timeout(timeoutMs + 1_000)),
    ...(options.store ? { store: options.store } : {}),
    now,
    skewMs: optionalNumber(options, 'expirySkewMs', 30_000),
  });

  return defineProvider(
    {
      strategy: 'client-credentials' as const,
      getToken: (getOptions) => tokens.get(getOptions),
      authorize: async (_request, getOptions) => bearerHeaders(await tokens.get(getOptions)),
      invalidate: () => tokens.invalidate(),
      peek: () => tokens.peek(),
      // App-only tokens have no standard revocation (Twitter's invalidate_token is its own): forget locally.
      logout: () => tokens.drop(),
    },
    { tokenUrl: tokenUrl.href, clientId },
  );
}
