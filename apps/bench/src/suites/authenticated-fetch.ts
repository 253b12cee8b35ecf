import { createClientCredentialsProvider } from '@tokensmith/client-credentials';
import { createAuthenticatedFetch } from '@tokensmith/core';
import { DEMO_CREDENTIALS } from '@tokensmith/sandbox';

/** Requests per second of `fetcher` for `total` GETs with `concurrency` in flight, and the client's CPU µs per request. */
async function measure(fetcher: (url: string) => Promise<Response>, url: string, total: number, concurrency: number): Promise<{ rps: number; cpuUs: number }> {
  let next = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      next++;
      const res = await fetcher(url);
      if (res.status !== 200) throw new Error(`unexpected HTTP ${res.status}`);
      await res.arrayBuffer();
    }
  }));
  const used = process.cpuUsage(cpu);
  return { rps: total / ((performance.now() - start) / 1000), cpuUs: (used.user + used.system) / total };
}

/**
 * createAuthenticatedFetch against plain fetch with a fixed header, and against plain fetch carrying the
 * same 30 s timeout signal (the like-for-like figure: undici itself charges for any abort signal).
 * 5,000 keep-alive GETs each, rounds interleaved, median of the rounds.
 */
export async function authenticatedFetchOverhead(baseUrl: string, { total = 5_000, concurrency = 8, rounds = 7 } = {}) {
  const provider = createClientCredentialsProvider({ tokenUrl: `${baseUrl}/oauth2/token`, ...DEMO_CREDENTIALS.app });
  const token = await provider.getToken();
  const url = `${baseUrl}/1.1/statuses/user_timeline.json?screen_name=twitterapi&count=2`;
  const header = { authorization: `Bearer ${token.accessToken}` };
  const plain = (u: string) => fetch(u, { headers: header });
  const plainWithTimeout = (u: string) => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30_000).unref();
    return fetch(u, { headers: header, signal: controller.signal });
  };
  const ours = createAuthenticatedFetch(provider);
  const variants = { plain, plainWithTimeout, ours };
  for (const f of Object.values(variants)) await measure(f, url, 1_000, concurrency);
  const rates = { plain: [] as number[], plainWithTimeout: [] as number[], ours: [] as number[] };
  const cpu = { plain: [] as number[], plainWithTimeout: [] as number[], ours: [] as number[] };
  const names = Object.keys(variants) as Array<keyof typeof variants>;
  for (let r = 0; r < rounds; r++) {
    // Rotate the order each round so warm-up and drift do not favour one variant.
    for (let i = 0; i < names.length; i++) {
      const name = names[(r + i) % names.length]!;
      const result = await measure(variants[name], url, total, concurrency);
      rates[name].push(result.rps);
      cpu[name].push(result.cpuUs);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  // Paired ratios: each round's variants ran back to back under the same machine load.
  const ratioVs = (base: number[]) => median(base.map((b, i) => b / rates.ours[i]!));
  return {
    plainRps: median(rates.plain),
    plainWithTimeoutRps: median(rates.plainWithTimeout),
    oursRps: median(rates.ours),
    overheadVsPlain: ratioVs(rates.plain),
    overheadVsPlainWithTimeout: ratioVs(rates.plainWithTimeout),
    cpuUsPerRequest: { plain: median(cpu.plain), plainWithTimeout: median(cpu.plainWithTimeout), ours: median(cpu.ours) },
    total,
    concurrency,
    rounds,
  };
}
