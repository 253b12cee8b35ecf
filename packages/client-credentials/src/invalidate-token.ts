import {
  OAuthResponseError,
  parseOAuthError,
  readBodyText,
  timeoutSignal,
  toTransportError,
  type BearerCredentials,
} from '@tokensmith/core/kit';
import { basicAuthorization } from './basic-authorization.js';
import type { ClientCredentialsSettings } from './client-credentials-options.js';

const OPERATION = 'token invalidation';

/**
 * Invalidates an app-only bearer token at the provider, the way Twitter's
 * `POST oauth2/invalidate_token` documents it: the token in an `access_token` form parameter,
 * the client authenticated with HTTP Basic (RFC 6749 2.3.1 encoding), a 200 answer meaning done.
 * Bounded by `timeoutMs`, its answer read through the 64 KiB cap; a failure throws
 * (`OAuthResponseError`, or a transport error naming `invalidateUrl`).
 *
 * @example
 * ```ts
 * const current = await provider.peek();
 * if (current?.type === 'bearer') await invalidateToken(settings, new URL(invalidateUrl), current);
 * ```
 */
export async function invalidateToken(
  settings: ClientCredentialsSettings,
  invalidateUrl: URL,
  credentials: BearerCredentials,
): Promise<void> {
  const signal = timeoutSignal(settings.timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await settings.fetch(invalidateUrl, {
      method: 'POST',
      headers: {
        authorization: basicAuthorization(settings.clientId, settings.clientSecret ?? ''),
        'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
        accept: 'application/json',
      },
      body: new URLSearchParams({ access_token: credentials.accessToken }),
      redirect: 'manual',
      signal,
    });
    text = await readBodyText(response, { what: `${OPERATION} response`, operation: 'invalidation', endpoint: invalidateUrl });
  } catch (error) {
    throw toTransportError(error, {
      what: OPERATION,
      operation: 'invalidation',
      endpoint: invalidateUrl,
      field: 'invalidateUrl',
      signal,
      timeoutMs: settings.timeoutMs,
    });
  }
  if (response.status !== 200)
    throw new OAuthResponseError(OPERATION, parseOAuthError(response.status, text), { operation: 'invalidation', endpoint: invalidateUrl });
}
