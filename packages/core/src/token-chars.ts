import { TokensmithError } from './errors.js';

/**
 * RFC 6749 Appendix A's VSCHAR: one or more printable ASCII characters (%x20-7E). `client_id`,
 * `client_secret`, scopes' characters and OAuth 1.0a tokens are VSCHAR.
 *
 * @example
 * ```ts
 * VSCHAR.test('xvz1evFS4wEEPTGEFPHBog'); // true
 * VSCHAR.test('line\nbreak'); // false
 * ```
 */
export const VSCHAR = /^[\x20-\x7E]+$/;

/**
 * A token that can travel in an HTTP header: visible ASCII (%x21-7E), so VSCHAR without the
 * space, never CR, LF or any control character. RFC 6750's b64token (`[A-Za-z0-9\-._~+/]+=*`)
 * is stricter, but real providers issue bearer tokens outside it (Twitter's app-only tokens
 * contain `%`), so this is the rule tokensmith holds access and refresh tokens to.
 *
 * @example
 * ```ts
 * HEADER_SAFE_TOKEN.test('AAAA%2FAAA%3DAAAA'); // true
 * HEADER_SAFE_TOKEN.test('abc\r\nX-Injected: 1'); // false
 * ```
 */
export const HEADER_SAFE_TOKEN = /^[\x21-\x7E]+$/;

/**
 * RFC 6750 2.1's b64token, for callers that want the strict form.
 *
 * @example
 * ```ts
 * B64TOKEN.test('mF_9.B5f-4.1JqM'); // true
 * ```
 */
export const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Whether `value` is a non-empty VSCHAR string (RFC 6749 Appendix A).
 *
 * @example
 * ```ts
 * isVschar('s3cr3t'); // true
 * isVschar('é'); // false
 * ```
 */
export function isVschar(value: unknown): value is string {
  return typeof value === 'string' && VSCHAR.test(value);
}

/**
 * Throws `invalid_options` naming `field` (never the value, which may be a secret) unless the
 * option is VSCHAR. Call it after `requireString`.
 *
 * @example
 * ```ts
 * const clientSecret = requireVschar(requireString(options, 'clientSecret'), 'clientSecret');
 * ```
 */
export function requireVschar(value: string, field: string): string {
  if (!isVschar(value))
    throw new TokensmithError(
      'invalid_options',
      `${field} must be printable ASCII (RFC 6749 Appendix A VSCHAR: no control characters, no non-ASCII)`,
    );
  return value;
}
