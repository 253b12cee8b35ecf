import { createClientCredentialsProvider } from '@tokensmith/client-credentials';
import { createAuthenticatedFetch } from '@tokensmith/core/kit';
import { DEMO_CREDENTIALS } from '@tokensmith/sandbox';

/** Requests per second of `fetcher` for `total` GETs with `concurrency` in flight, and the client's CPU µs per request. */
async function measure(
  fetcher: (url: string) => Promise<Response>,
  url: string,
  total: number,
  concurrency: number,
): Promise<{ rps: number; cpuUs: number }> {
  let next = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        const res = await fetcher(url);
        if (res.status !== 200) throw new Error(`unexpected HTTP ${res.status}`);
        await res.arrayBuffer();
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return { rps: total / ((performance.now() - start) / 1000), cpuUs: (used.user + used.system) / total };
}

/**
 * createAuthenticatedFetch against plain fetch with a fixed header, and against plain fetch carrying the
 * same 30 s timeout signal (like for like: undici itself charges for any abort signal). `concurrency`
 * workers each send `total` GETs per variant over keep-alive, alternating the variants request by
 * request, so machine drift (GC, JIT, the other core) hits every variant alike. Requests/s per variant
 * is concurrency / mean latency; CPU per request is measured over whole variant blocks.
 */
export async function authenticatedFetchOverhead(baseUrl: string, { total = 5_000, concurrency = 8, rounds = 3 } = {}) {
  const provider = createClientCredentialsProvider({ tokenUrl: `${baseUrl}/oauth2/token`, ...DEMO_CREDENTIALS.app });
  const token = await provider.getToken();
  const url = `${baseUrl}/1.1/statuses/user_timeline.json?screen_name=twitterapi&count=2`;
  const header = { authorization: `Bearer ${token.accessToken}` };
  const variants = {
    plain: (u: string) => fetch(u, { headers: header }),
    plainWithTimeout: (u: string) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30_000).unref();
      return fetch(u, { headers: header, signal: controller.signal });
    },
    ours: createAuthenticatedFetch(provider),
  };
  const names = Object.keys(variants) as Array<keyof typeof variants>;
  for (const f of Object.values(variants)) await measure(f, url, 1_000, concurrency);

  const latency = { plain: 0, plainWithTimeout: 0, ours: 0 };
  let sent = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = worker; sent < total * names.length; i++) {
        sent++;
        const name = names[i % names.length]!;
        const start = performance.now();
        const res = await variants[name](url);
        if (res.status !== 200) throw new Error(`unexpected HTTP ${res.status}`);
        await res.arrayBuffer();
        latency[name] += performance.now() - start;
      }
    }),
  );
  const perRequest = (name: keyof typeof latency) => latency[name] / total;
  const rps = (name: keyof typeof latency) => (concurrency * 1000) / perRequest(name);

  const cpu = { plain: [] as number[], plainWithTimeout: [] as number[], ours: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(r + i) % names.length]!;
      cpu[name].push((await measure(variants[name], url, total, concurrency)).cpuUs);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    plainRps: rps('plain'),
    plainWithTimeoutRps: rps('plainWithTimeout'),
    oursRps: rps('ours'),
    overheadVsPlain: perRequest('ours') / perRequest('plain'),
    overheadVsPlainWithTimeout: perRequest('ours') / perRequest('plainWithTimeout'),
    cpuUsPerRequest: { plain: median(cpu.plain), plainWithTimeout: median(cpu.plainWithTimeout), ours: median(cpu.ours) },
    total,
    concurrency,
    rounds,
  };
}
