import { TokensmithError } from '@tokensmith/core/kit';
import { percentEncode, wellFormed } from './percent-encoding.js';

/**
 * A form body whose parameters an OAuth 1.0a signature covers (`application/x-www-form-urlencoded`):
 * parsed params, the encoded string, or a plain record of decoded names and values.
 * JSON and binary bodies are never signed (RFC 5849 3.4.1.3.1).
 *
 * @example
 * ```ts
 * const body: FormBody = new URLSearchParams({ status: 'hi' }); // or 'status=hi', or { status: 'hi' }
 * ```
 */
export type FormBody = URLSearchParams | string | Record<string, string>;

/**
 * One decoded request parameter, `[name, value]`. Duplicate names are kept as separate pairs.
 *
 * @example
 * ```ts
 * const param: OAuth1Parameter = ['c@', ''];
 * ```
 */
export type OAuth1Parameter = [name: string, value: string];

const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function signatureError(message: string): TokensmithError {
  return new TokensmithError('signature_error', message);
}

function toUrl(url: string | URL): URL {
  if (url instanceof URL) return url;
  if (typeof url !== 'string') throw signatureError('request url must be a string or URL');
  try {
    return new URL(url);
  } catch {
    throw signatureError('request url must be an absolute URL');
  }
}

/**
 * The request method as it enters the signature base string (RFC 5849 3.4.1.1): an HTTP token,
 * upper-cased.
 *
 * @example
 * ```ts
 * normalizeMethod('post'); // 'POST'
 * ```
 */
export function normalizeMethod(method: string): string {
  if (typeof method !== 'string' || !HTTP_TOKEN.test(method))
    throw signatureError('request method must be an HTTP method token such as GET or POST');
  return method.toUpperCase();
}

/**
 * The base string URI of RFC 5849 3.4.1.2: scheme and host lower-cased, the default port
 * (80 for http, 443 for https) dropped, an empty path as `/`, no query and no fragment.
 *
 * @example
 * ```ts
 * baseStringUri('HTTP://Example.COM:80/r%20v/X?id=123'); // 'http://example.com/r%20v/X'
 * baseStringUri('https://www.example.net:8080/?q=1');   // 'https://www.example.net:8080/'
 * ```
 */
export function baseStringUri(url: string | URL): string {
  const parsed = toUrl(url);
  const scheme = parsed.protocol.toLowerCase();
  const host = parsed.hostname.toLowerCase();
  // WHATWG URL already leaves `port` empty for a scheme's default port (http 80, https 443).
  const port = parsed.port ? `:${parsed.port}` : '';
  return `${scheme}//${host}${port}${parsed.pathname || '/'}`;
}

/** Decodes an `application/x-www-form-urlencoded` string (`+` is a space; `%XX` are UTF-8 bytes). */
function parseForm(text: string): OAuth1Parameter[] {
  // URLSearchParams drops one leading "?", which a body (unlike a query) keeps: guard it with "&".
  return [...new URLSearchParams(text.startsWith('?') ? `&${text}` : text)];
}

function bodyParameters(body: FormBody | undefined): OAuth1Parameter[] {
  if (body === undefined || body === null) return [];
  if (body instanceof URLSearchParams) return [...body];
  if (typeof body === 'string') {
    const trimmed = body.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      let json = false;
      try {
        JSON.parse(trimmed);
        json = true;
      } catch {
        // Not JSON: a form body, signed as such.
      }
      if (json) throw signatureError('request body looks like JSON: OAuth 1.0a signs only form-encoded bodies, so pass no body for JSON');
    }
    return parseForm(body);
  }
  if (
    typeof body !== 'object' ||
    Array.isArray(body) ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    (typeof Blob !== 'undefined' && body instanceof Blob)
  ) {
    throw signatureError(
      'request body must be URLSearchParams, a form-encoded string or a record of strings (JSON and binary bodies are not signed)',
    );
  }
  const out: OAuth1Parameter[] = [];
  for (const [name, value] of Object.entries(body)) {
    if (typeof value !== 'string') throw signatureError('every value of a record body must be a string');
    out.push([name, value]);
  }
  return out;
}

/**
 * The request parameters RFC 5849 3.4.1.3.1 signs, decoded: the query component and a form body,
 * both parsed as `application/x-www-form-urlencoded` (so an encoded name such as `c%40` is decoded
 * once to `c@`), duplicates kept, in request order. OAuth protocol parameters are not added here.
 *
 * @example
 * ```ts
 * requestParameters({ url: 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b', body: 'c2&a3=2+q' });
 * // [['b5', '=%3D'], ['a3', 'a'], ['c@', ''], ['a2', 'r b'], ['c2', ''], ['a3', '2 q']]
 * ```
 */
export function requestParameters(request: { url: string | URL; body?: FormBody | undefined }): OAuth1Parameter[] {
  const url = toUrl(request.url);
  const params = [...parseForm(url.search.slice(1)), ...bodyParameters(request.body)];
  return params.map(([name, value]) => [wellFormed(name), wellFormed(value)]);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Normalises parameters per RFC 5849 3.4.1.3.2: each name and value percent-encoded, sorted by
 * encoded name then encoded value (byte order), joined as `name=value` with `&`. Duplicates stay.
 *
 * @example
 * ```ts
 * normalizeParameters([['a3', 'a'], ['a3', '2 q'], ['c@', '']]); // 'a3=2%20q&a3=a&c%40='
 * ```
 */
export function normalizeParameters(params: Iterable<readonly [string, string]>): string {
  return [...params]
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort((x, y) => compare(x[0], y[0]) || compare(x[1], y[1]))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/**
 * The protocol parameters (`oauth_*`) that enter the base string: all but `oauth_signature` and `realm`.
 */
function protocolParameters(oauthParams: Record<string, string>): OAuth1Parameter[] {
  return Object.entries(oauthParams).filter(([name]) => name !== 'oauth_signature' && name !== 'realm');
}

/**
 * The signature base string of RFC 5849 3.4.1: `METHOD&encoded(base string URI)&encoded(normalised
 * parameters)`, where the parameters are the query, the form body and the `oauth_*` protocol
 * parameters (without `oauth_signature` and `realm`).
 *
 * @example
 * ```ts
 * signatureBaseString({
 *   method: 'GET',
 *   url: 'http://photos.example.net/photos?file=vacation.jpg&size=original',
 *   oauthParams: { oauth_consumer_key: 'dpf43f3p2l4k3l03', oauth_token: 'nnch734d00sl2jdk', oauth_signature_method: 'HMAC-SHA1', oauth_timestamp: '137131202', oauth_nonce: 'chapoH' },
 * });
 * // 'GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3D...'
 * ```
 */
export function signatureBaseString(request: {
  method: string;
  url: string | URL;
  body?: FormBody | undefined;
  oauthParams: Record<string, string>;
}): string {
  const params = [...requestParameters(request), ...protocolParameters(request.oauthParams)];
  return `${normalizeMethod(request.method)}&${percentEncode(baseStringUri(request.url))}&${percentEncode(normalizeParameters(params))}`;
}
