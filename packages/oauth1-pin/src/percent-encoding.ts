const UNRESERVED_ONLY = /^[A-Za-z0-9\-._~]*$/;
/** What `encodeURIComponent` leaves alone but RFC 3986 2.3 does not count as unreserved. */
const SUB_DELIMS_LEFT = /[!'()*]/g;

/**
 * Percent-encodes a string the way RFC 5849 3.6 asks: the string is UTF-8 encoded, every byte
 * outside RFC 3986's unreserved set (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` with upper-case hex.
 * Unlike `encodeURIComponent`, `!*'()` are encoded too, and a space is `%20` (never `+`).
 * A lone UTF-16 surrogate is encoded as U+FFFD, as `URLSearchParams` and `fetch` send it.
 *
 * @example
 * ```ts
 * percentEncode("Ladies + Gentlemen!"); // 'Ladies%20%2B%20Gentlemen%21'
 * percentEncode('café ☕');             // 'caf%C3%A9%20%E2%98%95'
 * ```
 */
export function percentEncode(value: string): string {
  if (UNRESERVED_ONLY.test(value)) return value;
  // encodeURIComponent already writes UTF-8 as upper-case %XX and keeps exactly the unreserved set
  // plus !'()*, which RFC 3986 wants encoded too.
  return encodeURIComponent(value.toWellFormed()).replace(SUB_DELIMS_LEFT, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Replaces lone UTF-16 surrogates with U+FFFD: what a string becomes once it has been sent as
 * UTF-8 and read back, so the signature covers exactly what the server receives.
 *
 * @example
 * ```ts
 * wellFormed('a\uD800b'); // 'a\uFFFDb'
 * ```
 */
export function wellFormed(value: string): string {
  return value.toWellFormed();
}
