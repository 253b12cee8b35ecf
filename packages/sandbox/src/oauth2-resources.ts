import type { SandboxState } from './state.js';

// RFC 8707 resource indicators. The sandbox's protected resources are its three APIs; a token
// bound to some of them (its `aud`) is accepted only under those URLs.

/**
 * The resource indicators (RFC 8707) of a sandbox: its Twitter v1.1, Twitter v2 and Mastodon APIs.
 *
 * @example
 * ```ts
 * sandboxResources('http://127.0.0.1:8787'); // ['http://127.0.0.1:8787/1.1/', 'http://127.0.0.1:8787/2/', 'http://127.0.0.1:8787/api/v1/']
 * ```
 */
export function sandboxResources(baseUrl: string): string[] {
  return ['/1.1/', '/2/', '/api/v1/'].map((path) => new URL(path, baseUrl).href);
}

/**
 * Checks the `resource` parameters of a request (RFC 8707 2): each an absolute URI without a
 * fragment, and one this sandbox serves. Returns them, or the `invalid_target` description.
 *
 * @example
 * ```ts
 * const resources = parseResources(state, form.getAll('resource'));
 * if (typeof resources === 'string') throw new Error(`invalid_target: ${resources}`);
 * ```
 */
export function parseResources(state: SandboxState, values: string[]): string[] | string {
  const known = sandboxResources(state.baseUrl);
  for (const value of values) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return 'resource must be an absolute URI (RFC 8707 2)';
    }
    if (url.hash !== '' || value.includes('#')) return 'resource must not contain a fragment (RFC 8707 2)';
    if (!known.includes(value)) return `unknown resource; this server serves: ${known.join(' ')}`;
  }
  return [...new Set(values)];
}

/**
 * The audience of a token from a grant: the requested resources, which must be among the
 * authorized ones when the authorization named any (otherwise all authorized ones).
 * Returns the `invalid_target` description when a requested one was not authorized.
 *
 * @example
 * ```ts
 * tokenAudience(['http://127.0.0.1:8787/1.1/'], []); // ['http://127.0.0.1:8787/1.1/']
 * ```
 */
export function tokenAudience(authorized: string[], requested: string[]): string[] | string {
  if (requested.length === 0) return authorized;
  if (authorized.length > 0 && requested.some((r) => !authorized.includes(r))) return 'the resource was not part of the authorization';
  return requested;
}

/**
 * Whether a token with this audience may be used on this URL: no audience, or an audience that
 * is the URL's resource (a prefix ending at a path boundary).
 *
 * @example
 * ```ts
 * audienceCovers(['http://127.0.0.1:8787/1.1/'], 'http://127.0.0.1:8787/1.1/statuses/user_timeline.json'); // true
 * audienceCovers(['http://127.0.0.1:8787/2/'], 'http://127.0.0.1:8787/1.1/statuses/user_timeline.json'); // false
 * ```
 */
export function audienceCovers(audience: string[] | undefined, url: string): boolean {
  if (!audience || audience.length === 0) return true;
  return audience.some((aud) => url === aud || url.startsWith(aud.endsWith('/') ? aud : `${aud}/`));
}
