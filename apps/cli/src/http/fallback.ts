// Which requests the CLI's node:http fetch sends itself: the plain ones the timeline call makes.
// Everything else goes to the global fetch unchanged, so a caller never sees a difference in what
// it may pass (a Request object, redirects followed, credentials in the URL, a stream or FormData).

/** What `fetch` accepts as its first argument. */
export type FetchInput = string | URL | Request;

/** The parts of a request node:http sends as they are. */
export interface PlainRequest {
  url: URL;
  /** The body as bytes, undefined for none. */
  body: Uint8Array | undefined;
  /** The content type fetch gives that body when the caller sets none. */
  contentType: string | undefined;
}

/**
 * The request parts node:http can send itself (string or URL input, `redirect: 'manual'`, an
 * http(s) URL without credentials, a string, URLSearchParams or bytes body); undefined when the
 * global fetch must take the request.
 */
export function plainRequest(input: FetchInput, init: RequestInit): PlainRequest | undefined {
  if (typeof input !== 'string' && !(input instanceof URL)) return undefined;
  if (init.redirect !== 'manual') return undefined;
  const url = new URL(input);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password) return undefined;
  const body = init.body;
  if (body === undefined || body === null) return { url, body: undefined, contentType: undefined };
  if (typeof body === 'string') return { url, body: new TextEncoder().encode(body), contentType: 'text/plain;charset=UTF-8' };
  if (body instanceof URLSearchParams)
    return { url, body: new TextEncoder().encode(body.toString()), contentType: 'application/x-www-form-urlencoded;charset=UTF-8' };
  if (body instanceof Uint8Array) return { url, body, contentType: undefined };
  return undefined;
}
