import * as oidc from 'openid-client';

/**
 * How the client authenticates at the token, device authorization and revocation endpoints:
 * `basic` (HTTP Basic, RFC 6749 2.3.1: form-urlencoded, then base64), `post` (`client_secret` in
 * the body) or `none` (a public client: `client_id` in the body only).
 */
export type ClientAuthMethod = 'basic' | 'post' | 'none';

/** The client settings every openid-client call needs, read once from the options. */
export interface ClientSettings {
  clientId: string;
  clientSecret: string | undefined;
  authMethod: ClientAuthMethod;
  openid: boolean;
  now: () => number;
  /** Already capped (see `limitResponseBody`): every authorization-server answer is small. */
  fetch: typeof fetch;
  timeoutMs: number;
}

/**
 * Adapts a WHATWG `fetch` to openid-client's `customFetch` signature.
 *
 * @example
 * ```ts
 * config[oidc.customFetch] = customFetchOf(globalThis.fetch);
 * ```
 */
export function customFetchOf(fetchImpl: typeof fetch): oidc.CustomFetch {
  return (url, options) => fetchImpl(url, options as RequestInit);
}

function clientAuthentication(client: ClientSettings): oidc.ClientAuth {
  if (client.authMethod === 'none' || client.clientSecret === undefined) return oidc.None();
  return client.authMethod === 'post' ? oidc.ClientSecretPost(client.clientSecret) : oidc.ClientSecretBasic(client.clientSecret);
}

/**
 * A fresh openid-client `Configuration` for one operation over a resolved server: client
 * authentication (`authMethod`), the capped fetch, the timeout and the clock (ID token times are
 * judged by `now()`), and ID token signature checks for `openid`.
 *
 * @example
 * ```ts
 * const tokens = await oidc.refreshTokenGrant(configure(server, client), refreshToken);
 * ```
 */
export function configure(server: { metadata: oidc.ServerMetadata; insecure: boolean }, client: ClientSettings): oidc.Configuration {
  const metadata: Partial<oidc.ClientMetadata> = { [oidc.clockSkew]: (client.now() - Date.now()) / 1000 };
  const config = new oidc.Configuration(server.metadata, client.clientId, metadata, clientAuthentication(client));
  if (server.insecure) oidc.allowInsecureRequests(config);
  config[oidc.customFetch] = customFetchOf(client.fetch);
  config.timeout = client.timeoutMs / 1000;
  if (client.openid) oidc.enableNonRepudiationChecks(config);
  return config;
}
