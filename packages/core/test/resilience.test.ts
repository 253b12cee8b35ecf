import {
  createAuthenticatedFetch,
  TokensmithError,
  backoffDelay,
  rateLimitDelay,
  retryPolicy,
  type RetryEvent,
  type TokenProvider,
  type BearerCredentials,
} from '../src/kit.js';

function provider(): TokenProvider<BearerCredentials> & { invalidations: number } {
  let generation = 1;
  const p = {
    strategy: 'fake',
    invalidations: 0,
    getToken: async () => ({ type: 'bearer' as const, accessToken: `t${generation}` }),
    authorize: async () => ({ authorization: `Bearer t${generation}` }),
    invalidate: async () => {
      p.invalidations++;
      generation++;
    },
  };
  return p;
}

type Step = Response | Error | ((signal: AbortSignal) => Promise<Response>);

/** A fetch that plays scripted responses and records what it was sent. */
function scripted(steps: Step[]) {
  const sent: Array<{ url: string; method: string; auth: string | null; body: unknown }> = [];
  const impl = (async (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    sent.push({ url: String(input), method: init?.method ?? 'GET', auth: headers.get('authorization'), body: init?.body });
    const step = steps.shift();
    if (!step) throw new Error('no more scripted responses');
    if (step instanceof Error) throw step;
    if (typeof step === 'function') return step(init!.signal!);
    return step;
  }) as typeof fetch;
  return { impl, sent };
}

function harness(steps: Step[], extra: Parameters<typeof createAuthenticatedFetch>[1] = {}) {
  const { impl, sent } = scripted(steps);
  const waits: number[] = [];
  const events: RetryEvent[] = [];
  const p = provider();
  const api = createAuthenticatedFetch(p, {
    fetch: impl,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    now: () => 1_700_000_000_000,
    onRetry: (e) => events.push(e),
    ...extra,
  });
  return { api, sent, waits, events, provider: p };
}

/** Like a real fetch to a server that never answers: rejects when the signal aborts (or already has). */
const hangUntilAborted = (signal: AbortSignal) =>
  new Promise<Response>((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason));
  });

const reset = () =>
  Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });

describe('createAuthenticatedFetch under faults', () => {
  it('waits per Retry-After on a 429 and reports it', async () => {
    const h = harness([new Response('', { status: 429, headers: { 'retry-after': '2' } }), new Response('ok')]);
    const res = await h.api('https://api.example.com/x');
    expect(await res.text()).toBe('ok');
    expect(h.waits).toEqual([2000]);
    expect(h.events).toEqual([{ reason: 'rate_limited', attempt: 1, delayMs: 2000, status: 429, url: 'https://api.example.com/x' }]);
  });

  it("waits until Twitter's x-rate-limit-reset", async () => {
    const h = harness([
      new Response('', { status: 429, headers: { 'x-rate-limit-reset': String(1_700_000_000 + 7) } }),
      new Response('ok'),
    ]);
    await h.api('https://api.example.com/x');
    expect(h.waits).toEqual([7000]);
  });

  it('returns the 429 instead of waiting longer than maxRateLimitWaitMs', async () => {
    const h = harness([new Response('', { status: 429, headers: { 'retry-after': '3600' } })], { retry: { maxRateLimitWaitMs: 60_000 } });
    expect((await h.api('https://api.example.com/x')).status).toBe(429);
    expect(h.waits).toEqual([]);
  });

  it('retries an idempotent GET on 5xx with capped exponential backoff and jitter', async () => {
    const h = harness([
      new Response('', { status: 503 }),
      new Response('', { status: 502 }),
      new Response('', { status: 500 }),
      new Response('ok'),
    ]);
    expect((await h.api('https://api.example.com/x')).status).toBe(200);
    expect(h.waits).toEqual([125, 250, 500]);
    expect(h.events.map((e) => [e.reason, e.status])).toEqual([
      ['server_error', 503],
      ['server_error', 502],
      ['server_error', 500],
    ]);
  });

  it('gives up after maxRetries and returns the last 5xx', async () => {
    const h = harness([new Response('', { status: 503 }), new Response('', { status: 503 })], { retry: { maxRetries: 1 } });
    expect((await h.api('https://api.example.com/x')).status).toBe(503);
    expect(h.sent).toHaveLength(2);
  });

  it('never retries a POST on 5xx or on a reset', async () => {
    const h = harness([new Response('', { status: 503 })]);
    expect((await h.api('https://api.example.com/x', { method: 'POST', body: 'a=1' })).status).toBe(503);
    const h2 = harness([reset()]);
    await expect(h2.api('https://api.example.com/x', { method: 'POST', body: 'a=1' })).rejects.toMatchObject({ code: 'network_error' });
    expect(h2.sent).toHaveLength(1);
  });

  it('retries a GET after a connection reset', async () => {
    const h = harness([reset(), new Response('ok')]);
    expect(await (await h.api('https://api.example.com/x')).text()).toBe('ok');
    expect(h.events[0]).toMatchObject({ reason: 'network_error', attempt: 1 });
  });

  it('times out a hung request with a typed error (bounded, honours the signal)', async () => {
    const hang = hangUntilAborted;
    const h = harness([hang], { timeoutMs: 30 });
    const error = await h.api('https://api.example.com/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokensmithError);
    expect(error).toMatchObject({ code: 'timeout', message: 'request to api.example.com timed out' });
  });

  it('stops at once when the caller aborts', async () => {
    const hang = hangUntilAborted;
    const h = harness([hang]);
    const controller = new AbortController();
    const pending = h.api('https://api.example.com/x', { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
  });

  it('re-authenticates same-origin redirects and never sends Authorization to another origin', async () => {
    const h = harness([
      new Response(null, { status: 302, headers: { location: '/y' } }),
      new Response(null, { status: 307, headers: { location: 'https://cdn.elsewhere.example/z' } }),
      new Response('ok'),
    ]);
    expect(await (await h.api('https://api.example.com/x')).text()).toBe('ok');
    expect(h.sent.map((s) => [s.url, s.auth])).toEqual([
      ['https://api.example.com/x', 'Bearer t1'],
      ['https://api.example.com/y', 'Bearer t1'],
      ['https://cdn.elsewhere.example/z', null],
    ]);
  });

  it('drops a caller-set Authorization header on a cross-origin redirect too', async () => {
    const h = harness([new Response(null, { status: 301, headers: { location: 'http://api.example.com/x' } }), new Response('ok')]);
    await h.api('https://api.example.com/x');
    expect(h.sent[1]).toMatchObject({ url: 'http://api.example.com/x', auth: null });
  });

  it('stops after maxRedirects', async () => {
    const loop = Array.from({ length: 4 }, () => new Response(null, { status: 302, headers: { location: '/again' } }));
    const h = harness(loop, { maxRedirects: 2 });
    await expect(h.api('https://api.example.com/x')).rejects.toMatchObject({
      code: 'http_error',
      message: 'too many redirects (more than 2) from api.example.com',
    });
  });
});

describe('retry helpers', () => {
  it('backoffDelay doubles and caps', () => {
    const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 });
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    for (let i = 0; i < 100; i++) expect(backoffDelay(2, policy)).toBeLessThanOrEqual(400);
  });
  it('rateLimitDelay reads seconds, HTTP dates and x-rate-limit-reset', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(rateLimitDelay(new Headers({ 'retry-after': '5' }), now)).toBe(5000);
    expect(rateLimitDelay(new Headers({ 'retry-after': 'Mon, 23 Nov 2026 10:00:30 GMT' }), now)).toBe(30_000);
    expect(rateLimitDelay(new Headers({ 'x-rate-limit-reset': String(now / 1000 + 9) }), now)).toBe(9000);
    expect(rateLimitDelay(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
  });
});
