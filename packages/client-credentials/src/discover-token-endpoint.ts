import {
  MAX_AUTH_RESPONSE_BYTES,
  TokensmithError,
  readBodyText,
  requireEndpoint,
  timeoutSignal,
  toTransportError,
} from '@tokensmith/core/kit';

// Client credentials need one endpoint, the token endpoint: with only `issuer`, it comes from the
// issuer's metadata (OpenID Connect Discovery 4, then RFC 8414 3), as the OAuth 2 user strategies
// discover theirs. simple-oauth2 stays the grant library; it is handed the URL found here.

/**
 * The metadata URLs of an issuer, in the order tried: OpenID Connect's (appended to the issuer's
 * path), then RFC 8414's (inserted before it; the same URL when the issuer has no path).
 *
 * @example
 * ```ts
 * metadataUrls(new URL('https://id.example.com/tenant')).map(String);
 * // ['https://id.example.com/tenant/.well-known/openid-configuration',
 * //  'https://id.example.com/.well-known/oauth-authorization-server/tenant']
 * ```
 */
export function metadataUrls(issuer: URL): URL[] {
  const path = issuer.pathname.replace(/\/$/, '');
  return [
    new URL(`${issuer.origin}${path}/.well-known/openid-configuration`),
    new URL(`${issuer.origin}/.well-known/oauth-authorization-server${path}`),
  ];
}

/** Whether two issuer identifiers are the same (RFC 8414 3.3: exactly; a trailing `/` is forgiven, as openid-client does not). */
function sameIssuer(a: string, b: string): boolean {
  return a === b || a.replace(/\/$/, '') === b.replace(/\/$/, '');
}

/**
 * Finds the token endpoint of `issuer` from its metadata: the first metadata document that exists
 * (404 goes on to the next) must name the same `issuer` and a `token_endpoint` (https, or http on
 * loopback). The body read is capped at the auth-response cap; each request has `timeoutMs`.
 *
 * @example
 * ```ts
 * const tokenUrl = await discoverTokenEndpoint(new URL('https://id.example.com'), { fetch, timeoutMs: 30_000 });
 * ```
 */
export async function discoverTokenEndpoint(issuer: URL, options: { fetch: typeof fetch; timeoutMs: number }): Promise<URL> {
  for (const url of metadataUrls(issuer)) {
    const signal = timeoutSignal(options.timeoutMs);
    let response: Response;
    try {
      response = await options.fetch(url, { headers: { accept: 'application/json' }, redirect: 'manual', signal });
    } catch (error) {
      throw toTransportError(error, {
        what: 'issuer metadata request',
        operation: 'discovery',
        endpoint: url,
        field: 'issuer',
        signal,
        timeoutMs: options.timeoutMs,
      });
    }
    // The body of a refusal is read (capped) and dropped: some fetches hold the connection until it is.
    const drain = () => readBodyText(response, { what: 'issuer metadata', maxBytes: MAX_AUTH_RESPONSE_BYTES }).catch(() => '');
    if (response.status === 404) {
      await drain();
      continue;
    }
    if (response.status !== 200) {
      await drain();
      throw new TokensmithError(
        'http_error',
        `the issuer's metadata at ${url.origin}${url.pathname} answered HTTP ${response.status}; check issuer (or set tokenUrl)`,
        { operation: 'discovery', endpoint: url, status: response.status },
      );
    }
    const text = await readBodyText(response, {
      what: 'issuer metadata',
      maxBytes: MAX_AUTH_RESPONSE_BYTES,
      operation: 'discovery',
      endpoint: url,
    });
    let metadata: unknown;
    try {
      metadata = JSON.parse(text);
    } catch {
      metadata = undefined;
    }
    const fields = metadata && typeof metadata === 'object' && !Array.isArray(metadata) ? (metadata as Record<string, unknown>) : undefined;
    if (!fields || typeof fields.issuer !== 'string')
      throw new TokensmithError(
        'config_error',
        `the issuer's metadata at ${url.origin}${url.pathname} is not a metadata document; check issuer`,
        {
          operation: 'discovery',
          endpoint: url,
        },
      );
    if (!sameIssuer(fields.issuer, issuer.href))
      throw new TokensmithError(
        'config_error',
        `the metadata at ${url.origin}${url.pathname} is for another issuer; issuer must be exactly the server's issuer identifier`,
        { operation: 'discovery', endpoint: url },
      );
    if (typeof fields.token_endpoint !== 'string')
      throw new TokensmithError('config_error', "the issuer's metadata has no token_endpoint; set tokenUrl", {
        operation: 'discovery',
        endpoint: url,
      });
    return requireEndpoint({ token_endpoint: fields.token_endpoint }, 'token_endpoint');
  }
  throw new TokensmithError(
    'config_error',
    `no metadata found for issuer ${issuer.origin}${issuer.pathname}; check issuer, or set tokenUrl`,
    {
      operation: 'discovery',
      endpoint: issuer,
    },
  );
}
