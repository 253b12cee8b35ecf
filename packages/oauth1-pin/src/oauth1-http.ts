import {
  OAuthResponseError,
  TokensmithError,
  abortError,
  parseOAuthError,
  timeoutSignal,
  type OAuthErrorFields,
} from '@tokensmith/core/kit';
import { signOAuth1Request, type OAuth1SignInput } from './signature.js';

/**
 * The largest OAuth 1.0a endpoint response read, in bytes.
 *
 * @example
 * ```ts
 * if (text.length > MAX_OAUTH1_RESPONSE_BYTES) throw new Error('too large');
 * ```
 */
export const MAX_OAUTH1_RESPONSE_BYTES = 64 * 1024;

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

async function readCapped(response: Response, what: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_OAUTH1_RESPONSE_BYTES) {
    await response.body?.cancel();
    throw new TokensmithError('invalid_token_response', `${what} response (HTTP ${response.status}) is larger than ${MAX_OAUTH1_RESPONSE_BYTES} bytes`);
  }
  const text = await response.text();
  if (Buffer.byteLength(text) > MAX_OAUTH1_RESPONSE_BYTES) {
    throw new TokensmithError('invalid_token_response', `${what} response (HTTP ${response.status}) is larger than ${MAX_OAUTH1_RESPONSE_BYTES} bytes`);
  }
  return text;
}

/**
 * Sends one signed, body-less POST to an OAuth 1.0a endpoint and returns its form-encoded answer.
 * A non-2xx answer throws {@link OAuthResponseError}; a timeout or abort throws `timeout`/`aborted`.
 *
 * @example
 * ```ts
 * const { form } = await postSigned(transport, new URL(requestTokenUrl), { callback: 'oob' }, 'request token request');
 * ```
 */
export async function postSigned(
  transport: OAuth1Transport,
  url: URL,
  credentials: Pick<OAuth1SignInput, 'token' | 'tokenSecret' | 'callback' | 'verifier'>,
  what: string,
  signal?: AbortSignal,
): Promise<{ status: number; form: URLSearchParams }> {
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
    text = await readCapped(response, what);
  } catch (error) {
    if (error instanceof TokensmithError) throw error;
    if (requestSignal.aborted) throw abortError(requestSignal, what);
    const reason = error instanceof Error ? error.message : String(error);
    throw new TokensmithError('network_error', `${what} to ${url.origin} failed: ${reason}`, { cause: error });
  }
  if (response.status < 200 || response.status > 299) {
    throw new OAuthResponseError(what, parseOAuth1Error(response.status, text));
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('<')) {
    throw new TokensmithError('invalid_token_response', `${what} response (HTTP ${response.status}) is not form-encoded`);
  }
  return { status: response.status, form: new URLSearchParams(trimmed) };
}
