import * as oidc from 'openid-client';
import { OAuthResponseError, TokensmithError, parseTokenResponse, type BearerCredentials, type DPoPKey } from '@tokensmith/core/kit';
import { toTokensmithError } from './openid-errors.js';

/**
 * Turns a token endpoint response (openid-client's parsed one) into stored credentials, with an
 * absolute `expiresAt` from `now`.
 *
 * @example
 * ```ts
 * const credentials = toBearerCredentials(await oidc.refreshTokenGrant(config, refreshToken), Date.now());
 * ```
 */
export function toBearerCredentials(response: unknown, now: number, dpopKey?: DPoPKey): BearerCredentials {
  const credentials = parseTokenResponse(response, { status: 200, now, dpop: dpopKey !== undefined });
  // The key goes with the tokens even when the server answered Bearer: a public client's refresh
  // token is bound to it all the same (RFC 9449 5).
  if (dpopKey !== undefined) credentials.dpopKey = dpopKey;
  return credentials;
}

/**
 * Merges a refresh response with what it replaces (rotation, RFC 6749 6): a response without
 * `refresh_token` keeps the old one (simple-oauth2 and naive code lose it), unless refresh tokens
 * are single-use (the old one was spent by this very refresh), and one without
 * `id_token` or `scope` keeps those (RFC 6749 5.1: an unchanged scope may be omitted).
 *
 * @example
 * ```ts
 * mergeRefreshed({ type: 'bearer', accessToken: 'old', refreshToken: 'r1' }, { type: 'bearer', accessToken: 'new' });
 * // { type: 'bearer', accessToken: 'new', refreshToken: 'r1' }
 * // single-use refresh tokens (the third argument): r1 was spent, so none is kept
 * mergeRefreshed({ type: 'bearer', accessToken: 'old', refreshToken: 'r1' }, { type: 'bearer', accessToken: 'new' }, true);
 * // { type: 'bearer', accessToken: 'new' }
 * ```
 */
export function mergeRefreshed(current: BearerCredentials, fresh: BearerCredentials, singleUse = false): BearerCredentials {
  const merged: BearerCredentials = { ...fresh };
  // A single-use refresh token was spent by the request that got `fresh`: never carry it forward.
  const refreshToken = singleUse ? fresh.refreshToken : (fresh.refreshToken ?? current.refreshToken);
  if (refreshToken !== undefined) merged.refreshToken = refreshToken;
  const idToken = fresh.idToken ?? current.idToken;
  if (idToken !== undefined) merged.idToken = idToken;
  const scope = fresh.scope ?? current.scope;
  if (scope !== undefined) merged.scope = scope;
  const dpopKey = fresh.dpopKey ?? current.dpopKey;
  if (dpopKey !== undefined) merged.dpopKey = dpopKey;
  return merged;
}

/**
 * Refreshes `current` (RFC 6749 6) with rotation handled by {@link mergeRefreshed}. A refresh
 * token the server no longer accepts (`invalid_grant`) drops the stored tokens and throws
 * `login_required` (log in again); any other failure keeps them.
 *
 * @example
 * ```ts
 * const refreshed = current?.refreshToken
 *   ? await refreshTokens(configure(server, client), current, { drop, now: Date.now(), tokenParams: [] })
 *   : undefined;
 * ```
 */
export async function refreshTokens(
  config: oidc.Configuration,
  current: BearerCredentials,
  options: {
    drop: () => Promise<void>;
    now: number;
    tokenParams: Array<[string, string]>;
    singleUse?: boolean;
    dpop?: oidc.DPoPOptions;
  },
): Promise<BearerCredentials> {
  const endpoint = config.serverMetadata().token_endpoint;
  if (current.refreshToken === undefined)
    throw new TokensmithError('login_required', 'no refresh token is stored; log in again', { operation: 'refresh', endpoint });
  let fresh: BearerCredentials;
  try {
    fresh = toBearerCredentials(
      await oidc.refreshTokenGrant(config, current.refreshToken, new URLSearchParams(options.tokenParams), options.dpop),
      options.now,
      current.dpopKey,
    );
  } catch (error) {
    const mapped = await toTokensmithError(error, 'refresh token request', endpoint);
    if (mapped instanceof OAuthResponseError && mapped.error === 'invalid_grant') {
      await options.drop();
      throw new TokensmithError(
        'login_required',
        'the authorization server no longer accepts the refresh token (invalid_grant); the stored tokens were dropped: log in again',
        { cause: mapped, operation: 'refresh', endpoint, status: mapped.status, error: mapped.error },
      );
    }
    throw mapped;
  }
  return mergeRefreshed(current, fresh, options.singleUse === true);
}
