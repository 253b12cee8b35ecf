import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DEMO_CREDENTIALS, HOSTILE_SCREEN_NAME, TIMELINES, makeTweet, toJsonWithBigInts, twitterUser, type Sandbox } from '../src/index.js';
import { takeRateLimit } from '../src/rate-limits.js';
import { FORM, basic, sandboxPerTest } from './support/sandbox-per-test.js';

const { clientId, clientSecret } = DEMO_CREDENTIALS.app;

const { sandbox, clock } = sandboxPerTest();

/** An app-only bearer token of this test's sandbox, or of another one. */
async function appToken(of: Pick<Sandbox, 'endpoints'> = sandbox): Promise<string> {
  const res = await fetch(of.endpoints.tokenUrl, {
    method: 'POST',
    headers: { ...FORM, authorization: basic(clientId, clientSecret) },
    body: 'grant_type=client_credentials',
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

const get = (query: string, token: string) =>
  fetch(`${sandbox.endpoints.timelineUrl}?${query}`, { headers: { authorization: `Bearer ${token}` } });

const PYTHON_READER = `
import json, os, urllib.request
req = urllib.request.Request(os.environ['URL'], headers={'Authorization': 'Bearer ' + os.environ['TOKEN']})
tweets = json.load(urllib.request.urlopen(req))
for t in tweets:
    for obj in [t, t['user']] + ([t['retweeted_status']] if 'retweeted_status' in t else []):
        print(type(obj['id']).__name__, obj['id'], obj['id_str'], obj['id'] == int(obj['id_str']))
`;

describe('sandbox fidelity: 64-bit ids', () => {
  it("writes every tweet and user id as an exact JSON number with id_str's digits (read by Python's json)", async () => {
    const token = await appToken();
    const { stdout } = await promisify(execFile)('/usr/bin/python3', ['-c', PYTHON_READER], {
      env: { PATH: '/usr/bin', URL: `${sandbox.endpoints.timelineUrl}?screen_name=twitterapi&count=200`, TOKEN: token },
      timeout: 15_000,
    });
    const rows = stdout
      .trim()
      .split('\n')
      .map((line) => line.split(' '));
    expect(rows.length).toBeGreaterThanOrEqual(13);
    for (const [type, id, idStr, same] of rows) expect([type, id, same]).toEqual(['int', idStr, 'True']);
    expect(rows.some(([, id]) => BigInt(id!) > 2n ** 53n)).toBe(true);
  });

  it('gives every tweet its own id, and the raw JSON carries the digits JSON.parse would round', async () => {
    const ids = Object.values(TIMELINES)
      .flat()
      .map((t) => t.id_str);
    expect(new Set(ids).size).toBe(ids.length);
    const raw = await (await get('screen_name=twitterapi&count=1', await appToken())).text();
    const [, digits, idStr] = /^\[\{"created_at":"[^"]+","id":(\d+),"id_str":"(\d+)"/.exec(raw) ?? [];
    expect(digits).toBe(idStr);
    expect(String(JSON.parse(raw)[0].id)).not.toBe(idStr); // why the sandbox cannot use JSON.stringify
    expect(toJsonWithBigInts({ a: [1n, undefined, 'x'], b: undefined, c: null })).toBe('{"a":[1,null,"x"],"c":null}');
  });

  it('pages by since_id and max_id without gaps or repeats', async () => {
    const token = await appToken();
    const all = (await (await get('screen_name=twitterapi&count=200', token)).json()) as Array<{ id_str: string }>;
    const seen: string[] = [];
    let maxId: bigint | undefined;
    for (;;) {
      const page = JSON.parse(
        await (await get(`screen_name=twitterapi&count=2${maxId === undefined ? '' : `&max_id=${maxId}`}`, token)).text(),
      ) as Array<{ id_str: string }>;
      if (page.length === 0) break;
      seen.push(...page.map((t) => t.id_str));
      maxId = BigInt(page[page.length - 1]!.id_str) - 1n;
    }
    expect(seen).toEqual(all.map((t) => t.id_str));
    const newer = (await (await get(`screen_name=twitterapi&since_id=${all[2]!.id_str}`, token)).json()) as Array<{ id_str: string }>;
    expect(newer.map((t) => t.id_str)).toEqual(all.slice(0, 2).map((t) => t.id_str));
  });
});

describe('sandbox fidelity: the user_timeline request and response', () => {
  it('accepts user_id as well as screen_name (user_id wins), and 404s an unknown one', async () => {
    const token = await appToken();
    const byId = (await (await get('user_id=6253282&count=1', token)).json()) as Array<{ user: { screen_name: string } }>;
    expect(byId[0]!.user.screen_name).toBe('twitterapi');
    const both = (await (await get('user_id=1590000000000000042&screen_name=twitterapi&count=1', token)).json()) as Array<{
      user: { screen_name: string };
    }>;
    expect(both[0]!.user.screen_name).toBe('cafe_dev');
    const unknown = await get('user_id=1', token);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ errors: [{ code: 34, message: 'Sorry, that page does not exist.' }] });
  });

  it('has the fields of the documented sample response; trim_user leaves only the ids', async () => {
    const token = await appToken();
    const [tweet] = (await (await get('screen_name=twitterapi&count=1', token)).json()) as Array<Record<string, unknown>>;
    for (const field of [
      'entities',
      'source',
      'in_reply_to_status_id',
      'in_reply_to_user_id',
      'in_reply_to_user_id_str',
      'geo',
      'coordinates',
      'place',
      'contributors',
      'is_quote_status',
      'favorited',
      'retweeted',
      'lang',
    ]) {
      expect(tweet).toHaveProperty(field);
    }
    expect(tweet).toMatchObject({ geo: null, coordinates: null, favorited: false, retweeted: false });
    expect(tweet!.user).toMatchObject({
      id: 6253282,
      location: 'San Francisco, CA',
      protected: false,
      verified: true,
      followers_count: expect.any(Number),
    });
    const [trimmed] = (await (await get('screen_name=twitterapi&count=1&trim_user=true', token)).json()) as Array<{ user: unknown }>;
    expect(trimmed!.user).toEqual({ id: 6253282, id_str: '6253282' });
  });

  it("sends Twitter's rate-limit headers: 1500 per app, 900 per user, counting down per context", async () => {
    const app = await get('screen_name=twitterapi', await appToken());
    expect([app.headers.get('x-rate-limit-limit'), app.headers.get('x-rate-limit-remaining')]).toEqual(['1500', '1499']);
    expect(app.headers.get('x-rate-limit-reset')).toBe(String(Math.floor(clock.now / 1000) + 900));
    const userToken = 'user-token-for-test';
    sandbox.state.userTokens.set(userToken, {
      clientId: 'c',
      screenName: 'twitterapi',
      scopes: ['tweet.read'],
      expiresAt: clock.now + 3_600_000,
    });
    const first = await get('', userToken);
    const second = await get('', userToken);
    expect([
      first.headers.get('x-rate-limit-limit'),
      first.headers.get('x-rate-limit-remaining'),
      second.headers.get('x-rate-limit-remaining'),
    ]).toEqual(['900', '899', '898']);
    clock.now += 900_000;
    expect((await get('', userToken)).headers.get('x-rate-limit-remaining')).toBe('899');
  });

  it("gives the rate-limit fault the request's auth type limit, or the one asked for", async () => {
    sandbox.faults.add({ path: '/1.1/statuses/user_timeline.json', fault: { type: 'rate-limit', resetInSeconds: 60 } });
    const app = await get('screen_name=twitterapi', await appToken());
    expect([
      app.status,
      app.headers.get('x-rate-limit-limit'),
      app.headers.get('x-rate-limit-remaining'),
      app.headers.get('retry-after'),
    ]).toEqual([429, '1500', '0', '60']);
    expect(app.headers.get('x-rate-limit-reset')).toBe(String(Math.floor(clock.now / 1000) + 60));
    sandbox.faults.add({ path: '/1.1/statuses/user_timeline.json', fault: { type: 'rate-limit' } });
    expect((await get('screen_name=twitterapi', 'some-user-token')).headers.get('x-rate-limit-limit')).toBe('900');
    sandbox.faults.add({ path: '/1.1/statuses/user_timeline.json', fault: { type: 'rate-limit', limit: 75, retryAfter: false } });
    const custom = await get('screen_name=twitterapi', await appToken());
    expect([custom.headers.get('x-rate-limit-limit'), custom.headers.get('retry-after')]).toEqual(['75', null]);
  });

  it('answers 429 code 88 when a window is used up, only with enforceRateLimits', async () => {
    const limits = { user: 2, app: 3 };
    const principal = { kind: 'app', clientId: 'x' } as const;
    const taken = [1, 2, 3, 4].map(() => takeRateLimit(sandbox.state, 'e', principal, limits));
    expect(taken.map((t) => [t.exceeded, t.headers['x-rate-limit-remaining']])).toEqual([
      [false, '2'],
      [false, '1'],
      [false, '0'],
      [true, '0'],
    ]);
    const lenient = await appToken();
    expect((await get('screen_name=twitterapi', lenient)).status).toBe(200);
    for (const window of (sandbox.state.extensions.rateLimits as Map<string, { used: number }>).values()) window.used = 1500;
    const counted = await get('screen_name=twitterapi', lenient);
    expect([counted.status, counted.headers.get('x-rate-limit-remaining')]).toEqual([200, '0']);
    await sandbox.restart({ enforceRateLimits: true });
    const token = await appToken();
    expect((await get('screen_name=twitterapi', token)).status).toBe(200);
    const windows = sandbox.state.extensions.rateLimits as Map<string, { resetAt: number; used: number }>;
    for (const window of windows.values()) window.used = 1500;
    const limited = await get('screen_name=twitterapi', token);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ errors: [{ code: 88, message: 'Rate limit exceeded' }] });
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
  });
});

describe('sandbox fidelity: fixtures', () => {
  it('serves the documented hostile user, whose strings carry ESC, OSC 52, BEL, CR and C1 controls', async () => {
    const tweets = (await (await get(`screen_name=${HOSTILE_SCREEN_NAME}`, await appToken())).json()) as Array<{
      text: string;
      user: { name: string; location: string };
    }>;
    const text = tweets.map((t) => t.text).join('\n');
    for (const needle of ['\u001b[', '\u001b]52;c;', '\u0007', '\r', '\u009b', '\u0085', '\u001b]8;;']) expect(text).toContain(needle);
    expect(tweets[0]!.user.name).toContain('\u001b[31m');
    expect(tweets[0]!.user.location).toContain('\u001b]0;');
  });

  it('serves extra timelines given to one sandbox only', async () => {
    const ada = twitterUser({ id: 1_234_567_890_123_456_789n, name: 'Ada', screen_name: 'Ada' });
    const own = await sandbox.another({ timelines: { Ada: [makeTweet(1, ada, 'first')] } });
    const res = await fetch(`${own.endpoints.timelineUrl}?screen_name=ada`, {
      headers: { authorization: `Bearer ${await appToken(own)}` },
    });
    expect(await res.text()).toContain('"id":1234567890123456789,"id_str":"1234567890123456789"');
    expect((await get('screen_name=ada', await appToken())).status).toBe(404);
  });
});

describe('sandbox fidelity: POST oauth2/invalidate_token', () => {
  const invalidate = (token: string, authorization = basic(clientId, clientSecret)) =>
    fetch(sandbox.endpoints.invalidateTokenUrl, {
      method: 'POST',
      headers: { ...FORM, authorization },
      body: new URLSearchParams({ access_token: token }),
    });

  it('answers {access_token} as Twitter documents; the token then fails and the next request gets a new one', async () => {
    const token = await appToken();
    const res = await invalidate(token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ access_token: token });
    const dead = await get('screen_name=twitterapi', token);
    expect([dead.status, await dead.json()]).toEqual([401, { errors: [{ code: 89, message: 'Invalid or expired token.' }] }]);
    expect(await appToken()).not.toBe(token);
  });

  it('refuses a wrong secret, credentials in the body, another app and an unknown token (403 code 99)', async () => {
    const token = await appToken();
    const body = await fetch(sandbox.endpoints.invalidateTokenUrl, {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({ access_token: token, client_id: clientId, client_secret: clientSecret }),
    });
    for (const res of [await invalidate(token, basic(clientId, 'wrong')), body, await invalidate('AAAA-unknown')]) {
      expect(res.status).toBe(403);
      expect(((await res.json()) as { errors: Array<{ code: number }> }).errors[0]!.code).toBe(99);
    }
    expect((await get('screen_name=twitterapi', token)).status).toBe(200);
  });
});
