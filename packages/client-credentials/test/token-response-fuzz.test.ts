import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokensmithError } from '@tokensmith/core/kit';
import { createClientCredentialsProvider } from '../src/index.js';

/** A seeded PRNG (test data only; the library itself draws randomness from node:crypto). */
function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, pick, int: (max: number) => Math.floor(next() * max) };
}

const SECRET = 'fuzz-client-secret-Zx9';
const ITERATIONS = 2000;

type Reply = { status: number; headers: Record<string, string>; body: Buffer };

function randomReply(r: ReturnType<typeof prng>): Reply {
  const status = r.pick([200, 200, 200, 200, 201, 204, 400, 401, 403, 404, 418, 429, 500, 502, 503, 599]);
  const contentType = r.pick([
    'application/json',
    'application/json; charset=utf-8',
    'application/problem+json',
    'text/html',
    'text/plain',
    'application/x-www-form-urlencoded',
    '',
  ]);
  const anyValue = (): unknown =>
    r.pick<() => unknown>([
      () => null,
      () => r.int(1e6) - 5e5,
      () => r.next() * 1e300,
      () => -1,
      () => 0,
      () => '',
      () => 'x'.repeat(r.int(50)),
      () => String(r.int(10000)),
      () => '3600.5',
      () => 'NaN',
      () => true,
      () => [],
      () => ({}),
      () => [r.int(5)],
      () => ({ nested: 'value' }),
    ])();
  const tokenish = () => {
    const body: Record<string, unknown> = {};
    if (r.next() < 0.85) body.access_token = r.next() < 0.7 ? `tok_${r.int(1e9)}` : anyValue();
    if (r.next() < 0.85) body.token_type = r.next() < 0.6 ? r.pick(['bearer', 'Bearer', 'BEARER']) : anyValue();
    if (r.next() < 0.5) body.expires_in = r.next() < 0.5 ? r.int(7200) : anyValue();
    if (r.next() < 0.2) body.refresh_token = anyValue();
    if (r.next() < 0.2) body.scope = anyValue();
    if (r.next() < 0.2) body.error = anyValue();
    if (r.next() < 0.1) body.errors = [{ code: anyValue(), message: anyValue(), label: anyValue() }];
    if (r.next() < 0.1) body.__proto__ = { polluted: true };
    return JSON.stringify(body);
  };
  const body = r.pick<() => string | Buffer>([
    tokenish,
    tokenish,
    tokenish,
    () => JSON.stringify(anyValue()),
    () => tokenish().slice(0, r.int(40)),
    () => '<html><body>Error</body></html>',
    () => Buffer.from(Array.from({ length: r.int(64) }, () => r.int(256))),
    () => '',
    () => `access_token=t&token_type=bearer`,
    () => `{"access_token":"${'A'.repeat(70_000)}","token_type":"bearer"}`,
    () => '{"access_token":"t","token_type":"bearer","expires_in":1e400}',
    () => '\uFEFF{"access_token":"t","token_type":"bearer"}',
  ])();
  const headers: Record<string, string> = {};
  if (contentType) headers['content-type'] = contentType;
  if (r.next() < 0.1) headers['retry-after'] = String(anyValue());
  if (r.next() < 0.05) headers['www-authenticate'] = 'Bearer error="invalid_token"';
  return { status, headers, body: Buffer.isBuffer(body) ? body : Buffer.from(body) };
}

let server: Server;
let next: Reply;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(next.status, next.headers);
      res.end(next.status === 204 ? undefined : next.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('token response fuzzing (real loopback server)', () => {
  it(`${ITERATIONS} random bodies and headers: each outcome is a valid token or a TokensmithError`, async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const r = prng(20261123);
    const outcomes = { token: 0, errors: new Map<string, number>() };
    try {
      for (let i = 0; i < ITERATIONS; i++) {
        next = randomReply(r);
        const provider = createClientCredentialsProvider({ tokenUrl: url, clientId: 'fuzz', clientSecret: SECRET, timeoutMs: 5_000 });
        try {
          const token = await provider.getToken();
          expect(token.type).toBe('bearer');
          expect(typeof token.accessToken === 'string' && token.accessToken.length > 0).toBe(true);
          if (token.expiresAt !== undefined) expect(Number.isFinite(token.expiresAt)).toBe(true);
          expect(next.status).toBeLessThan(300);
          outcomes.token++;
        } catch (error) {
          if (!(error instanceof TokensmithError))
            throw new Error(`iteration ${i}: ${String(error)} is not a TokensmithError (status ${next.status})`, { cause: error });
          expect(error.message).not.toContain(SECRET);
          outcomes.errors.set(error.code, (outcomes.errors.get(error.code) ?? 0) + 1);
        }
      }
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    // The generator must exercise both sides, or the test proves nothing.
    expect(outcomes.token).toBeGreaterThan(10);
    expect(outcomes.errors.get('oauth_response')).toBeGreaterThan(50);
    expect(outcomes.errors.get('invalid_token_response')).toBeGreaterThan(50);
  }, 180_000);
});
