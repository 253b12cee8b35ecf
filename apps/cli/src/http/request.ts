import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { headerRecord, isValidHeaderValue } from '@tokensmith/core/kit';
import type { PlainRequest } from './fallback.js';

// Sending a plain request over node:http(s) as fetch would: the header checks of `Headers` (nothing
// is sent when a name or value is invalid), fetch's default headers, and its errors (`TypeError:
// fetch failed` with the socket error as `cause`, or the signal's reason once it aborted).

/** A header name is an HTTP token (RFC 9110 5.6.2). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The headers undici's fetch adds when the caller does not set them. */
const FETCH_DEFAULTS: Readonly<Record<string, string>> = {
  accept: '*/*',
  'accept-language': '*',
  'sec-fetch-mode': 'cors',
  'user-agent': 'node',
  'accept-encoding': 'gzip, deflate',
};

/** The caller's headers, checked as `Headers` checks them, over fetch's defaults and the body's type and length. */
export function requestHeaders(init: RequestInit, { body, contentType }: PlainRequest): Record<string, string> {
  const headers = headerRecord(init.headers);
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) throw new TypeError(`Headers.append: "${name}" is an invalid header name.`);
    if (!isValidHeaderValue(value)) throw new TypeError(`Headers.append: the value of the ${name} header is invalid.`);
  }
  const defaults: Record<string, string> = { ...FETCH_DEFAULTS };
  if (contentType) defaults['content-type'] = contentType;
  const sent: Record<string, string> = { ...defaults, ...headers };
  if (body) sent['content-length'] = String(body.byteLength);
  return sent;
}

/** Sends the request and resolves with the response head (its body not read yet). */
export async function sendRequest(
  { url, body }: PlainRequest,
  method: string,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? (await import('node:https')).request : httpRequest;
  const options: RequestOptions = { method, headers, ...(signal ? { signal } : {}) };
  return new Promise<IncomingMessage>((resolve, reject) => {
    const request = send(url, options, resolve);
    request.once('error', (error) => reject(signal?.aborted ? (signal.reason as Error) : new TypeError('fetch failed', { cause: error })));
    request.end(body);
  });
}
