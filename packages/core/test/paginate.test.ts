import { detectScheme, nextLink, nextPageUrl, paginate, type Page, type PageFetch } from '../src/kit.js';

/** A fake API: each URL answers one canned page; every request is recorded. */
function api(pages: Record<string, { body: unknown; headers?: Record<string, string>; status?: number }>) {
  const requested: string[] = [];
  const fetch: PageFetch = async (url) => {
    requested.push(url);
    const page = pages[url];
    if (!page) return new Response('{"error":"not found"}', { status: 404 });
    const body = typeof page.body === 'string' ? page.body : JSON.stringify(page.body);
    return new Response(body, { status: page.status ?? 200, headers: { 'content-type': 'application/json', ...page.headers } });
  };
  return { fetch, requested };
}

async function collect(pages: AsyncIterable<Page>): Promise<Page[]> {
  const all: Page[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

describe('paginate', () => {
  it('follows RFC 8288 Link rel="next" (Mastodon/GitHub) to the last page, each page once', async () => {
    const base = 'https://mastodon.example/api/v1/accounts/1/statuses';
    const { fetch, requested } = api({
      [base]: { body: [{ id: '3' }, { id: '2' }], headers: { link: `<${base}?max_id=2>; rel="next", <${base}?min_id=3>; rel="prev"` } },
      [`${base}?max_id=2`]: { body: [{ id: '1' }], headers: { link: `<${base}?max_id=1>; rel="next"` } },
      [`${base}?max_id=1`]: { body: [], headers: { link: `<${base}?min_id=1>; rel="prev"` } },
    });
    const pages = await collect(paginate(fetch, base));
    expect(requested).toEqual([base, `${base}?max_id=2`, `${base}?max_id=1`]);
    expect(pages.flatMap((p) => p.json as unknown[])).toEqual([{ id: '3' }, { id: '2' }, { id: '1' }]);
    expect(pages.map((p) => p.scheme)).toEqual(['link', 'link', 'link']);
    expect(pages[2]?.next).toBeUndefined();
  });

  it('sends X v2 meta.next_token back as pagination_token, and as next_token on search endpoints', async () => {
    const timeline = 'https://api.x.com/2/users/9/tweets?max_results=5';
    const { fetch, requested } = api({
      [timeline]: { body: { data: [{ id: 'a' }], meta: { result_count: 1, next_token: 't1' } } },
      [`${timeline}&pagination_token=t1`]: { body: { data: [{ id: 'b' }], meta: { result_count: 1 } } },
    });
    expect((await collect(paginate(fetch, timeline))).length).toBe(2);
    expect(requested[1]).toBe(`${timeline}&pagination_token=t1`);

    const search = 'https://api.x.com/2/tweets/search/recent?query=oauth';
    const searched = api({
      [search]: { body: { data: [{ id: 'a' }], meta: { next_token: 'n1' } } },
      [`${search}&next_token=n1`]: { body: { meta: { result_count: 0 } } },
    });
    await collect(paginate(searched.fetch, search));
    expect(searched.requested).toEqual([search, `${search}&next_token=n1`]);
  });

  it('sends X v1.1 next_cursor_str back as cursor, exactly (64-bit), and stops at 0', async () => {
    const ids = 'https://api.x.com/1.1/followers/ids.json?screen_name=a';
    const { fetch, requested } = api({
      [ids]: { body: '{"ids":[1],"next_cursor":1374004777531007833,"previous_cursor":0}' },
      [`${ids}&cursor=1374004777531007833`]: { body: { ids: [2], next_cursor: 0, next_cursor_str: '0' } },
    });
    const pages = await collect(paginate(fetch, ids));
    expect(requested).toEqual([ids, `${ids}&cursor=1374004777531007833`]);
    expect(pages.map((p) => p.scheme)).toEqual(['x-v1-cursor', 'x-v1-cursor']);
  });

  it('stops at maxPages and says on the last page yielded which page was not read', async () => {
    const url = 'https://api.example.com/items';
    const { fetch, requested } = api({
      [url]: { body: { meta: { next_token: 'x' } } },
      [`${url}?pagination_token=x`]: { body: { meta: { next_token: 'y' } } },
    });
    const pages = await collect(paginate(fetch, url, { maxPages: 1 }));
    expect(requested).toEqual([url]);
    expect(pages[0]?.next).toBe(`${url}?pagination_token=x`);
  });

  it('never follows a next link to another origin (the fetch may carry credentials)', async () => {
    const url = 'https://api.example.com/items';
    const { fetch, requested } = api({ [url]: { body: [], headers: { link: '<https://evil.example/steal>; rel="next"' } } });
    await expect(collect(paginate(fetch, url))).rejects.toMatchObject({
      code: 'http_error',
      message: expect.stringMatching(/evil\.example/),
    });
    expect(requested).toEqual([url]);
  });

  it('refuses a server whose pages loop', async () => {
    const url = 'https://api.example.com/items';
    const { fetch } = api({
      [url]: { body: [], headers: { link: `<${url}?page=2>; rel="next"` } },
      [`${url}?page=2`]: { body: [], headers: { link: `<${url}>; rel="next"` } },
    });
    await expect(collect(paginate(fetch, url))).rejects.toMatchObject({ code: 'http_error' });
  });

  it('yields a failing page and stops there, for the caller to report', async () => {
    const url = 'https://api.example.com/items';
    const { fetch, requested } = api({
      [url]: { status: 429, body: { title: 'Too Many Requests' }, headers: { link: `<${url}?p=2>; rel="next"` } },
    });
    const pages = await collect(paginate(fetch, url));
    expect(pages.map((p) => [p.status, p.next])).toEqual([[429, undefined]]);
    expect(requested).toEqual([url]);
  });

  it('caps the bytes read over all pages', async () => {
    const url = 'https://api.example.com/items';
    const big = 'x'.repeat(600);
    const { fetch } = api({
      [url]: { body: { meta: { next_token: 'a' }, big } },
      [`${url}?pagination_token=a`]: { body: { meta: { next_token: 'b' }, big } },
      [`${url}?pagination_token=b`]: { body: { big } },
    });
    await expect(collect(paginate(fetch, url, { maxTotalBytes: 1500 }))).rejects.toMatchObject({ code: 'response_too_large' });
  });

  it('refuses nonsense bounds', async () => {
    await expect(paginate(async () => new Response(''), 'https://a.example/', { maxPages: 0 }).next()).rejects.toMatchObject({
      code: 'invalid_options',
      message: 'maxPages must be a whole number >= 1',
    });
  });
});

describe('pagination helpers', () => {
  it('reads rel="next" among several relations and unquoted parameters', () => {
    expect(nextLink('<https://a.example/2>; rel="next last"')).toBe('https://a.example/2');
    expect(nextLink('<https://a.example/1>; rel=prev, <https://a.example/3>; title="x"; rel=next')).toBe('https://a.example/3');
    expect(nextLink('<https://a.example/1>; rel="prev"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });

  it('detects nothing on a single page', () => {
    expect(detectScheme(new Headers(), [{ id: 1 }])).toBeUndefined();
    expect(nextPageUrl('x-v2', 'https://a.example/2/x', new Headers(), { meta: { result_count: 0 } }, '')).toBeUndefined();
  });
});
