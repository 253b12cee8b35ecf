// A fetch for the CLI's own requests (the timeline call through createAuthenticatedFetch) over
// node:http and node:https. Node's built-in fetch is undici: its first use costs ~30 ms of CPU
// and, with its llhttp WebAssembly, ~35 MiB of peak memory, which is most of what a stored-token
// `tokensmith timeline` would spend. This client covers the requests that call makes (string or
// URL input, `redirect: 'manual'`, a string/URLSearchParams/bytes body) and hands every other
// request to the global fetch unchanged, so a caller never sees a difference in what it may pass.
//
// What it keeps of fetch: the Response shape (status, statusText, ok, headers.get, a web
// ReadableStream body, text/json/arrayBuffer, clone), gzip/deflate/br decoding, the signal (the
// request and the body reading stop with `signal.reason`), `TypeError: fetch failed` with the
// socket error as `cause` (what isRetryableNetworkError and toTransportError read), and the
// header checks of `Headers` (a value with CR/LF/NUL is a TypeError, nothing is sent).
//
// The parts: node-http-fallback (which requests it sends), node-http-request (headers, sending),
// node-http-body (decoding, the web stream) and node-http-response (Response and its headers).
import { decodedBody, webStream } from './body.js';
import { plainRequest, type FetchInput } from './fallback.js';
import { requestHeaders, sendRequest } from './request.js';
import { NodeResponse, ResponseHeaders } from './response.js';

/** Statuses whose response has no body (Fetch standard, "null body status"). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * A `fetch` for the CLI's own requests: node:http(s) for the plain ones (see the file comment),
 * the global fetch for the rest.
 */
export const nodeHttpFetch = async (input: FetchInput, init: RequestInit = {}): Promise<Response> => {
  const plain = plainRequest(input, init);
  if (!plain) return globalThis.fetch(input, init);
  const signal = init.signal ?? undefined;
  signal?.throwIfAborted();
  const headers = requestHeaders(init, plain);
  const method = (init.method ?? 'GET').toUpperCase();
  const response = await sendRequest(plain, method, headers, signal);
  const status = response.statusCode ?? 0;
  const noBody = NULL_BODY_STATUSES.has(status) || method === 'HEAD';
  if (noBody) response.resume();
  const stream = noBody ? null : webStream(await decodedBody(response), signal);
  return new NodeResponse(
    stream,
    status,
    response.statusMessage ?? '',
    new ResponseHeaders(response.rawHeaders),
    plain.url.href,
  ) as unknown as Response;
};
