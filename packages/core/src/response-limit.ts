import { TokensmithError } from './errors.js';
import { discardBody, requestUrl } from './fetch-input.js';

/** The default cap on an authorization server's response body: 64 KiB (tokens, metadata, errors). */
export const MAX_AUTH_RESPONSE_BYTES = 64 * 1024;

function tooLarge(url: string, maxBytes: number): TokensmithError {
  return new TokensmithError('invalid_token_response', `response from ${new URL(url).host} is larger than ${maxBytes} bytes`);
}

/**
 * Wraps `fetch` so no response body larger than `maxBytes` is read: a larger `Content-Length` is
 * refused at once, and a body that streams past the cap fails with `invalid_token_response`.
 * For authorization-server calls, whose answers are small: a huge body is an attack or a fault.
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
    const url = requestUrl(input);
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > maxBytes) {
      await discardBody(response);
      throw tooLarge(url, maxBytes);
    }
    if (!response.body) return response;
    let seen = 0;
    const capped = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          if (seen > maxBytes) controller.error(tooLarge(url, maxBytes));
          else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(capped, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return limited as typeof fetch;
}
