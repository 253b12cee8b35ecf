import { TokensmithError } from '@tokensmith/core/kit';
import { postSigned } from './oauth1-http.js';
import { resolveOAuth1Client, type OAuth1StepOptions, type ResolvedOAuth1Client } from './oauth1-client.js';
import { tokenPair } from './token-pair.js';

// Step 1 of the PIN flow (RFC 5849 2.1): temporary credentials for `oauth_callback=oob`, and the
// authorize page to show. Its result is serialisable: step 2 (access-token.ts) takes it back.

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
  const { status, form, at } = await postSigned(client, {
    url: client.requestTokenUrl,
    field: 'requestTokenUrl',
    operation: 'request_token',
    what,
    credentials: { callback: 'oob' },
    signal,
  });
  const { token: oauthToken, tokenSecret: oauthTokenSecret } = tokenPair(form, 'request token response', status, at);
  if (form.get('oauth_callback_confirmed') !== 'true') {
    throw new TokensmithError(
      'invalid_token_response',
      `request token response (HTTP ${status}) lacks oauth_callback_confirmed=true: the server did not accept oauth_callback=oob (not OAuth 1.0a, or out-of-band is not enabled for this consumer)`,
      { ...at, status },
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
