import { createClientCredentialsProvider } from '@tokensmith/client-credentials';
import { createAuthenticatedFetch } from '@tokensmith/core';
import { DEMO_CREDENTIALS } from '@tokensmith/sandbox';

/** Requests per second of `fetcher` for `total` GETs with `concurrency` in flight. */
async function rate(fetcher: (url: string) => Promise<Response>, url: string, total: number, concurrency: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      next++;
      const res = await fetcher(url);
      if (res.status !== 200) throw new Error(`unexpected HTTP ${res.status}`);
      await res.arrayBuffer();
    }
  }));
  return total / ((performance.now() - start) / 1000);
}

/** createAuthenticatedFetch against plain fetch with a fixed header: 5,000 keep-alive GETs each, rounds interleaved. */
export async function authenticatedFetchOverhead(baseUrl: string, { total = 5_000, concurrency = 8, rounds = 4 } = {}) {
  const provider = createClientCredentialsProvider({ tokenUrl: `${baseUrl}/oauth2/token`, ...DEMO_CREDENTIALS.app });
  const token = await provider.getToken();
  const url = `${baseUrl}/1.1/statuses/user_timeline.json?screen_name=twitterapi&count=2`;
  const plain = (u: string) => fetch(u, { headers: { authorization: `Bearer ${token.accessToken}` } });
  const ours = createAuthenticatedFetch(provider);
  await rate(plain, url, 500, concurrency);
  await rate(ours, url, 500, concurrency);
  const plainRates: number[] = [];
  const ourRates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    plainRates.push(await rate(plain, url, total, concurrency));
    ourRates.push(await rate(ours, url, total, concurrency));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { plainRps: median(plainRates), oursRps: median(ourRates), total, concurrency, rounds };
}
