import {
  createResourceSigner,
  createTokenManager,
  defineProvider,
  tokenKey,
  type BearerCredentials,
  type LogoutResult,
  type ManagedTokenProvider,
} from '@tokensmith/core/kit';
import { resolveClientCredentialsOptions, type ClientCredentialsOptions } from './client-credentials-options.js';
import { discoverTokenEndpoint } from './discover-token-endpoint.js';
import { invalidateToken } from './invalidate-token.js';
import { createTokenRequester } from './token-request.js';

/**
 * An app-only (OAuth 2 client credentials, RFC 6749 4.4) {@link ManagedTokenProvider}: posts the client's
 * key and secret to the token URL (through simple-oauth2), caches the bearer token (one request
 * however many callers), and renews it on expiry or after `invalidate()`. A token without
 * `expires_in` (Twitter) is kept until the resource answers 401. Tokens are stored under a key
 * that covers the token URL, client id, scopes and a fingerprint of the secret: a config with a
 * wrong secret is never served the right one's token. `logout()` invalidates the token at
 * `invalidateUrl` when one is configured (a failure is reported through `onProgress`, never
 * thrown) and always forgets it locally.
 *
 * @example
 * ```ts
 * import { createClientCredentialsProvider } from '@tokensmith/client-credentials';
 * import { createAuthenticatedFetch } from '@tokensmith/core';
 *
 * const provider = createClientCredentialsProvider({
 *   tokenUrl: 'https://api.twitter.com/oauth2/token',
 *   invalidateUrl: 'https://api.twitter.com/oauth2/invalidate_token',
 *   clientId: process.env.TWITTER_KEY!,
 *   clientSecret: process.env.TWITTER_SECRET!,
 * });
 * const api = createAuthenticatedFetch(provider);
 * const res = await api('https://api.twitter.com/1.1/statuses/user_timeline.json?screen_name=twitterapi');
 * await provider.logout();
 * ```
 */
export function createClientCredentialsProvider(options: ClientCredentialsOptions): ManagedTokenProvider<BearerCredentials> {
  const settings = resolveClientCredentialsOptions(options);
  const { tokenUrl, clientId, keySecret, scope, invalidateUrl, issuer } = settings;
  // With only an issuer, the token endpoint is discovered before the first token request (once;
  // a failed discovery is tried again by the next request). The store key keeps the issuer.
  let requester: Promise<(current?: BearerCredentials) => Promise<BearerCredentials>> | undefined;
  const ready = () =>
    (requester ??= (
      issuer
        ? discoverTokenEndpoint(issuer, settings).then((found) => createTokenRequester({ ...settings, tokenUrl: found, issuer: undefined }))
        : Promise.resolve(createTokenRequester(settings))
    ).catch((error: unknown) => {
      requester = undefined;
      throw error;
    }));
  const requestToken = async (current?: BearerCredentials) => (await ready())(current);
  // Resource requests: a bearer header, or (DPoP) a proof per request with each origin's nonce.
  const signer = createResourceSigner(settings.now);

  const tokens = createTokenManager<BearerCredentials>({
    key: tokenKey({ strategy: 'client-credentials', endpoints: [tokenUrl], clientId, secret: keySecret, scopes: scope }),
    obtain: ({ current }) => requestToken(current),
    ...(settings.store ? { store: settings.store } : {}),
    now: settings.now,
    skewMs: settings.skewMs,
  });

  const logout = async (): Promise<LogoutResult> => {
    const current = invalidateUrl ? await tokens.peek().catch(() => undefined) : undefined;
    let result: LogoutResult = { revocation: invalidateUrl ? 'nothing-stored' : 'unsupported' };
    if (invalidateUrl && current) {
      try {
        await invalidateToken(settings, invalidateUrl, current);
        settings.progress(`Invalidated the token at ${invalidateUrl.origin}`);
        result = { revocation: 'revoked', endpoint: invalidateUrl.origin };
      } catch (error) {
        const reason = error instanceof Error ? error.message : 'unknown error';
        settings.progress(`Could not invalidate the token at ${invalidateUrl.origin} (${reason}); it was forgotten here`);
        result = { revocation: 'failed', endpoint: invalidateUrl.origin, reason };
      }
    }
    await tokens.drop();
    return result;
  };

  return defineProvider(
    {
      strategy: 'client-credentials' as const,
      getToken: (getOptions) => tokens.get(getOptions),
      authorize: async (request, getOptions) => signer.headers(await tokens.get(getOptions), request),
      observeResponse: (request, response) => signer.observeResponse(request, response),
      invalidate: () => tokens.invalidate(),
      peek: () => tokens.peek(),
      logout,
    },
    {
      ...(issuer ? { issuer: issuer.href } : { tokenUrl: tokenUrl.href }),
      clientId,
      ...(settings.dpop ? { dpop: settings.dpop.alg } : {}),
    },
  );
}
