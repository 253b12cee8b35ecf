import * as oidc from 'openid-client';
import type { ClientAssertionSigner } from './client-assertion.js';

/**
 * How the client authenticates at the token, device authorization and revocation endpoints:
 * `basic` (HTTP Basic, RFC 6749 2.3.1: form-urlencoded, then base64), `post` (`client_secret` in
 * the body), `none` (a public client: `client_id` in the body only), `private_key_jwt` (an
 * assertion signed with the client's private key, RFC 7523 2.2) or `client_secret_jwt` (an
 * assertion MACed with the client secret, which itself never leaves the client).
 */
export type ClientAuthMethod = 'basic' | 'post' | 'none' | 'private_key_jwt' | 'client_secret_jwt';

/** The client settings every openid-client call needs, read once from the options. */
export interface ClientSettings {
  clientId: string;
  clientSecret: string | undefined;
  authMethod: ClientAuthMethod;
  /** The assertion signer of `private_key_jwt` / `client_secret_jwt`; undefined for the other methods. */
  assertion?: ClientAssertionSigner | undefined;
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

/**
 * The `aud` of a client assertion: the issuer when the server's metadata was discovered (what
 * openid-client v6 sends, and what RFC 7523bis and FAPI 2.0 ask for), else the token endpoint
 * (RFC 7523 3, item 3), since without discovery the issuer is only a placeholder.
 *
 * @example
 * ```ts
 * assertionAudience(server); // server.metadata.issuer after discovery, else server.metadata.token_endpoint
 * ```
 */
export function assertionAudience(server: { metadata: oidc.ServerMetadata; issuerKnown?: boolean }): string {
  return server.issuerKnown === false && server.metadata.token_endpoint ? server.metadata.token_endpoint : server.metadata.issuer;
}

// openid-client's PrivateKeyJwt needs a WebCrypto key; importing one is async, so it is done on
// the first request that authenticates, once per signer.
const cryptoKeys = new WeakMap<ClientAssertionSigner, Promise<CryptoKey>>();

async function cryptoKeyOf(signer: ClientAssertionSigner): Promise<CryptoKey> {
  let key = cryptoKeys.get(signer);
  if (!key) {
    const { importPKCS8 } = await import('jose');
    const pem = (signer.key as import('node:crypto').KeyObject).export({ type: 'pkcs8', format: 'pem' }).toString();
    key = importPKCS8(pem, signer.alg);
    cryptoKeys.set(signer, key);
  }
  return key;
}

type AsyncClientAuth = (...args: Parameters<oidc.ClientAuth>) => Promise<void>;

/**
 * openid-client types a `ClientAuth` as returning void, but oauth4webapi, which calls it, awaits
 * it (its own type is `void | Promise<void>`), and openid-client's PrivateKeyJwt is async itself.
 */
function asyncClientAuth(auth: AsyncClientAuth): oidc.ClientAuth {
  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- awaited by oauth4webapi, see above
  return auth;
}

function assertionAuthentication(signer: ClientAssertionSigner, audience: string, secret: string | undefined): oidc.ClientAuth {
  // openid-client writes `aud` (the issuer) and derives `alg` from the key; the signer's choices win.
  const modify = {
    [oidc.modifyAssertion]: (header: Record<string, unknown>, payload: Record<string, unknown>) => {
      header.alg = signer.alg;
      if (signer.keyId !== undefined) header.kid = signer.keyId;
      payload.aud = audience;
    },
  };
  if (signer.method === 'client_secret_jwt') {
    if (signer.alg === 'HS256') return oidc.ClientSecretJwt(secret, modify);
    // openid-client MACs with HS256 only: HS384/HS512 assertions are signed here, the same claims.
    return asyncClientAuth(async (_as, client, body) => {
      const { clientAssertionParams } = await import('./client-assertion.js');
      const skewSeconds = client[oidc.clockSkew] ?? 0;
      const params = await clientAssertionParams(signer, client.client_id, audience, Date.now() + skewSeconds * 1000);
      for (const [name, value] of Object.entries(params)) body.set(name, value);
    });
  }
  return asyncClientAuth(async (as, client, body, headers) => {
    const auth = oidc.PrivateKeyJwt(await cryptoKeyOf(signer), modify) as AsyncClientAuth;
    await auth(as, client, body, headers);
  });
}

function clientAuthentication(client: ClientSettings, audience: string): oidc.ClientAuth {
  if (client.assertion) return assertionAuthentication(client.assertion, audience, client.clientSecret);
  if (client.authMethod === 'none' || client.clientSecret === undefined) return oidc.None();
  return client.authMethod === 'post' ? oidc.ClientSecretPost(client.clientSecret) : oidc.ClientSecretBasic(client.clientSecret);
}

/**
 * A fresh openid-client `Configuration` for one operation over a resolved server: client
 * authentication (`authMethod`; a JWT assertion's `aud` from {@link assertionAudience}), the capped fetch, the timeout and the clock (ID token times are
 * judged by `now()`), and ID token signature checks for `openid`.
 *
 * @example
 * ```ts
 * const tokens = await oidc.refreshTokenGrant(configure(server, client), refreshToken);
 * ```
 */
export function configure(
  server: { metadata: oidc.ServerMetadata; insecure: boolean; issuerKnown?: boolean },
  client: ClientSettings,
): oidc.Configuration {
  const metadata: Partial<oidc.ClientMetadata> = { [oidc.clockSkew]: (client.now() - Date.now()) / 1000 };
  const auth = clientAuthentication(client, assertionAudience(server));
  const config = new oidc.Configuration(server.metadata, client.clientId, metadata, auth);
  if (server.insecure) oidc.allowInsecureRequests(config);
  config[oidc.customFetch] = customFetchOf(client.fetch);
  config.timeout = client.timeoutMs / 1000;
  if (client.openid) oidc.enableNonRepudiationChecks(config);
  return config;
}
