import type { Credentials, TokenStore } from '@tokensmith/core';
import type { OAuth2ClientConfig } from '../config/schema-parts.js';
import type { BuildContext } from './adapter.js';

/** The options the OAuth 2 user strategies share (authorization code, device code), from their common config block. */
export function oauth2ClientOptions(
  config: OAuth2ClientConfig & { refreshSkewSeconds?: number | undefined; timeoutMs?: number | undefined },
  store: TokenStore,
  context: BuildContext,
) {
  return {
    clientId: config.clientId,
    scopes: config.scopes,
    store,
    providerName: context.person.providerName,
    ...(config.issuer === undefined ? {} : { issuer: config.issuer }),
    ...(config.tokenUrl === undefined ? {} : { tokenUrl: config.tokenUrl }),
    ...(config.revocationUrl === undefined ? {} : { revocationUrl: config.revocationUrl }),
    ...(config.clientSecret === undefined ? {} : { clientSecret: config.clientSecret }),
    ...(config.authMethod === undefined ? {} : { authMethod: config.authMethod }),
    ...(config.authorizationParams === undefined ? {} : { authorizationParams: config.authorizationParams }),
    ...(config.dpop === undefined ? {} : { dpop: config.dpop }),
    ...context.shared,
  };
}

/**
 * The store key an OAuth 2 user strategy uses (`readClientOptions` in @tokensmith/oauth2): the
 * issuer, the flow's own URL and the token URL as configured (not discovered), the client, the
 * scopes and the authorization parameters.
 */
export async function oauth2StoreKey(strategy: string, config: OAuth2ClientConfig, flowUrl: string | undefined): Promise<string> {
  const { credentialsKey } = await import('@tokensmith/oauth2');
  const endpoints = [config.issuer, flowUrl, config.tokenUrl].filter((url): url is string => url !== undefined).map((url) => new URL(url));
  return credentialsKey({
    strategy,
    endpoints,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    scopes: [...new Set(config.scopes)],
    authorizationParams: Object.entries(config.authorizationParams ?? {}),
  });
}

/** The user an OpenID id_token names (display only: the token was verified when it was issued). */
export function idTokenUser(credentials: Credentials): string | undefined {
  const payload = credentials.type === 'bearer' ? credentials.idToken?.split('.')[1] : undefined;
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const user = claims.preferred_username ?? claims.screen_name ?? claims.email ?? claims.sub;
    return typeof user === 'string' ? user : undefined;
  } catch {
    return undefined;
  }
}
