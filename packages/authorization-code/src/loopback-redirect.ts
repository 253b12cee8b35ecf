import { TokensmithError } from '@tokensmith/core/kit';

// The redirect URI a loopback listener can serve (RFC 8252 7.3): http, the IP literal 127.0.0.1
// (not `localhost`: most servers register them as different URIs), a path, and a port or none.

/**
 * The only address the listener binds (RFC 8252 7.3: an IP literal, not `localhost`).
 *
 * @example
 * ```ts
 * const redirectUri = `http://${LOOPBACK_HOST}/callback`;
 * ```
 */
export const LOOPBACK_HOST = '127.0.0.1';

/**
 * Whether a redirect URI can be served by the loopback listener: `http://127.0.0.1[:port]/path`.
 *
 * @example
 * ```ts
 * isLoopbackRedirectUri(new URL('http://127.0.0.1/callback')); // true
 * isLoopbackRedirectUri(new URL('http://localhost:8080/callback')); // false (RFC 8252 8.3)
 * ```
 */
export function isLoopbackRedirectUri(uri: URL): boolean {
  return uri.protocol === 'http:' && uri.hostname === LOOPBACK_HOST;
}

/**
 * The configured redirect URI and the port to bind (0: an ephemeral one, when the URI has none);
 * throws `invalid_options` for a URI the listener cannot serve (not loopback http, a fragment, credentials).
 */
export function loopbackRedirect(redirectUri: string | URL): { configured: URL; port: number } {
  let configured: URL;
  try {
    configured = new URL(redirectUri);
  } catch {
    throw new TokensmithError('invalid_options', 'redirectUri must be an absolute URL');
  }
  if (!isLoopbackRedirectUri(configured) || configured.hash || configured.username || configured.password) {
    throw new TokensmithError(
      'invalid_options',
      `redirectUri must look like http://${LOOPBACK_HOST}[:port]/path to receive the callback on loopback (RFC 8252 7.3)`,
    );
  }
  return { configured, port: configured.port === '' ? 0 : Number(configured.port) };
}
