// What both registration endpoints (RFC 7591's and Mastodon's /api/v1/apps) check about the
// metadata a client sends: strictly, the way a careful server does, so a client that would be
// refused by one in production is refused here too.

/**
 * Mastodon's (and Doorkeeper's) out-of-band redirect URI: the code is shown on a page for the
 * person to paste (RFC 8252 does not define it; Mastodon keeps it for CLIs).
 *
 * @example
 * ```ts
 * redirect_uris: [OOB_REDIRECT_URI];
 * ```
 */
export const OOB_REDIRECT_URI = 'urn:ietf:wg:oauth:2.0:oob';

/** A refusal of client metadata: the RFC 7591 3.2.2 error code and which field it concerns. */
export interface MetadataRefusal {
  error: 'invalid_redirect_uri' | 'invalid_client_metadata';
  field: string;
  description: string;
}

const isLoopbackIp = (hostname: string) => /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === '[::1]';

/**
 * Checks one redirect URI: the out-of-band URN, or an absolute URL without a fragment or user info
 * that is https, or http on a loopback IP literal (RFC 8252 7.3; `localhost` is refused, 8.3).
 * Returns why it is refused, or undefined.
 *
 * @example
 * ```ts
 * redirectUriProblem('http://127.0.0.1/callback'); // undefined
 * redirectUriProblem('http://example.com/cb'); // 'must be https, or http on 127.0.0.1 (RFC 8252 7.3)'
 * ```
 */
export function redirectUriProblem(uri: string): string | undefined {
  if (uri === OOB_REDIRECT_URI) return undefined;
  if (!URL.canParse(uri)) return 'must be an absolute URI';
  const url = new URL(uri);
  if (url.hash || uri.includes('#')) return 'must not have a fragment';
  if (url.username || url.password) return 'must not carry user info';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackIp(url.hostname)) return undefined;
  if (url.protocol === 'http:' && url.hostname === 'localhost') return 'must use 127.0.0.1, not localhost (RFC 8252 8.3)';
  return 'must be https, or http on 127.0.0.1 (RFC 8252 7.3)';
}

/**
 * Checks a list of redirect URIs (at least one, each by {@link redirectUriProblem}).
 *
 * @example
 * ```ts
 * checkRedirectUris(['http://127.0.0.1/callback'], 'redirect_uris'); // undefined
 * ```
 */
export function checkRedirectUris(uris: unknown, field: string): MetadataRefusal | undefined {
  if (!Array.isArray(uris) || uris.length === 0 || !uris.every((u) => typeof u === 'string'))
    return { error: 'invalid_redirect_uri', field, description: `${field} must be a non-empty list of URIs` };
  for (const uri of uris) {
    const problem = redirectUriProblem(uri);
    if (problem) return { error: 'invalid_redirect_uri', field, description: `${field}: ${uri.slice(0, 100)} ${problem}` };
  }
  return undefined;
}
