import { OAuthResponseError, TokensmithError, isVschar, type OAuth1Credentials } from '@tokensmith/core/kit';
import { postSigned } from './oauth1-http.js';
import { resolveOAuth1Client, type OAuth1StepOptions, type ResolvedOAuth1Client } from './oauth1-client.js';
import type { OAuth1RequestTokenState } from './request-token.js';
import { tokenPair } from './token-pair.js';

// Step 2 of the PIN flow (RFC 5849 2.3): the temporary credentials from step 1 and the PIN the
// user read off the authorize page, exchanged for token credentials.

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
      { operation: 'access_token', endpoint: client.accessTokenUrl },
    );
  }

  const what = 'OAuth 1.0a PIN exchange (access token request)';
  let answer: Awaited<ReturnType<typeof postSigned>>;
  try {
    answer = await postSigned(client, {
      url: client.accessTokenUrl,
      field: 'accessTokenUrl',
      operation: 'access_token',
      what,
      credentials: { token: state.oauthToken, tokenSecret: state.oauthTokenSecret, verifier },
      signal,
    });
  } catch (error) {
    if (error instanceof OAuthResponseError && DENIED_PROBLEMS.has(error.error)) {
      throw new TokensmithError('authorization_denied', 'the user denied access on the authorize page; start again to authorize', {
        cause: error,
        operation: 'access_token',
        endpoint: client.accessTokenUrl,
        status: error.status,
        error: error.error,
      });
    }
    throw error;
  }
  const { status, form, at } = answer;
  const { token, tokenSecret } = tokenPair(form, 'access token response', status, at);
  const extra: Record<string, string> = {};
  for (const [name, value] of form) if (name !== 'oauth_token' && name !== 'oauth_token_secret') extra[name] = value;
  return { type: 'oauth1', token, tokenSecret, extra };
}
