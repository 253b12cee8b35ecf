// Request headers as a plain record, built without the global `Headers`: in Node the first touch of
// `Headers` (or `Request`, `Response`, `fetch`) loads undici, ~30 ms of CPU and ~10 MiB at a CLI's
// start-up, which a request sent over node:http never needs. Every fetch accepts a record.

/** HTTP whitespace, which `Headers` strips from both ends of a value (Fetch standard, "normalize"). */
const HTTP_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;
/** What `Headers` refuses in a value once normalised: NUL, CR, LF, or a code point above U+00FF (not a ByteString). */
const INVALID_VALUE = /[\0\r\n]|[^\0-\xff]/;

/**
 * A header value as `Headers` would store it: trimmed of HTTP whitespace.
 *
 * @example
 * ```ts
 * normalizeHeaderValue(' Bearer abc\t'); // 'Bearer abc'
 * ```
 */
export function normalizeHeaderValue(value: string): string {
  return value.replace(HTTP_WHITESPACE, '');
}

/**
 * Whether `Headers.set` would accept the (normalised) value.
 *
 * @example
 * ```ts
 * isValidHeaderValue('Bearer abc'); // true
 * isValidHeaderValue('Bearer abc\r\nX-Injected: 1'); // false
 * ```
 */
export function isValidHeaderValue(value: string): boolean {
  return !INVALID_VALUE.test(value);
}

/**
 * The headers of `init` as a record with lower-case names, in the order given, values normalised and
 * repeated names joined with `, ` (as `Headers` combines them). Accepts every `HeadersInit` form: a
 * `Headers` (or any object with `forEach`), an array of pairs, or a record.
 *
 * @example
 * ```ts
 * headerRecord([['Accept', 'a/b'], ['accept', 'c/d']]); // { accept: 'a/b, c/d' }
 * ```
 */
export function headerRecord(init: HeadersInit | undefined): Record<string, string> {
  // No prototype: a header named __proto__ or constructor is a key like any other.
  const record = Object.create(null) as Record<string, string>;
  const append = (name: string, value: string) => {
    const key = String(name).toLowerCase();
    const normalized = normalizeHeaderValue(String(value));
    record[key] = Object.hasOwn(record, key) ? `${record[key]}, ${normalized}` : normalized;
  };
  if (init === undefined || init === null) return record;
  if (Array.isArray(init)) for (const [name, value] of init) append(name, value);
  else if (typeof (init as Headers).forEach === 'function') (init as Headers).forEach((value, name) => append(name, value));
  else for (const [name, value] of Object.entries(init as Record<string, string>)) append(name, value);
  return record;
}
