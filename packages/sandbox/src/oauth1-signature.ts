import { createHmac } from 'node:crypto';
import { secretEquals } from './oauth2-app.js';

// RFC 5849 3.4.1 / 3.5.1 / 3.6 (signature base string, Authorization header, percent-encoding)
// and HMAC-SHA1 verification, implemented independently: they share no code with any client
// package, so a client bug cannot be mirrored here and pass unnoticed.

const UNRESERVED = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~'.split('').map((c) => c.charCodeAt(0)));

/**
 * RFC 5849 3.6: UTF-8, then every byte outside the unreserved set as `%XX` (upper-case hex).
 *
 * @example
 * ```ts
 * rfc3986Encode('café ☕!'); // 'caf%C3%A9%20%E2%98%95%21'
 * ```
 */
export function rfc3986Encode(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  const out: string[] = [];
  for (const byte of bytes)
    out.push(UNRESERVED.has(byte) ? String.fromCharCode(byte) : `%${byte < 16 ? '0' : ''}${byte.toString(16).toUpperCase()}`);
  return out.join('');
}

/** Percent-decodes to UTF-8 (`%XX` with two hex digits become bytes; anything else stays as is). */
function percentDecode(text: string): string {
  const input = Buffer.from(text, 'utf8');
  const out = Buffer.alloc(input.length);
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i]!;
    if (byte === 0x25 && i + 2 < input.length && isHex(input[i + 1]) && isHex(input[i + 2])) {
      out[n++] = parseInt(String.fromCharCode(input[i + 1]!, input[i + 2]!), 16);
      i += 2;
    } else out[n++] = byte;
  }
  return out.subarray(0, n).toString('utf8');
}

function isHex(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66));
}

/**
 * Parses `application/x-www-form-urlencoded` text into decoded pairs, duplicates kept (`+` is a space).
 *
 * @example
 * ```ts
 * parseFormPairs('a=1&a=2&b'); // [['a', '1'], ['a', '2'], ['b', '']]
 * ```
 */
export function parseFormPairs(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const piece of text.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const name = eq < 0 ? piece : piece.slice(0, eq);
    const value = eq < 0 ? '' : piece.slice(eq + 1);
    pairs.push([percentDecode(name.replace(/\+/g, ' ')), percentDecode(value.replace(/\+/g, ' '))]);
  }
  return pairs;
}

/**
 * Splits an absolute URL into the RFC 5849 3.4.1.2 base string URI and its raw query.
 *
 * @example
 * ```ts
 * splitUrl('HTTP://Example.COM:80/r?b=1'); // { baseUri: 'http://example.com/r', query: 'b=1' }
 * ```
 */
export function splitUrl(url: string): { baseUri: string; query: string } | undefined {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#.*)?$/.exec(url);
  if (!match) return undefined;
  const scheme = match[1]!.toLowerCase();
  const authority = match[2]!.slice(match[2]!.lastIndexOf('@') + 1);
  const hostPort = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(authority);
  if (!hostPort?.[1]) return undefined;
  const host = hostPort[1].toLowerCase();
  const port = hostPort[2] ?? '';
  const isDefault = port === '' || (scheme === 'http' && port === '80') || (scheme === 'https' && port === '443');
  return { baseUri: `${scheme}://${host}${isDefault ? '' : `:${port}`}${match[3] || '/'}`, query: match[4] ?? '' };
}

/**
 * Parses an `Authorization: OAuth ...` header (RFC 5849 3.5.1): quoted, percent-encoded values,
 * comma-separated. Returns undefined when it is not OAuth, malformed, or repeats a parameter.
 *
 * @example
 * ```ts
 * parseOAuthHeader('OAuth oauth_nonce="n", oauth_token="t"')?.get('oauth_token'); // 't'
 * ```
 */
export function parseOAuthHeader(header: string | undefined): Map<string, string> | undefined {
  const match = /^\s*OAuth\s+([\s\S]*)$/i.exec(header ?? '');
  if (!match) return undefined;
  const params = new Map<string, string>();
  const item = /\s*([A-Za-z0-9_.~%-]+)\s*=\s*"([^"]*)"\s*(,|$)/y;
  const text = match[1]!.trimEnd();
  let last = '';
  while (item.lastIndex < text.length) {
    const start = item.lastIndex;
    const found = item.exec(text);
    if (!found) return undefined;
    const name = percentDecode(found[1]!);
    if (params.has(name)) return undefined;
    params.set(name, percentDecode(found[2]!));
    last = found[3]!;
    if (item.lastIndex === start) return undefined;
  }
  if (params.size === 0 || last === ',') return undefined;
  return params;
}

/**
 * The RFC 5849 3.4.1 signature base string of a request: query and form-body parameters plus the
 * protocol parameters (less `realm` and `oauth_signature`), encoded, sorted, joined.
 *
 * @example
 * ```ts
 * oauth1BaseString({ method: 'GET', url: 'http://photos.example.net/photos?size=original', protocolParams: params });
 * ```
 */
export function oauth1BaseString(request: {
  method: string;
  url: string;
  formBody?: string | undefined;
  protocolParams: Map<string, string> | Record<string, string>;
}): string {
  const parts = splitUrl(request.url);
  if (!parts) throw new Error('not an absolute URL');
  const protocol = request.protocolParams instanceof Map ? [...request.protocolParams] : Object.entries(request.protocolParams);
  const pairs = [
    ...parseFormPairs(parts.query),
    ...(request.formBody === undefined ? [] : parseFormPairs(request.formBody)),
    ...protocol.filter(([name]) => name !== 'realm' && name !== 'oauth_signature'),
  ]
    .map(([name, value]) => [rfc3986Encode(name), rfc3986Encode(value)] as const)
    .sort(([an, av], [bn, bv]) => (an !== bn ? (an < bn ? -1 : 1) : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`);
  return [request.method.toUpperCase(), rfc3986Encode(parts.baseUri), rfc3986Encode(pairs.join('&'))].join('&');
}

/**
 * HMAC-SHA1 over the base string with `encode(consumerSecret)&encode(tokenSecret)`, base64 (RFC 5849 3.4.2).
 *
 * @example
 * ```ts
 * oauth1HmacSha1(baseString, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00'); // 'MdpQcU8iPSUjWoN/UDMsK2sui9I=' (RFC 5849 1.2)
 * ```
 */
export function oauth1HmacSha1(baseString: string, consumerSecret: string, tokenSecret = ''): string {
  return createHmac('sha1', `${rfc3986Encode(consumerSecret)}&${rfc3986Encode(tokenSecret)}`)
    .update(baseString, 'utf8')
    .digest('base64');
}

/**
 * Verifies an HMAC-SHA1 signed request exactly: the `Authorization` header's `oauth_signature`
 * must equal the signature of the request's base string (constant-time compare).
 *
 * @example
 * ```ts
 * verifyOAuth1Signature({ method: 'GET', url: url.href, authorization: req.headers.authorization, consumerSecret, tokenSecret }); // true or false
 * ```
 */
export function verifyOAuth1Signature(request: {
  method: string;
  url: string;
  formBody?: string | undefined;
  authorization: string | undefined;
  consumerSecret: string;
  tokenSecret?: string;
}): boolean {
  const params = parseOAuthHeader(request.authorization);
  const given = params?.get('oauth_signature');
  if (!params || given === undefined || params.get('oauth_signature_method') !== 'HMAC-SHA1') return false;
  let expected: string;
  try {
    expected = oauth1HmacSha1(
      oauth1BaseString({ method: request.method, url: request.url, formBody: request.formBody, protocolParams: params }),
      request.consumerSecret,
      request.tokenSecret ?? '',
    );
  } catch {
    return false;
  }
  return secretEquals(given, expected);
}
