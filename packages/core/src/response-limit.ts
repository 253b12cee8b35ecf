import { TokensmithError, type ErrorOperation } from './errors.js';
import { discardBody, requestUrl } from './fetch-input.js';

/** The cap on an authorization server's response body: 64 KiB (tokens, metadata, OAuth errors). */
export const MAX_AUTH_RESPONSE_BYTES = 64 * 1024;

/** The default cap on a resource's response body (an API answer such as a timeline): 4 MiB. */
export const DEFAULT_MAX_RESOURCE_BYTES = 4 * 1024 * 1024;

/**
 * How {@link readBodyText} and {@link readBodyBytes} bound one body.
 *
 * @example
 * ```ts
 * const limit: BodyLimit = { what: 'timeline response', maxBytes: DEFAULT_MAX_RESOURCE_BYTES, code: 'response_too_large' };
 * ```
 */
export interface BodyLimit {
  /** Names the response in the error, e.g. `token response` (never a URL with secrets). */
  what: string;
  /** Decompressed bytes read at most. Default {@link MAX_AUTH_RESPONSE_BYTES}. */
  maxBytes?: number;
  /** The error code past the cap: `invalid_token_response` (the default, for auth responses) or `response_too_large` (resources). */
  code?: 'invalid_token_response' | 'response_too_large';
  /** The step whose response this is, carried by the error past the cap. */
  operation?: ErrorOperation;
  /** The URL that answered, carried by the error past the cap (origin and path only). */
  endpoint?: string | URL;
}

function tooLarge(limit: BodyLimit, status: number, maxBytes: number): TokensmithError {
  return new TokensmithError(
    limit.code ?? 'invalid_token_response',
    `${limit.what} (HTTP ${status}) is larger than ${maxBytes} bytes; nothing past the limit was read`,
    { operation: limit.operation, endpoint: limit.endpoint, status },
  );
}

/** Refuses, without reading, a body whose declared size is over the cap. */
async function refuseDeclaredOversize(response: Response, limit: BodyLimit, maxBytes: number): Promise<void> {
  const encoding = (response.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  // Content-Length counts the bytes on the wire: only without a content coding is it the body's size.
  if ((encoding === 'identity' || encoding === '') && declared > maxBytes) {
    await discardBody(response);
    throw tooLarge(limit, response.status, maxBytes);
  }
}

/**
 * Reads a response body as bytes and stops at the cap: a `Content-Length` over it is refused
 * before reading, and a body that streams past it (chunked, or decompressed by `fetch` from a
 * gzip bomb: what the reader yields is what is counted) is cancelled at once, which closes the
 * connection, so at most the cap plus one chunk is ever held. Errors of the stream itself (a
 * timeout, a reset) are rethrown as they are, for `toTransportError` to name.
 *
 * @example
 * ```ts
 * const bytes = await readBodyBytes(response, { what: 'image', maxBytes: 1024 * 1024, code: 'response_too_large' });
 * ```
 */
export async function readBodyBytes(response: Response, limit: BodyLimit): Promise<Uint8Array> {
  const maxBytes = limit.maxBytes ?? MAX_AUTH_RESPONSE_BYTES;
  await refuseDeclaredOversize(response, limit, maxBytes);
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Cancelling a fetch body aborts its connection: the rest is never received or inflated.
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit, response.status, maxBytes);
    }
    chunks.push(value);
  }
  return concatBytes(chunks, total);
}

/** The chunks of a body, in order, as one array of `total` bytes. */
function concatBytes(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * {@link readBodyBytes}, decoded as UTF-8 the way `response.text()` decodes (a BOM dropped,
 * invalid sequences replaced). Use it instead of `response.text()` for every remote body.
 *
 * @example
 * ```ts
 * const text = await readBodyText(response, { what: 'token response' }); // 64 KiB, invalid_token_response
 * const page = await readBodyText(res, { what: 'timeline response', maxBytes: DEFAULT_MAX_RESOURCE_BYTES, code: 'response_too_large' });
 * ```
 */
export async function readBodyText(response: Response, limit: BodyLimit): Promise<string> {
  return new TextDecoder().decode(await readBodyBytes(response, limit));
}

/**
 * Wraps `fetch` so no response body larger than `maxBytes` is read: a larger `Content-Length` is
 * refused at once, and a body that streams past the cap fails with `invalid_token_response` (the
 * stream is cancelled, closing the connection). For authorization-server calls made by a library
 * that reads bodies itself (openid-client); code that reads a body should call {@link readBodyText}.
 *
 * @example
 * ```ts
 * const capped = limitResponseBody(fetch, MAX_AUTH_RESPONSE_BYTES);
 * await (await capped('https://auth.example.com/token', { method: 'POST', body })).json();
 * ```
 */
export function limitResponseBody(baseFetch: typeof fetch, maxBytes = MAX_AUTH_RESPONSE_BYTES): typeof fetch {
  const limited = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await baseFetch(input, init);
    const what = `response from ${new URL(requestUrl(input)).host}`;
    await refuseDeclaredOversize(response, { what }, maxBytes);
    if (!response.body) return response;
    let seen = 0;
    const capped = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          if (seen > maxBytes) controller.error(tooLarge({ what }, response.status, maxBytes));
          else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(capped, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return limited;
}
