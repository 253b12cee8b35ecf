import type { ServerResponse } from 'node:http';
import { TWITTER_ERRORS, sendForm, sendTwitterError, type SandboxRequest } from './http-util.js';
import { parseFormPairs, parseOAuthHeader, rfc3986Encode, verifyOAuth1Signature } from './oauth1-signature.js';
import { OAUTH1_TIMESTAMP_WINDOW_SECONDS, oauth1Store, type SandboxAccessToken } from './oauth1-store.js';
import type { Authenticator, SandboxConsumer, SandboxState } from './state.js';

// The signed-request gate shared by the OAuth 1.0a token endpoints and the timeline.

/** A refused request: how to answer it. */
export type Failure = { ok: false; send: (res: ServerResponse) => void };
/** An accepted signed request. */
export type Checked = { ok: true; params: Map<string, string>; consumer: SandboxConsumer; token: string | undefined };

const fail = (send: (res: ServerResponse) => void): Failure => ({ ok: false, send });

/**
 * A failure answered with one of Twitter's JSON errors.
 *
 * @example
 * ```ts
 * return twitterError(TWITTER_ERRORS.couldNotAuthenticate);
 * ```
 */
export function twitterError(error: (typeof TWITTER_ERRORS)[keyof typeof TWITTER_ERRORS]): Failure {
  return fail((res) => sendTwitterError(res, error));
}

/**
 * A failure answered with an OAuth Problem Reporting form body (`oauth_problem`, `oauth_problem_advice`).
 *
 * @example
 * ```ts
 * problem(401, 'token_used', 'This request token was already used.').send(res);
 * ```
 */
export function problem(status: number, oauthProblem: string, advice: string, extra: Record<string, string> = {}): Failure {
  return fail((res) => sendForm(res, status, { oauth_problem: oauthProblem, oauth_problem_advice: advice, ...extra }));
}

const REQUIRED = ['oauth_consumer_key', 'oauth_signature_method', 'oauth_signature', 'oauth_timestamp', 'oauth_nonce'];

/**
 * Checks one signed request: header shape, consumer, token (through `tokenSecret`), timestamp
 * window, exact HMAC-SHA1 signature and nonce replay, in that order.
 *
 * @example
 * ```ts
 * const checked = checkSigned(req, state, (token) => (token === undefined ? '' : twitterError(TWITTER_ERRORS.couldNotAuthenticate)));
 * if (!checked.ok) return checked.send(res);
 * ```
 */
export function checkSigned(
  req: SandboxRequest,
  state: SandboxState,
  tokenSecret: (token: string | undefined, consumer: SandboxConsumer) => string | Failure,
): Checked | Failure {
  const params = parseOAuthHeader(req.headers.authorization);
  if (!params || REQUIRED.some((name) => !params.get(name))) return twitterError(TWITTER_ERRORS.badAuthentication);
  const formBody = req.form ? req.body : undefined;
  const carried = [...parseFormPairs(req.url.search.slice(1)), ...(formBody ? parseFormPairs(formBody) : [])];
  if (carried.some(([name]) => name.startsWith('oauth_'))) return twitterError(TWITTER_ERRORS.badAuthentication); // one transmission method only (RFC 5849 3.5)
  const version = params.get('oauth_version');
  if (version !== undefined && version !== '1.0') return twitterError(TWITTER_ERRORS.couldNotAuthenticate);
  if (params.get('oauth_signature_method') !== 'HMAC-SHA1') return twitterError(TWITTER_ERRORS.couldNotAuthenticate);
  const consumer = state.consumers.find((c) => c.consumerKey === params.get('oauth_consumer_key'));
  if (!consumer) return twitterError(TWITTER_ERRORS.couldNotAuthenticate);
  const token = params.get('oauth_token') || undefined;
  const secret = tokenSecret(token, consumer);
  if (typeof secret !== 'string') return secret;

  const timestamp = params.get('oauth_timestamp')!;
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(Number(timestamp) - state.now() / 1000) > OAUTH1_TIMESTAMP_WINDOW_SECONDS) {
    return twitterError(TWITTER_ERRORS.timestampOutOfBounds);
  }
  const url = `${state.baseUrl}${req.url.pathname}${req.url.search}`;
  if (
    !verifyOAuth1Signature({
      method: req.method,
      url,
      formBody,
      authorization: req.headers.authorization,
      consumerSecret: consumer.consumerSecret,
      tokenSecret: secret,
    })
  ) {
    return twitterError(TWITTER_ERRORS.couldNotAuthenticate);
  }
  const store = oauth1Store(state);
  const nonceKey = [consumer.consumerKey, token ?? '', timestamp, params.get('oauth_nonce')!].map(rfc3986Encode).join('&');
  if (store.nonces.has(nonceKey)) return twitterError(TWITTER_ERRORS.couldNotAuthenticate);
  const nowSeconds = state.now() / 1000;
  for (const [key, seconds] of store.nonces) if (Math.abs(seconds - nowSeconds) > OAUTH1_TIMESTAMP_WINDOW_SECONDS) store.nonces.delete(key);
  store.nonces.set(nonceKey, Number(timestamp));
  return { ok: true, params, consumer, token };
}

/** OAuth 1.0a signed resource requests (user context) for the timeline. */
export const oauth1Authenticator: Authenticator = (req, state) => {
  if (!/^\s*OAuth\s/i.test(req.headers.authorization ?? '')) return undefined;
  const store = oauth1Store(state);
  let access: SandboxAccessToken | undefined;
  const checked = checkSigned(req, state, (token, consumer) => {
    access = token === undefined ? undefined : store.accessTokens.get(token);
    if (!access) return twitterError(TWITTER_ERRORS.invalidToken);
    if (access.consumerKey !== consumer.consumerKey) return twitterError(TWITTER_ERRORS.couldNotAuthenticate);
    return access.secret;
  });
  if (!checked.ok) return checked;
  if (!access) return twitterError(TWITTER_ERRORS.couldNotAuthenticate);
  return { ok: true, principal: { kind: 'user', clientId: checked.consumer.consumerKey, screenName: access.screenName, scopes: [] } };
};
