import {
  DEFAULT_TIMEOUT_MS,
  OAuthResponseError,
  TokensmithError,
  optionalFunction,
  optionalNumber,
  requireEndpoint,
  requireOptions,
  requireString,
  type OAuth1Credentials,
} from '@tokensmith/core/kit';
import { postSigned, type OAuth1Transport } from './oauth1-http.js';
import { createNonce } from './signature.js';

/**
 * The client settings every OAuth 1.0a PIN step needs.
 *
 * @example
 * ```ts
 * const options: OAuth1ClientOptions = {
 *   consumerKey, consumerSecret,
 *   requestTokenUrl: 'https://api.twitter.com/oauth/request_token',
 *   authorizeUrl: 'https://api.twitter.com/oauth/authorize',
 *   accessTokenUrl: 'https://api.twitter.com/oauth/access_token',
 * };
 * ```
 */
export interface OAuth1ClientOptions {
  /** The consumer (API) key. */
  consumerKey: string;
  /** The consumer (API) secret. Never logged. */
  consumerSecret: string;
  /** Full URL of the temporary credentials endpoint, e.g. `https://api.twitter.com/oauth/request_token`. */
  requestTokenUrl: string | URL;
  /** Full URL of the resource owner authorization page, e.g. `https://api.twitter.com/oauth/authorize`. */
  authorizeUrl: string | URL;
  /** Full URL of the token endpoint, e.g. `https://api.twitter.com/oauth/access_token`. */
  accessTokenUrl: string | URL;
  /** The fetch to use. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Clock, epoch ms; `oauth_timestamp` is its value in whole seconds. Default `Date.now`. */
  now?: () => number;
  /** Timeout of one HTTP request, ms. Default 30 s. */
  timeoutMs?: number;
  /** Nonce source, fresh per request. Default: 16 random bytes from node:crypto, as hex. */
  randomNonce?: () => string;
}

/**
 * Options of one flow step: the client settings plus an optional abort signal.
 *
 * @example
 * ```ts
 * await requestToken({ ...options, signal: AbortSignal.timeout(10_000) });
 * ```
 */
export interface OAuth1StepOptions extends OAuth1ClientOptions {
  signal?: AbortSignal;
}

/**
 * The serialisable state between the two steps of the PIN flow: the temporary credentials and
 * the page the user must open. `oauthTokenSecret` is a secret: keep it out of logs.
 *
 * @example
 * ```ts
 * const state: OAuth1RequestTokenState = await requestToken(options);
 * saveForLater(JSON.stringify(state)); // then: exchangePin(JSON.parse(saved), pin, options)
 * ```
 */
export interface OAuth1RequestTokenState {
  oauthToken: string;
  oauthTokenSecret: string;
  /** The authorize page with `oauth_token` set: show it to the user (or open it). */
  authorizeUrl: string;
}

/**
 * Client settings after validation.
 *
 * @example
 * ```ts
 * const client: ResolvedOAuth1Client = resolveOAuth1Client(options, 'myFactory');
 * ```
 */
export interface ResolvedOAuth1Client extends OAuth1Transport {
  requestTokenUrl: URL;
  authorizeUrl: URL;
  accessTokenUrl: URL;
}

/**
 * Validates the client settings (throwing `invalid_options` naming the field, never its value).
 *
 * @example
 * ```ts
 * const client = resolveOAuth1Client(options, 'requestToken');
 * ```
 */
export function resolveOAuth1Client(options: OAuth1ClientOptions, caller: string): ResolvedOAuth1Client {
  requireOptions(options, caller);
  const consumerKey = requireString(options, 'consumerKey');
  const consumerSecret = requireString(options, 'consumerSecret');
  const requestTokenUrl = requireEndpoint(options, 'requestTokenUrl');
  const authorizeUrl = requireEndpoint(options, 'authorizeUrl');
  const accessTokenUrl = requireEndpoint(options, 'accessTokenUrl');
  const fetchFn = optionalFunction(options, 'fetch') ?? globalThis.fetch;
  const now = optionalFunction(options, 'now') ?? Date.now;
  const randomNonce = optionalFunction(options, 'randomNonce') ?? createNonce;
  const timeoutMs = optionalNumber(options, 'timeoutMs', DEFAULT_TIMEOUT_MS);
  if (timeoutMs === 0) throw new TokensmithError('invalid_options', 'timeoutMs must be a finite number > 0');
  return { consumerKey, consumerSecret, requestTokenUrl, authorizeUrl, accessTokenUrl, fetch: fetchFn, now, randomNonce, timeoutMs };
}

/**
 * Step 1 of the PIN (out-of-band) flow, RFC 5849 2.1: asks the request token endpoint for
 * temporary credentials with `oauth_callback=oob`, checks `oauth_callback_confirmed=true`
 * (an OAuth 1.0a server), and returns them with the authorize URL to show the user.
 *
 * @example
 * ```ts
 * const state = await requestToken({ consumerKey, consumerSecret, requestTokenUrl, authorizeUrl, accessTokenUrl });
 * console.log(`Open ${state.authorizeUrl} and type the PIN here`);
 * ```
 */
export async function requestToken(options: OAuth1StepOptions): Promise<OAuth1RequestTokenState> {
  return requestTokenWith(resolveOAuth1Client(options, 'requestToken'), options.signal);
}

/**
 * {@link requestToken} with settings already validated (the provider validates once).
 *
 * @example
 * ```ts
 * const state = await requestTokenWith(resolveOAuth1Client(options, 'login'));
 * ```
 */
export async function requestTokenWith(client: ResolvedOAuth1Client, signal?: AbortSignal): Promise<OAuth1RequestTokenState> {
  const what = 'OAuth 1.0a request token request';
  const { status, form } = await postSigned(client, client.requestTokenUrl, { callback: 'oob' }, what, signal);
  const oauthToken = form.get('oauth_token');
  const oauthTokenSecret = form.get('oauth_token_secret');
  if (!oauthToken || oauthTokenSecret === null) {
    throw new TokensmithError('invalid_token_response', `request token response (HTTP ${status}) has no oauth_token or oauth_token_secret`);
  }
  if (form.get('oauth_callback_confirmed') !== 'true') {
    throw new TokensmithError(
      'invalid_token_response',
      `request token response (HTTP ${status}) lacks oauth_callback_confirmed=true: the server did not accept oauth_callback=oob (not OAuth 1.0a, or out-of-band is not enabled for this consumer)`,
    );
  }
  const authorizeUrl = new URL(client.authorizeUrl);
  authorizeUrl.searchParams.set('oauth_token', oauthToken);
  return { oauthToken, oauthTokenSecret, authorizeUrl: authorizeUrl.href };
}

const DENIED_PROBLEMS = new Set(['permission_denied', 'user_refused']);

/**
 * Step 2 of the PIN flow, RFC 5849 2.3: exchanges the temporary credentials and the PIN the user
 * read off the authorize page (`oauth_verifier`) for token credentials. Every other field of the
 * answer (Twitter: `user_id`, `screen_name`) lands in `extra`. A denial the server reports
 * (`oauth_problem=permission_denied`) throws `authorization_denied`; a wrong PIN or any other
 * server error throws {@link OAuthResponseError}.
 *
 * @example
 * ```ts
 * const credentials = await exchangePin(state, '1234567', options);
 * console.log(credentials.extra?.screen_name);
 * ```
 */
export async function exchangePin(state: OAuth1RequestTokenState, pin: string, options: OAuth1StepOptions): Promise<OAuth1Credentials> {
  return exchangePinWith(resolveOAuth1Client(options, 'exchangePin'), state, pin, options.signal);
}

/**
 * {@link exchangePin} with settings already validated (the provider validates once).
 *
 * @example
 * ```ts
 * const credentials = await exchangePinWith(client, state, pin, signal);
 * ```
 */
export async function exchangePinWith(client: ResolvedOAuth1Client, state: OAuth1RequestTokenState, pin: string, signal?: AbortSignal): Promise<OAuth1Credentials> {
  if (!state || typeof state !== 'object') throw new TokensmithError('invalid_options', 'state must be the object requestToken returned');
  if (typeof state.oauthToken !== 'string' || state.oauthToken === '') throw new TokensmithError('invalid_options', 'state.oauthToken must be a non-empty string');
  if (typeof state.oauthTokenSecret !== 'string') throw new TokensmithError('invalid_options', 'state.oauthTokenSecret must be a string');
  const verifier = typeof pin === 'string' ? pin.trim() : '';
  if (verifier === '') throw new TokensmithError('invalid_options', 'pin must be a non-empty string');

  const what = 'OAuth 1.0a PIN exchange (access token request)';
  let answer: { status: number; form: URLSearchParams };
  try {
    answer = await postSigned(client, client.accessTokenUrl, { token: state.oauthToken, tokenSecret: state.oauthTokenSecret, verifier }, what, signal);
  } catch (error) {
    if (error instanceof OAuthResponseError && DENIED_PROBLEMS.has(error.error)) {
      throw new TokensmithError('authorization_denied', 'the user denied access on the authorize page; start again to authorize', { cause: error });
    }
    throw error;
  }
  const { status, form } = answer;
  const token = form.get('oauth_token');
  const tokenSecret = form.get('oauth_token_secret');
  if (!token || tokenSecret === null) {
    throw new TokensmithError('invalid_token_response', `access token response (HTTP ${status}) has no oauth_token or oauth_token_secret`);
  }
  const extra: Record<string, string> = {};
  for (const [name, value] of form) if (name !== 'oauth_token' && name !== 'oauth_token_secret') extra[name] = value;
  return { type: 'oauth1', token, tokenSecret, extra };
}
