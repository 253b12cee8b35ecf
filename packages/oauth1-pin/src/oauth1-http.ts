import {
  MAX_AUTH_RESPONSE_BYTES,
  OAuthResponseError,
  TokensmithError,
  parseOAuthError,
  readBodyText,
  timeoutSignal,
  toTransportError,
  type OAuthErrorFields,
} from '@tokensmith/core/kit';
import { signOAuth1Request, type OAuth1SignInput } from './signature.js';

/**
 * The largest OAuth 1.0a endpoint response read, in bytes: the kit's one auth-response cap.
 *
 * @example
 * ```ts
 * MAX_OAUTH1_RESPONSE_BYTES; // 65536
 * ```
 */
export const MAX_OAUTH1_RESPONSE_BYTES = MAX_AUTH_RESPONSE_BYTES;

/**
 * What the internal POST helper needs: the resolved client settings.
 *
 * @example
 * ```ts
 * const transport: OAuth1Transport = { consumerKey, consumerSecret, fetch, now: Date.now, timeoutMs: 30_000, randomNonce: createNonce };
 * ```
 */
export interface OAuth1Transport {
  consumerKey: string;
  consumerSecret: string;
  fetch: typeof fetch;
  now: () => number;
  timeoutMs: number;
  randomNonce: () => string;
}

/**
 * Parses an OAuth 1.0a error body: an OAuth Problem Reporting form (`oauth_problem=...`,
 * `oauth_problem_advice=...`), Twitter's JSON `errors` array, RFC 6749 JSON, or anything else
 * (then the error is `http_<status>`).
 *
 * @example
 * ```ts
 * parseOAuth1Error(401, 'oauth_problem=verifier_invalid&oauth_problem_advice=Wrong+PIN');
 * // { status: 401, error: 'verifier_invalid', error_description: 'Wrong PIN', body: ... }
 * ```
 */
export function parseOAuth1Error(status: number, bodyText: string): OAuthErrorFields {
  const trimmed = bodyText.trim();
  if (/^[^\s{<]*$/.test(trimmed) && /(^|&)oauth_problem=/.test(trimmed)) {
    const form = new URLSearchParams(trimmed);
    const problem = form.get('oauth_problem');
    if (problem) {
      const advice = form.get('oauth_problem_advice');
      return { status, error: problem, ...(advice ? { error_description: advice } : {}), body: bodyText };
    }
  }
  return parseOAuthError(status, bodyText);
}

/**
 * One signed POST to an OAuth 1.0a endpoint.
 *
 * @example
 * ```ts
 * const post: SignedPost = { url: client.requestTokenUrl, field: 'requestTokenUrl', operation: 'request_token', what: 'request token request', credentials: { callback: 'oob' } };
 * ```
 */
export interface SignedPost {
  url: URL;
  /** The option naming `url` (`requestTokenUrl`, `accessTokenUrl`), for error messages. */
  field: string;
  /** The step, carried by every error of this request as `operation`. */
  operation: 'request_token' | 'access_token';
  /** What the request is, for error messages (`OAuth 1.0a request token request`). */
  what: string;
  credentials: Pick<OAuth1SignInput, 'token' | 'tokenSecret' | 'callback' | 'verifier'>;
  signal?: AbortSignal | undefined;
}

/**
 * Sends one signed, body-less POST to an OAuth 1.0a endpoint and returns its form-encoded answer,
 * read through the kit's 64 KiB streaming cap and bounded by `timeoutMs` (body included).
 * A non-2xx answer throws {@link OAuthResponseError}; a timeout, abort or connection failure
 * throws what `toTransportError` makes of it (naming the endpoint and its option).
 *
 * @example
 * ```ts
 * const { form } = await postSigned(transport, { url, field: 'requestTokenUrl', operation: 'request_token', what: 'request token request', credentials: { callback: 'oob' } });
 * ```
 */
export async function postSigned(
  transport: OAuth1Transport,
  post: SignedPost,
): Promise<{ status: number; form: URLSearchParams; at: { operation: SignedPost['operation']; endpoint: URL } }> {
  const { url, what, credentials, signal, operation } = post;
  const at = { operation, endpoint: url };
  const nonce: unknown = transport.randomNonce();
  if (typeof nonce !== 'string' || nonce === '') throw new TokensmithError('signature_error', 'randomNonce must return a non-empty string');
  const { authorization } = signOAuth1Request({
    method: 'POST',
    url,
    consumerKey: transport.consumerKey,
    consumerSecret: transport.consumerSecret,
    nonce,
    timestamp: Math.floor(transport.now() / 1000),
    ...credentials,
  });
  const requestSignal = timeoutSignal(transport.timeoutMs, signal);
  let response: Response;
  let text: string;
  try {
    response = await transport.fetch(url, {
      method: 'POST',
      headers: { authorization, accept: 'application/x-www-form-urlencoded, application/json;q=0.9, */*;q=0.1' },
      redirect: 'manual',
      signal: requestSignal,
    });
    // The timeout signal also bounds the body: a server dripping bytes is cut off at timeoutMs.
    text = await readBodyText(response, { what: `${what} response`, ...at });
  } catch (error) {
    throw toTransportError(error, {
      what,
      operation,
      endpoint: url,
      field: post.field,
      signal: requestSignal,
      timeoutMs: transport.timeoutMs,
    });
  }
  if (response.status >= 300 && response.status <= 399) {
    throw new TokensmithError(
      'http_error',
      `${what} to ${url.origin}${url.pathname} was answered with a redirect (HTTP ${response.status}), which a signed request never follows: ${post.field} must be the endpoint's exact URL (check ${post.field}: scheme, host and path)`,
      { ...at, status: response.status },
    );
  }
  if (response.status < 200 || response.status > 299) {
    // The server's clock, when it says it: a request refused for its timestamp is explained by it.
    const serverTime = Date.parse(response.headers.get('date') ?? '');
    const fields = parseOAuth1Error(response.status, text);
    throw new OAuthResponseError(what, Number.isNaN(serverTime) ? fields : { ...fields, serverTime }, at);
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('<')) {
    throw new TokensmithError('invalid_token_response', `${what} response (HTTP ${response.status}) is not form-encoded`, {
      ...at,
      status: response.status,
    });
  }
  return { status: response.status, form: new URLSearchParams(trimmed), at };
}
