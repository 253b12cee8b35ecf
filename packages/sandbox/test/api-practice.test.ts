import { DEMO_CREDENTIALS, SANDBOX_FOLLOWER_COUNT, makeTweet, twitterUser, type Tweet } from '../src/index.js';
import { FORM, basic, sandboxPerTest } from './support/sandbox-per-test.js';

// The endpoints `tokensmith api` practises on, in their real APIs' documented shapes; every page
// scheme read to the end here by following each API's own documented rule (not the client's
// paginate, which the CLI's tests hold to these endpoints), each item exactly once.

const writer = twitterUser({ id: 4242n, name: 'Prolific', screen_name: 'prolific' });
const many: Tweet[] = Array.from({ length: 23 }, (_, i) => makeTweet(i + 1, writer, `practice tweet number ${i + 1}`, {}, i + 1));
const { sandbox } = sandboxPerTest({ timelines: { prolific: many } });

async function appToken(): Promise<string> {
  const { clientId, clientSecret } = DEMO_CREDENTIALS.app;
  const res = await fetch(sandbox.endpoints.tokenUrl, {
    method: 'POST',
    headers: { ...FORM, authorization: basic(clientId, clientSecret) },
    body: 'grant_type=client_credentials',
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

function userToken(scopes: string[] = ['tweet.read', 'users.read']): string {
  const token = `user-token-${scopes.join('-')}`;
  sandbox.state.userTokens.set(token, {
    clientId: DEMO_CREDENTIALS.oauth2.clientId,
    screenName: 'prolific',
    scopes,
    expiresAt: Date.now() + 3_600_000,
  });
  return token;
}

const withToken = (token: string) => (url: string, init?: RequestInit) =>
  fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${token}` } });

type Scheme = 'x-v2' | 'x-v1-cursor' | 'link';

/** The next page's URL by the API's documented rule, or undefined on the last page. */
function nextUrl(scheme: Scheme, url: URL, res: Response, json: Record<string, unknown>): URL | undefined {
  const next = new URL(url);
  if (scheme === 'x-v2') {
    const token = (json.meta as { next_token?: string } | undefined)?.next_token;
    if (!token) return undefined;
    next.searchParams.set(url.pathname.includes('/search/') ? 'next_token' : 'pagination_token', token);
    return next;
  }
  if (scheme === 'x-v1-cursor') {
    const cursor = json.next_cursor_str as string;
    if (cursor === '0') return undefined;
    next.searchParams.set('cursor', cursor);
    return next;
  }
  const link = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
  return link === undefined ? undefined : new URL(link);
}

async function everything(token: string, path: string, scheme: Scheme): Promise<{ pages: number; items: unknown[] }> {
  const items: unknown[] = [];
  let pages = 0;
  for (let url: URL | undefined = new URL(path, sandbox.url); url !== undefined && pages < 50; pages++) {
    const res = await withToken(token)(url.href);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-rate-limit-remaining') ?? res.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
    const json = (await res.json()) as Record<string, unknown> | unknown[];
    items.push(...(Array.isArray(json) ? json : ((json.data ?? json.ids ?? []) as unknown[])));
    url = nextUrl(scheme, url, res, Array.isArray(json) ? {} : json);
  }
  return { pages, items };
}

describe('practice endpoints, read to the end', () => {
  it('X v2 user tweets: pagination_token pages, every tweet once', async () => {
    const got = await everything(await appToken(), `/2/users/${writer.id_str}/tweets?max_results=5`, 'x-v2');
    expect(got.pages).toBe(5);
    expect((got.items as Array<{ id: string }>).map((t) => t.id)).toEqual(many.map((t) => t.id_str));
  });

  it('X v2 recent search: next_token pages over every matching tweet', async () => {
    const got = await everything(await appToken(), '/2/tweets/search/recent?query=practice%20tweet&max_results=10', 'x-v2');
    expect(got.pages).toBe(3);
    expect(new Set((got.items as Array<{ id: string }>).map((t) => t.id)).size).toBe(23);
  });

  it('X v1.1 follower ids: 64-bit cursors to next_cursor 0', async () => {
    const got = await everything(await appToken(), '/1.1/followers/ids.json?screen_name=prolific&count=100', 'x-v1-cursor');
    expect(got.pages).toBe(3);
    expect(new Set(got.items).size).toBe(SANDBOX_FOLLOWER_COUNT);
  });

  it('Mastodon statuses: Link rel="next" pages, every status once, rate-limit headers on each', async () => {
    const token = await appToken();
    const got = await everything(token, `/api/v1/accounts/${writer.id_str}/statuses?limit=10`, 'link');
    expect((got.items as Array<{ id: string }>).map((s) => s.id)).toEqual(many.map((t) => t.id_str));
    const res = await withToken(token)(new URL(`/api/v1/accounts/${writer.id_str}/statuses`, sandbox.url).href);
    expect(new Date(res.headers.get('x-ratelimit-reset')!).toISOString()).toBe(res.headers.get('x-ratelimit-reset'));
  });
});

describe('posting', () => {
  const url = (path: string) => new URL(path, sandbox.url).href;

  it('POST /2/tweets takes a JSON body in user context and the tweet leads the timeline', async () => {
    const token = userToken();
    const res = await withToken(token)(url('/2/tweets'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text":"hello & <world>"}',
    });
    expect(res.status).toBe(201);
    const { data } = (await res.json()) as { data: { id: string; text: string } };
    expect(data.text).toBe('hello & <world>');
    const first = (await (await withToken(token)(url(`/2/users/${writer.id_str}/tweets?max_results=5`))).json()) as {
      data: Array<{ id: string }>;
    };
    expect(first.data[0]?.id).toBe(data.id);
  });

  it("refuses app-only authentication on POST /2/tweets with X's unsupported-authentication problem", async () => {
    const res = await withToken(await appToken())(url('/2/tweets'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text":"x"}',
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ type: 'https://api.twitter.com/2/problems/unsupported-authentication' });
    expect(res.headers.get('x-rate-limit-limit')).toBe('100');
  });

  it('POST /1.1/statuses/update.json takes a form body; app-only gets code 220', async () => {
    const res = await withToken(userToken())(url('/1.1/statuses/update.json'), {
      method: 'POST',
      headers: FORM,
      body: 'status=Hello%20Ladies%20%2B%20Gentlemen',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/"id":\d+,"id_str":"\d+","text":"Hello Ladies \+ Gentlemen"/);
    const app = await withToken(await appToken())(url('/1.1/statuses/update.json'), { method: 'POST', headers: FORM, body: 'status=x' });
    expect([app.status, ((await app.json()) as { errors: Array<{ code: number }> }).errors[0]?.code]).toEqual([403, 220]);
  });
});

describe('scopes', () => {
  it('answers RFC 6750 insufficient_scope with the scope needed, and 200 once it is granted', async () => {
    const url = new URL('/api/v1/notifications', sandbox.url).href;
    const refused = await withToken(userToken())(url);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer .*error="insufficient_scope".*scope="read:notifications"/);
    const granted = await withToken(userToken(['read:notifications']))(url);
    expect([granted.status, await granted.json()]).toEqual([200, []]);
  });
});
