import type { ServerResponse } from 'node:http';
import { sendJson } from './http-util.js';

// Pagination as the emulated APIs document it, kept apart from the routes that use it:
//   - X API v2: an opaque `pagination_token` (or `next_token` on search), `meta.next_token` in the
//     answer while there are more results, and X's invalid-request problem for a token it never issued.
//   - X API v1.1 cursoring: `cursor=-1` starts, `next_cursor`/`next_cursor_str` (64-bit) continue, 0 ends.
//   - Mastodon: `max_id`/`min_id`/`since_id` over ids, and RFC 8288 `Link` headers naming the next and
//     previous pages (present while the page holds any status).

const TOKEN_PREFIX = '7140dibdnow9';

/**
 * The opaque X v2 pagination token for a page starting at `offset`.
 *
 * @example
 * ```ts
 * v2PageToken(5); // '7140dibdnow95'
 * ```
 */
export function v2PageToken(offset: number): string {
  return TOKEN_PREFIX + offset.toString(36);
}

/**
 * The offset an X v2 pagination token names: 0 without one, `undefined` for a token never issued.
 *
 * @example
 * ```ts
 * v2PageOffset(null); // 0
 * ```
 */
export function v2PageOffset(token: string | null): number | undefined {
  if (token === null) return 0;
  if (!token.startsWith(TOKEN_PREFIX) || !/^[0-9a-z]{1,8}$/.test(token.slice(TOKEN_PREFIX.length))) return undefined;
  return parseInt(token.slice(TOKEN_PREFIX.length), 36);
}

/**
 * Answers X v2's 400 problem for a query parameter it refuses (`max_results`, `pagination_token`).
 *
 * @example
 * ```ts
 * return v2InvalidParameter(res, 'max_results', '3', 'is not between 5 and 100');
 * ```
 */
export function v2InvalidParameter(
  res: ServerResponse,
  name: string,
  value: string,
  why: string,
  headers: Record<string, string> = {},
): void {
  sendJson(
    res,
    400,
    {
      errors: [{ parameters: { [name]: [value] }, message: `The \`${name}\` query parameter value [${value}] ${why}` }],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.twitter.com/2/problems/invalid-request',
    },
    headers,
  );
}

/**
 * One X v2 page of `items`: the slice the token names and the `meta.next_token` of the rest.
 * `undefined` when the token is not one this server issued.
 *
 * @example
 * ```ts
 * const page = v2Page(tweets, req.url.searchParams.get('pagination_token'), 5);
 * ```
 */
export function v2Page<T>(
  items: readonly T[],
  token: string | null,
  max: number,
): { items: T[]; nextToken?: string; previousToken?: string } | undefined {
  const offset = v2PageOffset(token);
  if (offset === undefined || offset > items.length) return undefined;
  const end = offset + max;
  return {
    items: items.slice(offset, end),
    ...(end < items.length ? { nextToken: v2PageToken(end) } : {}),
    ...(offset > 0 ? { previousToken: v2PageToken(Math.max(0, offset - max)) } : {}),
  };
}

/** Where X v1.1 cursors start counting: real cursors are 64-bit numbers, larger than 2^53. */
const CURSOR_BASE = 1_374_004_777_531_007_833n;

/**
 * One X v1.1 cursored page of `items` (`cursor=-1` or none: the first), with the cursors of the
 * pages around it as bigints (written exactly by the bigint-preserving JSON writer) and strings.
 * `undefined` for a cursor this server never issued.
 *
 * @example
 * ```ts
 * v1CursorPage([1, 2, 3], '-1', 2); // { items: [1, 2], next_cursor_str: '1374004777531007835', ... }
 * ```
 */
export function v1CursorPage<T>(
  items: readonly T[],
  cursor: string | null,
  count: number,
): { items: T[]; next_cursor: bigint; next_cursor_str: string; previous_cursor: bigint; previous_cursor_str: string } | undefined {
  let offset = 0;
  if (cursor !== null && cursor !== '-1') {
    if (!/^\d{1,20}$/.test(cursor) || BigInt(cursor) < CURSOR_BASE) return undefined;
    offset = Number(BigInt(cursor) - CURSOR_BASE);
    if (offset > items.length) return undefined;
  }
  const end = offset + count;
  const next = end < items.length ? CURSOR_BASE + BigInt(end) : 0n;
  const previous = offset > 0 ? CURSOR_BASE + BigInt(Math.max(0, offset - count)) : 0n;
  return {
    items: items.slice(offset, end),
    next_cursor: next,
    next_cursor_str: next.toString(),
    previous_cursor: previous === 0n ? 0n : -previous,
    previous_cursor_str: (previous === 0n ? 0n : -previous).toString(),
  };
}

/**
 * Mastodon's id-range paging over statuses ordered newest first (ids as decimal strings):
 * `max_id` (older than), `since_id`/`min_id` (newer than), `limit`, and the `Link` header of the
 * answer (RFC 8288: `rel="next"` for older statuses, `rel="prev"` for newer), absent on an empty page.
 *
 * @example
 * ```ts
 * const { items, link } = mastodonPage([{ id: '3' }, { id: '2' }], (status) => status.id, new URL('http://127.0.0.1:8787/api/v1/accounts/1/statuses'), 20);
 * ```
 */
export function mastodonPage<T>(items: readonly T[], idOf: (item: T) => string, url: URL, limit: number): { items: T[]; link?: string } {
  const param = (name: string) => {
    const value = url.searchParams.get(name);
    return value !== null && /^\d{1,20}$/.test(value) ? BigInt(value) : undefined;
  };
  const maxId = param('max_id');
  const newerThan = param('min_id') ?? param('since_id');
  const page = items
    .filter((item) => (maxId === undefined || BigInt(idOf(item)) < maxId) && (newerThan === undefined || BigInt(idOf(item)) > newerThan))
    .slice(0, limit);
  if (page.length === 0) return { items: page };
  const at = (name: string, id: string) => {
    const target = new URL(url.pathname, url);
    target.searchParams.set('limit', String(limit));
    target.searchParams.set(name, id);
    return target.href;
  };
  return {
    items: page,
    link: `<${at('max_id', idOf(page[page.length - 1]!))}>; rel="next", <${at('min_id', idOf(page[0]!))}>; rel="prev"`,
  };
}
