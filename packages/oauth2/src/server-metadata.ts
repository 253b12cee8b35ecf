import * as oidc from 'openid-client';
import { TokensmithError, requireEndpoint } from '@tokensmith/core/kit';
import { customFetchOf, type ClientSettings } from './client-config.js';
import { toTokensmithError } from './openid-errors.js';

/**
 * The endpoint a flow starts at: the browser's authorization endpoint, RFC 8628's device
 * authorization endpoint, or the token endpoint itself for a grant that is one request (RFC 8693
 * token exchange, RFC 7523 JWT bearer).
 */
export type FlowEndpointField = 'authorization_endpoint' | 'device_authorization_endpoint' | 'token_endpoint';

/** Where the authorization server's endpoints come from: discovery from `issuer`, or given explicitly. */
export interface EndpointSettings {
  issuer: URL | undefined;
  tokenUrl: URL | undefined;
  revocationUrl: URL | undefined;
  /** Which endpoint the flow starts at, and its explicit URL when one was given. */
  flow: { field: FlowEndpointField; url: URL | undefined };
}

/** The authorization server as resolved once per provider. */
export interface ResolvedServer {
  metadata: oidc.ServerMetadata;
  /** Whether `metadata.issuer` is the real issuer (discovery), so `iss` and ID tokens can be checked against it. */
  issuerKnown: boolean;
  /** Some endpoint is plain http:// (on loopback, as checked), so openid-client must allow it. */
  insecure: boolean;
}

type EndpointField = FlowEndpointField | 'token_endpoint' | 'revocation_endpoint' | 'jwks_uri';

function discoveredEndpoint(metadata: oidc.ServerMetadata, field: EndpointField): URL {
  const value = metadata[field];
  if (typeof value !== 'string' || value === '')
    throw new TokensmithError('config_error', `the issuer's metadata has no ${field}`, { operation: 'discovery' });
  const label = `${field} (from discovery)`;
  return requireEndpoint({ [label]: value }, label);
}

/**
 * Fetches the authorization server's metadata (RFC 8414, then OpenID discovery unless `openid`),
 * every field kept (`registration_endpoint`, Mastodon's `app_registration_endpoint`, ...).
 *
 * @example
 * ```ts
 * const metadata = await discover(new URL('https://mastodon.example'), client);
 * metadata.app_registration_endpoint; // 'https://mastodon.example/api/v1/apps'
 * ```
 */
export async function discover(issuer: URL, client: ClientSettings): Promise<oidc.ServerMetadata> {
  const algorithms: Array<'oidc' | 'oauth2'> = client.openid ? ['oidc'] : ['oauth2', 'oidc'];
  let failure: unknown;
  for (const algorithm of algorithms) {
    try {
      const config = await oidc.discovery(issuer, client.clientId, undefined, oidc.None(), {
        algorithm,
        timeout: client.timeoutMs / 1000,
        execute: issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
        [oidc.customFetch]: customFetchOf(client.fetch),
      });
      const metadata = config.serverMetadata() as unknown as Record<string, unknown>;
      return Object.fromEntries(
        Object.entries(metadata).filter(([, value]) => typeof value !== 'function'),
      ) as unknown as oidc.ServerMetadata;
    } catch (error) {
      failure = error;
      if (!(error instanceof oidc.ClientError)) break;
    }
  }
  throw await toTokensmithError(failure, 'discovery', issuer);
}

/**
 * Resolves the authorization server: OIDC / RFC 8414 discovery from `issuer` (explicit endpoints,
 * when also given, override the discovered ones), or the explicit endpoints alone. Every endpoint,
 * discovered ones included, must be https:// or loopback http://, else `insecure_endpoint`.
 *
 * @example
 * ```ts
 * const server = await resolveServer(
 *   { issuer: new URL('https://auth.example.com'), tokenUrl: undefined, revocationUrl: undefined, flow: { field: 'device_authorization_endpoint', url: undefined } },
 *   client,
 * );
 * server.metadata.device_authorization_endpoint; // 'https://auth.example.com/oauth/device/code'
 * ```
 */
export async function resolveServer(endpoints: EndpointSettings, client: ClientSettings): Promise<ResolvedServer> {
  const { field } = endpoints.flow;
  let metadata: oidc.ServerMetadata;
  const urls: URL[] = [];
  if (endpoints.issuer) {
    const discovered = await discover(endpoints.issuer, client);
    const start = endpoints.flow.url ?? discoveredEndpoint(discovered, field);
    const token = endpoints.tokenUrl ?? discoveredEndpoint(discovered, 'token_endpoint');
    const revocation =
      endpoints.revocationUrl ??
      (discovered.revocation_endpoint === undefined ? undefined : discoveredEndpoint(discovered, 'revocation_endpoint'));
    const jwks = client.openid ? discoveredEndpoint(discovered, 'jwks_uri') : undefined;
    const { revocation_endpoint: _discoveredRevocation, ...rest } = discovered;
    metadata = {
      ...rest,
      [field]: start.href,
      token_endpoint: token.href,
      ...(revocation ? { revocation_endpoint: revocation.href } : {}),
      ...(jwks ? { jwks_uri: jwks.href } : {}),
    };
    urls.push(endpoints.issuer, start, token, ...(revocation ? [revocation] : []), ...(jwks ? [jwks] : []));
  } else {
    const start = endpoints.flow.url!;
    const token = endpoints.tokenUrl!;
    // Without discovery the issuer is unknown: this placeholder is never compared with a response.
    metadata = {
      issuer: start.origin,
      [field]: start.href,
      token_endpoint: token.href,
      ...(endpoints.revocationUrl ? { revocation_endpoint: endpoints.revocationUrl.href } : {}),
    };
    urls.push(start, token, ...(endpoints.revocationUrl ? [endpoints.revocationUrl] : []));
  }
  return { metadata, issuerKnown: endpoints.issuer !== undefined, insecure: urls.some((url) => url.protocol === 'http:') };
}
