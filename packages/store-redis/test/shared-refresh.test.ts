// Acceptance: many processes, one shared store, one refresh. The children run
// test/fixtures/*.mjs against the BUILT packages (build core, client-credentials and this package first).
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { tokenKey, type BearerCredentials, type TokenStore } from '@tokensmith/core/kit';
import { FileStore } from '@tokensmith/store-file';
import { DEMO_CREDENTIALS, startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { RedisStore } from '../src/index.js';
import { startRedisServer, type RedisServer } from '../src/testing/redis-server.js';

const PROCESSES = 8;
const CALLS = 200;
type Message = Record<string, unknown> & { type: string };

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
function start(script: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  return fork(fixture(script), args, { execArgv: [], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}
const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
const nextMessage = (child: ChildProcess, ...types: string[]) =>
  new Promise<Message>((resolve, reject) => {
    const onMessage = (message: Message) => {
      if (!types.includes(message.type)) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code: number | null) => reject(new Error(`child exited (${code}) before sending ${types.join('/')}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
const report = (line: string) => {
  if (process.env.TOKENSMITH_TEST_TIMINGS) process.stdout.write(`${line}\n`);
};

let redisServer: RedisServer;
let redis: Redis;
let dir: string;
beforeAll(async () => {
  redisServer = await startRedisServer();
  redis = new Redis(redisServer.url);
  dir = await mkdtemp(join(tmpdir(), 'tokensmith-shared-refresh-'));
});
afterAll(async () => {
  await redis?.quit();
  await redisServer?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe(`${PROCESSES} processes x ${CALLS} getToken() on a shared expired token`, () => {
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await startSandbox({ appTokenTtlSeconds: 3600 });
  });
  afterEach(async () => {
    await sandbox.stop();
  });

  async function run(kind: 'file' | 'redis', location: string, store: TokenStore, prefix = '') {
    const key = tokenKey({ tokenUrl: sandbox.endpoints.tokenUrl, clientId: DEMO_CREDENTIALS.app.clientId });
    // A token the sandbox never issued (so it cannot hand it back), expired a second ago.
    await store.set(key, { type: 'bearer', accessToken: 'seeded-expired-token', expiresAt: Date.now() - 1_000 });
    await store.set('other#provider#', { type: 'oauth1', token: 'other-token', tokenSecret: 'other-secret' });
    expect(await store.get(key)).toMatchObject({ accessToken: 'seeded-expired-token' });

    const began = performance.now();
    const env = { CLIENT_ID: DEMO_CREDENTIALS.app.clientId, CLIENT_SECRET: DEMO_CREDENTIALS.app.clientSecret };
    const children = Array.from({ length: PROCESSES }, () => start('shared-refresh-worker.mjs', [kind, location, sandbox.endpoints.tokenUrl, String(CALLS), prefix], env));
    await Promise.all(children.map((child) => nextMessage(child, 'ready')));
    const results = children.map((child) => nextMessage(child, 'done', 'failed'));
    const released = performance.now();
    for (const child of children) child.send('go');
    const outcome = await Promise.all(results);
    const finished = performance.now();
    await Promise.all(children.map(exited));

    expect(outcome.map((m) => m.type)).toEqual(Array(PROCESSES).fill('done'));
    expect(sandbox.stats.tokenRequests).toBe(1);
    const tokens = new Set(outcome.flatMap((m) => m.accessTokens as string[]));
    expect(tokens.size).toBe(1);
    const [token] = [...tokens] as [string];
    expect(token).not.toBe('seeded-expired-token');
    expect(sandbox.state.appTokens.get(token)).toBe(DEMO_CREDENTIALS.app.clientId);
    expect(outcome.reduce((sum, m) => sum + Number(m.calls), 0)).toBe(PROCESSES * CALLS);
    const expiries = new Set(outcome.flatMap((m) => m.expiresAt as number[]));
    expect(expiries.size).toBe(1);
    expect([...expiries][0]).toBeGreaterThan(Date.now() + 3_000_000);

    // The store ends consistent: the new token, the other provider's entry untouched.
    expect(await store.get(key)).toEqual({ type: 'bearer', accessToken: token, expiresAt: [...expiries][0] } satisfies BearerCredentials);
    expect(await store.get('other#provider#')).toEqual({ type: 'oauth1', token: 'other-token', tokenSecret: 'other-secret' });
    const waits = outcome.map((m) => Number(m.lockWaitMs));
    report(
      `${kind}: ${PROCESSES}x${CALLS} from spawn ${Math.round(finished - began)} ms, from go ${Math.round(finished - released)} ms; ` +
        `lock waits max ${Math.round(Math.max(...waits))} ms, mean ${Math.round(waits.reduce((a, b) => a + b, 0) / waits.length)} ms`,
    );
    return key;
  }

  it('FileStore: one token request reaches the sandbox, every caller gets the same valid token', async () => {
    const path = join(dir, 'shared', 'tokens.json');
    await run('file', path, new FileStore({ path }));
    expect((await readdir(join(dir, 'shared'))).sort()).toEqual(['tokens.json']);
    const onDisk = JSON.parse(await readFile(path, 'utf8')) as { tokens: Record<string, unknown> };
    expect(Object.keys(onDisk.tokens)).toHaveLength(2);
  });

  it('RedisStore: one token request reaches the sandbox, every caller gets the same valid token', async () => {
    const prefix = `accept-${randomBytes(4).toString('hex')}:`;
    const store = new RedisStore(redis, { keyPrefix: prefix });
    const key = await run('redis', redisServer.url, store, prefix);
    expect(await redis.keys(`${prefix}lock:*`)).toEqual([]);
    const ttl = await redis.pttl(`${prefix}token:${key}`);
    expect(ttl).toBeGreaterThan(3_000_000);
    expect(ttl).toBeLessThanOrEqual(3_660_000);
  });
});

describe('a refresh-token rotation race between two processes over Redis', () => {
  let server: Server;
  let tokenUrl: string;
  let issued = 0;
  let invalidGrants = 0;
  let currentRefreshToken = 'rt-0';
  let lockRequests = 0;
  let allLocking!: () => void;
  const bothLocking = new Promise<void>((resolve) => { allLocking = resolve; });

  beforeAll(async () => {
    // Single-use rotating refresh tokens: reusing one is invalid_grant. The token rotates at once;
    // the answer waits until both processes have asked for the lock, so the race is real.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      req.on('end', async () => {
        const form = new URLSearchParams(body);
        const send = (status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
        if (form.get('grant_type') !== 'refresh_token') return send(400, { error: 'unsupported_grant_type' });
        if (form.get('refresh_token') !== currentRefreshToken) {
          invalidGrants++;
          return send(400, { error: 'invalid_grant' });
        }
        issued++;
        currentRefreshToken = `rt-${issued}`;
        const answer = { access_token: `at-${issued}`, refresh_token: currentRefreshToken, token_type: 'bearer', expires_in: 3600 };
        await bothLocking;
        send(200, answer);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('ends with one refresh, no invalid_grant, both processes and the store holding the newest tokens', async () => {
    const prefix = `rotate-${randomBytes(4).toString('hex')}:`;
    const store = new RedisStore(redis, { keyPrefix: prefix });
    await store.set('rotating#client#alice', { type: 'bearer', accessToken: 'at-0', refreshToken: 'rt-0', expiresAt: Date.now() + 3600_000 });
    const children = [0, 1].map(() => start('rotation-worker.mjs', [redisServer.url, prefix, 'rotating#client#alice', tokenUrl]));
    for (const child of children) {
      child.on('message', (m: Message) => {
        if (m.type === 'lock' && ++lockRequests === 2) allLocking();
      });
    }
    await Promise.all(children.map((child) => nextMessage(child, 'ready')));
    const results = children.map((child) => nextMessage(child, 'done', 'failed'));
    for (const child of children) child.send('go');
    const outcome = await Promise.all(results);
    await Promise.all(children.map(exited));

    expect(lockRequests).toBe(2);
    expect(issued).toBe(1);
    expect(invalidGrants).toBe(0);
    expect(outcome).toEqual([
      { type: 'done', accessToken: 'at-1', refreshToken: 'rt-1' },
      { type: 'done', accessToken: 'at-1', refreshToken: 'rt-1' },
    ]);
    expect(await store.get('rotating#client#alice')).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1' });
    expect(await redis.pttl(`${prefix}token:rotating#client#alice`)).toBe(-1); // a refresh token: no TTL
  });
});
