import * as oidc from 'openid-client';
import { TokensmithError, requireEndpoint } from '@tokensmith/core/kit';
import { toTokensmithError } from './openid-errors.js';

/** Where the authorization server's endpoints come from: discovery from `issuer`, or given explicitly. */
export interface EndpointSettings {
  issuer: URL | undefined;
  authorizationUrl: URL | undefined;
  tokenUrl: URL | undefined;
  revocationUrl: URL | undefined;
}

/** The client settings every openid-client call needs. */
export interface ClientSettings {
  clientId: string;
  clientSecret: string | undefined;
  openid: boolean;
  now: () => number;
  fetch: typeof fetch | undefined;
  timeoutMs: number;
}

/** The authorization server as resolved once per provider. */
export interface ResolvedServer {
  metadata: oidc.ServerMetadata;
  /** Whether `metadata.issuer` is the real issuer (discovery), so `iss` and ID tokens can be checked against it. */
  issuerKnown: boolean;
  /** Some endpoint is plain http:// (on loopback, as checked), so openid-client must allow it. */
  insecure: boolean;
}

function customFetchOf(fetchImpl: typeof fetch): oidc.CustomFetch {
  return (url, options) => fetchImpl(url, options as RequestInit);
}

function discoveredEndpoint(metadata: oidc.ServerMetadata, field: 'authorization_endpoint' | 'token_endpoint' | 'revocation_endpoint' | 'jwks_uri'): URL {
  const value = metadata[field];
  if (typeof value !== 'string' || value === '') throw new TokensmithError('config_error', `the issuer's metadata has no ${field}`);
  const label = `${field} (from discovery)`;
  return requireEndpoint({ [label]: value }, label);
}

async function discover(issuer: URL, client: ClientSettings): Promise<oidc.ServerMetadata> {
  const algorithms: Array<'oidc' | 'oauth2'> = client.openid ? ['oidc'] : ['oauth2', 'oidc'];
  let failure: unknown;
  for (const algorithm of algorithms) {
    try {
      const config = await oidc.discovery(issuer, client.clientId, undefined, oidc.None(), {
        algorithm,
        timeout: client.timeoutMs / 1000,
        execute: issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
        ...(client.fetch ? { [oidc.customFetch]: customFetchOf(client.fetch) } : {}),
      });
      const metadata = config.serverMetadata() as unknown as Record<string, unknown>;
      return Object.fromEntries(Object.entries(metadata).filter(([, value]) => typeof value !== 'function')) as unknown as oidc.ServerMetadata;
    } catch (error) {
      failure = error;
      if (!(error instanceof oidc.ClientError)) break;
    }
  }
  throw await toTokensmithError(failure, 'discovery');
}

/**
 * Resolves the authorization server: OIDC / RFC 8414 discovery from `issuer` (explicit endpoints,
 * when also given, override the discovered ones), or the explicit endpoints alone. Every endpoint,
 * discovered ones included, must be https:// or loopback http://, else `insecure_endpoint`.
 *
 * @example
 * ```ts
 * const server = await resolveServer({ issuer: new URL('https://auth.example.com'), ... }, client);
 * server.metadata.token_endpoint; // 'https://auth.example.com/oauth/token'
 * ```
 */
export async function resolveServer(endpoints: EndpointSettings, client: ClientSettings): Promise<ResolvedServer> {
  let metadata: oidc.ServerMetadata;
  const urls: URL[] = [];
  if (endpoints.issuer) {
    const discovered = await discover(endpoints.issuer, client);
    const authorization = endpoints.authorizationUrl ?? discoveredEndpoint(discovered, 'authorization_endpoint');
    const token = endpoints.tokenUrl ?? discoveredEndpoint(discovered, 'token_endpoint');
    const revocation = endpoints.revocationUrl ?? (discovered.revocation_endpoint === undefined ? undefined : discoveredEndpoint(discovered, 'revocation_endpoint'));
    const jwks = client.openid ? discoveredEndpoint(discovered, 'jwks_uri') : undefined;
    const { revocation_endpoint: _discoveredRevocation, ...rest } = discovered;
    metadata = {
      ...rest,
      authorization_endpoint: authorization.href,
      token_endpoint: token.href,
      ...(revocation ? { revocation_endpoint: revocation.href } : {}),
      ...(jwks ? { jwks_uri: jwks.href } : {}),
    };
    urls.push(endpoints.issuer, authorization, token, ...(revocation ? [revocation] : []), ...(jwks ? [jwks] : []));
  } else {
    const authorization = endpoints.authorizationUrl!;
    const token = endpoints.tokenUrl!;
    // Without discovery the issuer is unknown: this placeholder is never compared with a response.
    metadata = {
      issuer: authorization.origin,
      authorization_endpoint: authorization.href,
      token_endpoint: token.href,
      ...(endpoints.revocationUrl ? { revocation_endpoint: endpoints.revocationUrl.href } : {}),
    };
    urls.push(authorization, token, ...(endpoints.revocationUrl ? [endpoints.revocationUrl] : []));
  }
  return { metadata, issuerKnown: endpoints.issuer !== undefined, insecure: urls.some((url) => url.protocol === 'http:') };
}

/**
 * A fresh openid-client `Configuration` for one operation: client authentication (`none` for a
 * public client, HTTP Basic per RFC 6749 2.3.1 for a confidential one), the injected fetch, timeout
 * and clock (ID token times are judged by `now()`), and ID token signature checks for `openid`.
 *
 * @example
 * ```ts
 * const tokens = await oidc.refreshTokenGrant(configure(server, client), refreshToken);
 * ```
 */
export function configure(server: ResolvedServer, client: ClientSettings): oidc.Configuration {
  const metadata: Partial<oidc.ClientMetadata> = { [oidc.clockSkew]: (client.now() - Date.now()) / 1000 };
  const auth = client.clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(client.clientSecret);
  const config = new oidc.Configuration(server.metadata, client.clientId, metadata, auth);
  if (server.insecure) oidc.allowInsecureRequests(config);
  if (client.fetch) config[oidc.customFetch] = customFetchOf(client.fetch);
  config.timeout = client.timeoutMs / 1000;
  if (client.openid) oidc.enableNonRepudiationChecks(config);
  return config;
}
