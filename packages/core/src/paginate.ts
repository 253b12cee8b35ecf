import { TokensmithError } from './errors.js';
import { DEFAULT_MAX_RESOURCE_BYTES, readBodyText } from './response-limit.js';

// Following an API's pages: the three schemes the APIs tokensmith serves use, each from its
// documentation, detected from the first page that says there is more.
//   - `link`: RFC 8288 `Link: <url>; rel="next"` (GitHub, Mastodon, GitLab).
//   - `x-v2`: X API v2 `meta.next_token`, sent back as `pagination_token`; the search endpoints
//     (`/2/tweets/search/recent|all`) take it as `next_token` instead.
//   - `x-v1-cursor`: X API v1.1 cursoring, `next_cursor_str` (or `next_cursor`) sent back as
//     `cursor`; `0` means the last page.
// A next page is fetched only on the first page's origin: the fetch given may add credentials,
// and a link to another host must not receive them.

/** A pagination scheme (see {@link paginate}). */
export type PaginationScheme = 'link' | 'x-v2' | 'x-v1-cursor';

/** Every scheme {@link paginate} knows, in the order auto-detection asks them. */
export const PAGINATION_SCHEMES: readonly PaginationScheme[] = ['link', 'x-v2', 'x-v1-cursor'];

/** The default number of pages {@link paginate} reads at most. */
export const DEFAULT_MAX_PAGES = 100;

/** The default number of body bytes (decompressed) {@link paginate} reads over all pages: 64 MiB. */
export const DEFAULT_MAX_TOTAL_BYTES = 64 * 1024 * 1024;

/**
 * One page of a paginated API answer.
 *
 * @example
 * ```ts
 * for await (const page of paginate(fetch, 'https://api.example.com/items')) console.log(page.status, page.text.length);
 * ```
 */
export interface Page {
  /** 0 for the first page. */
  index: number;
  /** The URL this page was fetched from. */
  url: string;
  status: number;
  headers: Headers;
  /** The body as text (UTF-8), read within the caps. */
  text: string;
  /** The body parsed as JSON, or `undefined` when it is not JSON. */
  json: unknown;
  /** The scheme that found the next page (the given one, or the one detected so far). */
  scheme: PaginationScheme | undefined;
  /**
   * The next page's URL, or `undefined` on the last page. When {@link PaginateOptions.maxPages}
   * stops the iteration, the last page yielded still names the page that was not read.
   */
  next: string | undefined;
}

/**
 * How {@link paginate} fetches and bounds the pages.
 *
 * @example
 * ```ts
 * const options: PaginateOptions = { scheme: 'x-v2', maxPages: 10, init: { headers: { accept: 'application/json' } } };
 * ```
 */
export interface PaginateOptions {
  /** The scheme; detected from the first page that has a next page when not given. */
  scheme?: PaginationScheme;
  /** Pages read at most (default {@link DEFAULT_MAX_PAGES}). */
  maxPages?: number;
  /** Body bytes read at most over all pages (default {@link DEFAULT_MAX_TOTAL_BYTES}). */
  maxTotalBytes?: number;
  /** Body bytes read at most from one page (default 4 MiB, `DEFAULT_MAX_RESOURCE_BYTES`). */
  maxPageBytes?: number;
  /** Method and headers for every request (a body is not allowed: pages are read with GET). */
  init?: Omit<RequestInit, 'body' | 'method'>;
  /** Cancels the iteration and the request under way. */
  signal?: AbortSignal;
}

/** What paginate needs of a fetch: `globalThis.fetch`, `createAuthenticatedFetch`'s, or one that signs OAuth 1.0a. */
export type PageFetch = (url: string, init?: RequestInit) => Promise<Response>;

/**
 * Reads an API's pages one after another, as an async iterator: each page is yielded as soon as it
 * is read, so memory stays flat however many pages there are. It stops after the last page, after
 * `maxPages`, and after a page whose status is not 2xx (that page is yielded, for the caller to
 * report). It throws `response_too_large` past a byte cap, and `http_error` when a next-page link
 * leaves the first page's origin or a page repeats (a server that loops).
 *
 * @example
 * ```ts
 * const fetchWithToken = createAuthenticatedFetch(provider);
 * for await (const page of paginate(fetchWithToken, 'https://api.x.com/2/users/123/tweets?max_results=100')) {
 *   for (const tweet of (page.json as { data?: unknown[] }).data ?? []) console.log(tweet);
 * }
 * ```
 */
export async function* paginate(fetch: PageFetch, url: string | URL, options: PaginateOptions = {}): AsyncGenerator<Page, void, undefined> {
  const maxPages = positiveInteger(options.maxPages ?? DEFAULT_MAX_PAGES, 'maxPages');
  const maxTotalBytes = positiveInteger(options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES, 'maxTotalBytes');
  const maxPageBytes = positiveInteger(options.maxPageBytes ?? DEFAULT_MAX_RESOURCE_BYTES, 'maxPageBytes');
  const first = new URL(url);
  const seen = new Set<string>();
  let scheme = options.scheme;
  let current: string | undefined = first.href;
  let totalBytes = 0;
  for (let index = 0; current !== undefined && index < maxPages; index++) {
    seen.add(current);
    const response = await fetch(current, { ...options.init, method: 'GET', ...(options.signal ? { signal: options.signal } : {}) });
    const remaining = maxTotalBytes - totalBytes;
    const text = await readBodyText(response, {
      what:
        remaining < maxPageBytes
          ? `page ${index + 1} (with the pages before it, over the ${maxTotalBytes}-byte total)`
          : `page ${index + 1}`,
      maxBytes: Math.min(maxPageBytes, remaining),
      code: 'response_too_large',
    });
    totalBytes += Buffer.byteLength(text, 'utf8');
    const json = parseJson(text);
    let next: string | undefined;
    if (response.status >= 200 && response.status < 300) {
      scheme ??= detectScheme(response.headers, json);
      next = scheme === undefined ? undefined : nextPageUrl(scheme, current, response.headers, json, text);
    }
    if (next !== undefined) {
      if (new URL(next).origin !== first.origin) {
        throw new TokensmithError(
          'http_error',
          `the next page's link leaves ${first.origin} (it points to ${new URL(next).origin}); it was not followed, so no credentials were sent there`,
        );
      }
      if (seen.has(next))
        throw new TokensmithError('http_error', `page ${index + 2} is a page already read: the server's pagination loops`);
    }
    yield { index, url: current, status: response.status, headers: response.headers, text, json, scheme, next };
    current = next;
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new TokensmithError('invalid_options', `${name} must be a whole number >= 1`);
  return value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The scheme a page says it uses, by what it carries: a `Link` header with `rel="next"`, X v2's
 * `meta` object, or X v1.1's `next_cursor`. `undefined` when the page names none (one page only).
 *
 * @example
 * ```ts
 * detectScheme(new Headers(), { data: [], meta: { next_token: 'b26v89c19zqg8o3f' } }); // 'x-v2'
 * ```
 */
export function detectScheme(headers: Headers, json: unknown): PaginationScheme | undefined {
  if (nextLink(headers.get('link')) !== undefined) return 'link';
  if (isRecord(json) && isRecord(json.meta) && ('next_token' in json.meta || 'result_count' in json.meta)) return 'x-v2';
  if (isRecord(json) && ('next_cursor_str' in json || 'next_cursor' in json)) return 'x-v1-cursor';
  return undefined;
}

/**
 * The URL of the page after `url` under `scheme`, or `undefined` on the last page.
 *
 * @example
 * ```ts
 * nextPageUrl('x-v1-cursor', 'https://api.x.com/1.1/followers/ids.json', new Headers(), { next_cursor_str: '0' }, ''); // undefined
 * ```
 */
export function nextPageUrl(scheme: PaginationScheme, url: string, headers: Headers, json: unknown, text: string): string | undefined {
  switch (scheme) {
    case 'link': {
      const link = nextLink(headers.get('link'));
      return link === undefined || !URL.canParse(link, url) ? undefined : new URL(link, url).href;
    }
    case 'x-v2': {
      const token = isRecord(json) && isRecord(json.meta) ? json.meta.next_token : undefined;
      if (typeof token !== 'string' || token === '') return undefined;
      const next = new URL(url);
      next.searchParams.set(/\/search\//.test(next.pathname) ? 'next_token' : 'pagination_token', token);
      return next.href;
    }
    case 'x-v1-cursor': {
      const cursor = v1Cursor(json, text);
      if (cursor === undefined || cursor === '0') return undefined;
      const next = new URL(url);
      next.searchParams.set('cursor', cursor);
      return next.href;
    }
  }
}

/**
 * X v1.1's next cursor, exactly: `next_cursor_str` when present, else `next_cursor` read from the
 * text itself (a 64-bit id loses digits as a JavaScript number).
 */
function v1Cursor(json: unknown, text: string): string | undefined {
  if (!isRecord(json)) return undefined;
  if (typeof json.next_cursor_str === 'string') return json.next_cursor_str;
  if (typeof json.next_cursor !== 'number') return undefined;
  return /"next_cursor"\s*:\s*(-?\d+)/.exec(text)?.[1] ?? String(json.next_cursor);
}

/**
 * The target of the `rel="next"` link in a `Link` header (RFC 8288 section 3), or `undefined`. A
 * link may carry several relation types (`rel="next last"`); parameters may be quoted or not.
 *
 * @example
 * ```ts
 * nextLink('<https://mastodon.example/api/v1/timelines/home?max_id=42>; rel="next", <...>; rel="prev"'); // 'https://mastodon.example/...max_id=42'
 * ```
 */
export function nextLink(header: string | null): string | undefined {
  if (header === null) return undefined;
  const linkPattern = /<([^>]*)>((?:\s*;\s*[^;,]+)*)/g;
  for (const match of header.matchAll(linkPattern)) {
    const params = match[2] ?? '';
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const relations = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (relations.includes('next')) return match[1];
  }
  return undefined;
}
