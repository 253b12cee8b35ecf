import {
  OAuthResponseError,
  TokensmithError,
  isVschar,
  optionalFunction,
  resolveTimeoutMs,
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
  /** Timeout of one HTTP request (its body included), whole ms from 1. Default 30 s; 0 is refused. */
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
  /** The temporary credentials' token (RFC 5849 2.1 `oauth_token`). */
  oauthToken: string;
  /** The temporary credentials' secret. A secret: store it 0600, never log it. */
  oauthTokenSecret: string;
  /** The authorize page with `oauth_token` set: show it to the user (or open it). */
  authorizeUrl: string;
  /**
   * When the request token expires (epoch ms), when the server said (`oauth_expires_in`). After it,
   * completing the login fails with `login_required`. Absent: the server did not say.
   */
  expiresAt?: number;
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
  const timeoutMs = resolveTimeoutMs(options);
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
  const { status, form } = await postSigned(client, {
    url: client.requestTokenUrl,
    field: 'requestTokenUrl',
    what,
    credentials: { callback: 'oob' },
    signal,
  });
  const { token: oauthToken, tokenSecret: oauthTokenSecret } = tokenPair(form, 'request token response', status);
  if (form.get('oauth_callback_confirmed') !== 'true') {
    throw new TokensmithError(
      'invalid_token_response',
      `request token response (HTTP ${status}) lacks oauth_callback_confirmed=true: the server did not accept oauth_callback=oob (not OAuth 1.0a, or out-of-band is not enabled for this consumer)`,
    );
  }
  const authorizeUrl = new URL(client.authorizeUrl);
  authorizeUrl.searchParams.set('oauth_token', oauthToken);
  const state: OAuth1RequestTokenState = { oauthToken, oauthTokenSecret, authorizeUrl: authorizeUrl.href };
  // Servers that say how long a request token lives do so with the OAuth Session extension's
  // oauth_expires_in (Twitter says nothing; its request tokens are short-lived).
  const expiresIn = Number(form.get('oauth_expires_in') ?? Number.NaN);
  if (Number.isInteger(expiresIn) && expiresIn > 0) state.expiresAt = client.now() + Math.min(expiresIn, 86_400) * 1000;
  return state;
}

/**
 * Reads `oauth_token` and `oauth_token_secret` from a token response, refusing values that are
 * not VSCHAR (a CR/LF would break every signed header later). Never echoes them.
 */
function tokenPair(form: URLSearchParams, what: string, status: number): { token: string; tokenSecret: string } {
  const token = form.get('oauth_token');
  const tokenSecret = form.get('oauth_token_secret');
  if (!token || tokenSecret === null)
    throw new TokensmithError('invalid_token_response', `${what} (HTTP ${status}) has no oauth_token or oauth_token_secret`);
  if (!isVschar(token) || (tokenSecret !== '' && !isVschar(tokenSecret))) {
    throw new TokensmithError(
      'invalid_token_response',
      `${what} (HTTP ${status}) has an oauth_token or oauth_token_secret with characters a token cannot have (control characters or non-ASCII)`,
    );
  }
  return { token, tokenSecret };
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
export async function exchangePinWith(
  client: ResolvedOAuth1Client,
  state: OAuth1RequestTokenState,
  pin: string,
  signal?: AbortSignal,
): Promise<OAuth1Credentials> {
  if (!state || typeof state !== 'object') throw new TokensmithError('invalid_options', 'state must be the object requestToken returned');
  if (typeof state.oauthToken !== 'string' || state.oauthToken === '')
    throw new TokensmithError('invalid_options', 'state.oauthToken must be a non-empty string');
  if (typeof state.oauthTokenSecret !== 'string') throw new TokensmithError('invalid_options', 'state.oauthTokenSecret must be a string');
  const verifier = typeof pin === 'string' ? pin.trim() : '';
  if (verifier === '') throw new TokensmithError('invalid_options', 'pin must be a non-empty string');
  if (!isVschar(verifier)) throw new TokensmithError('invalid_options', 'pin must be printable ASCII (the digits shown after you approve)');
  if (state.expiresAt !== undefined && (typeof state.expiresAt !== 'number' || !(state.expiresAt > client.now()))) {
    throw new TokensmithError(
      'login_required',
      'the pending OAuth 1.0a login expired before the PIN was entered; start the login again for a new authorize URL',
    );
  }

  const what = 'OAuth 1.0a PIN exchange (access token request)';
  let answer: { status: number; form: URLSearchParams };
  try {
    answer = await postSigned(client, {
      url: client.accessTokenUrl,
      field: 'accessTokenUrl',
      what,
      credentials: { token: state.oauthToken, tokenSecret: state.oauthTokenSecret, verifier },
      signal,
    });
  } catch (error) {
    if (error instanceof OAuthResponseError && DENIED_PROBLEMS.has(error.error)) {
      throw new TokensmithError('authorization_denied', 'the user denied access on the authorize page; start again to authorize', {
        cause: error,
      });
    }
    throw error;
  }
  const { status, form } = answer;
  const { token, tokenSecret } = tokenPair(form, 'access token response', status);
  const extra: Record<string, string> = {};
  for (const [name, value] of form) if (name !== 'oauth_token' && name !== 'oauth_token_secret') extra[name] = value;
  return { type: 'oauth1', token, tokenSecret, extra };
}
