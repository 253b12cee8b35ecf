import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { createTokenManager, type BearerCredentials } from '@tokensmith/core/kit';
import { RedisStore, type RedisClientLike } from '../src/index.js';
import { startRedisServer, type RedisServer } from '../src/testing/redis-server.js';
import { caughtTokensmithError } from '@tokensmith/core/testing';

const bearer = (accessToken: string, extra: Partial<BearerCredentials> = {}): BearerCredentials => ({
  type: 'bearer',
  accessToken,
  ...extra,
});

const caught = caughtTokensmithError;

let server: RedisServer;
let redis: Redis;
let prefix: string;
const opened: RedisStore[] = [];
const open = (options: ConstructorParameters<typeof RedisStore>[1] = {}) => {
  const store = new RedisStore(server.url, { keyPrefix: prefix, ...options });
  opened.push(store);
  return store;
};

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
});
afterAll(async () => {
  await redis?.quit();
  await server?.stop();
});
beforeEach(() => {
  prefix = `test-${randomBytes(4).toString('hex')}:`;
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

describe('RedisStore: tokens', () => {
  it('stores JSON under the prefix, keeps other keys on set and delete, and lists entries', async () => {
    const store = open();
    await store.set('b#app#', bearer('t-b'));
    await store.set('a#user#alice', { type: 'oauth1', token: 'tok', tokenSecret: 'sec' });
    await store.set('c#gone#', bearer('t-c'));
    await store.delete('c#gone#');
    expect(JSON.parse((await redis.get(`${prefix}token:b#app#`)) as string)).toEqual(bearer('t-b'));
    expect(await store.get('a#user#alice')).toEqual({ type: 'oauth1', token: 'tok', tokenSecret: 'sec' });
    expect(await store.get('c#gone#')).toBeUndefined();
    expect(await store.entries()).toEqual([
      { key: 'a#user#alice', credentials: { type: 'oauth1', token: 'tok', tokenSecret: 'sec' } },
      { key: 'b#app#', credentials: bearer('t-b') },
    ]);
    // Another prefix is another store.
    expect(await new RedisStore(redis, { keyPrefix: `${prefix}other:` }).entries()).toEqual([]);
  });

  it('sets the TTL from expiresAt (plus the grace), none without expiresAt or with a refresh token', async () => {
    const clock = Date.now();
    const store = open({ now: () => clock, ttlGraceMs: 60_000 });
    await store.set('expiring', bearer('t', { expiresAt: clock + 120_000 }));
    await store.set('forever', bearer('t'));
    await store.set('refreshable', bearer('t', { expiresAt: clock + 120_000, refreshToken: 'r' }));
    await store.set('oauth1', { type: 'oauth1', token: 't', tokenSecret: 's' });
    const ttl = await redis.pttl(`${prefix}token:expiring`);
    expect(ttl).toBeGreaterThan(170_000);
    expect(ttl).toBeLessThanOrEqual(180_000);
    expect(await redis.pttl(`${prefix}token:forever`)).toBe(-1);
    expect(await redis.pttl(`${prefix}token:refreshable`)).toBe(-1);
    expect(await redis.pttl(`${prefix}token:oauth1`)).toBe(-1);
  });

  it('keeps a just-expired token for the grace, and deletes one past it instead of storing it', async () => {
    const clock = Date.now();
    const store = open({ now: () => clock, ttlGraceMs: 60_000 });
    await store.set('k', bearer('old'));
    await store.set('k', bearer('just-expired', { expiresAt: clock - 1_000 }));
    expect(await store.get('k')).toEqual(bearer('just-expired', { expiresAt: clock - 1_000 }));
    await store.set('k', bearer('long-dead', { expiresAt: clock - 61_000 }));
    expect(await redis.exists(`${prefix}token:k`)).toBe(0);
  });

  it('a value that is not credentials gives a store_error naming the key on get, is skipped by entries(), and stays as it is', async () => {
    const store = open();
    await redis.set(`${prefix}token:k`, '{"type":"bearer","accessToken":"precious-abc"');
    await store.set('good', bearer('good-token'));
    expect(await store.entries()).toEqual([{ key: 'good', credentials: bearer('good-token') }]);
    {
      const error = await caught(store.get('k'));
      expect(error.code).toBe('store_error');
      expect(error.message).toContain(`"${prefix}token:k"`);
      expect(error.message).toContain('DEL');
      expect(error.message).not.toContain('precious-abc');
    }
    expect(await redis.get(`${prefix}token:k`)).toBe('{"type":"bearer","accessToken":"precious-abc"');
  });

  it('rejects bad arguments without echoing a URL (it may hold a password)', () => {
    expect(() => new RedisStore('http://user:hunter2@127.0.0.1:1')).toThrow('redis must be a redis:// or rediss:// URL, not http:');
    expect(() => new RedisStore('not a url hunter2')).toThrow('redis must be a redis:// or rediss:// URL, or an ioredis client');
    expect(() => new RedisStore('not a url hunter2')).not.toThrow(/hunter2/);
    expect(() => new RedisStore(server.url, { lockLeaseMs: -5 })).toThrow('lockLeaseMs must be a finite number >= 0');
  });

  it('a Redis that refuses connections: store_unavailable naming the URL with the password masked, no ioredis advice', async () => {
    const closed = server.port === 1 ? 2 : 1;
    const store = new RedisStore(`redis://user:hunter2@127.0.0.1:${closed}`, { keyPrefix: prefix });
    try {
      const error = await caught(store.get('k'));
      expect(error.code).toBe('store_unavailable');
      expect(error.message).toBe(
        `Redis redis://***:***@127.0.0.1:${closed} GET failed (ECONNREFUSED); is the server running? Check the store URL`,
      );
      expect(error.message).not.toMatch(/hunter2|maxRetriesPerRequest/);
    } finally {
      await store.close();
    }
  });

  describe('a Redis that accepts connections and never answers (a real TCP server)', () => {
    let silent: Server;
    let port: number;
    const sockets: Socket[] = [];
    beforeAll(async () => {
      silent = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      port = (silent.address() as AddressInfo).port;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('every command fails within its bound with store_unavailable, for a store opened from a URL', async () => {
      const store = new RedisStore(`redis://:hunter2@127.0.0.1:${port}`, { keyPrefix: prefix, commandTimeoutMs: 1_000 });
      try {
        for (const attempt of [
          () => store.get('k'),
          () => store.set('k', bearer('t')),
          () => store.entries(),
          () => store.lock('k', async () => undefined),
        ]) {
          const started = performance.now();
          const error = await caught(attempt());
          expect(performance.now() - started).toBeLessThan(4_000);
          expect(error.code).toBe('store_unavailable');
          expect(error.message).toMatch(
            new RegExp(
              `^Redis redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port} did not answer \\S+.* within 1000 ms; is the server running and reachable\\?`,
            ),
          );
          expect(error.message).not.toContain('hunter2');
        }
      } finally {
        await store.close();
      }
    });

    it('and for a client you pass in that has no timeout of its own', async () => {
      const client = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: null, disconnectTimeout: 100 });
      client.on('error', () => undefined);
      const store = new RedisStore(client, { keyPrefix: prefix, commandTimeoutMs: 500 });
      try {
        const error = await caught(store.get('k'));
        expect(error.code).toBe('store_unavailable');
        expect(error.message).toBe(
          `Redis redis://127.0.0.1:${port} did not answer GET within 500 ms; is the server running and reachable? Check the store URL`,
        );
      } finally {
        client.disconnect();
      }
    });
  });

  it('takes any client by its shape (call), so another copy or major of ioredis type-checks', async () => {
    const seen: string[] = [];
    // Not ioredis at all: only the shape the store needs.
    const client: RedisClientLike = {
      call: async (command: string, ...args: (string | number)[]) => {
        seen.push([command, ...args].join(' '));
        return command === 'GET' ? JSON.stringify(bearer('from-shape')) : 'OK';
      },
    };
    const store = new RedisStore(client, { keyPrefix: 'shape:' });
    expect(await store.get('k')).toEqual(bearer('from-shape'));
    await store.set('k', bearer('t'));
    expect(seen).toEqual(['GET shape:token:k', `SET shape:token:k ${JSON.stringify(bearer('t'))}`]);
    // The real ioredis client satisfies the same shape.
    const real: RedisClientLike = redis;
    expect(typeof real.call).toBe('function');
  });

  it('close() closes the connection it opened, and leaves a client you passed in open', async () => {
    const own = new RedisStore(server.url, { keyPrefix: prefix });
    await own.get('k');
    await own.close();
    await expect(own.get('k')).rejects.toMatchObject({ code: 'store_unavailable' });
    const client = new Redis(server.url);
    const borrowed = new RedisStore(client, { keyPrefix: prefix });
    await borrowed.close();
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });
});

describe('RedisStore: locks', () => {
  it('serialises lock(key) across connections (two stores, as two processes would be)', async () => {
    const stores = [open({ lockPollMs: 1 }), open({ lockPollMs: 1 })];
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (stores[i % 2] as RedisStore).lock('k', async () => {
          inside++;
          most = Math.max(most, inside);
          order.push(i);
          await redis.ping(); // a real round trip while holding it
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(order).toHaveLength(10);
    expect(await redis.exists(`${prefix}lock:k`)).toBe(0);
  });

  it('holds SET NX PX with a random token and the lease while fn runs', async () => {
    const store = open({ lockLeaseMs: 30_000 });
    const seen = await store.lock('k', async () => ({
      token: await redis.get(`${prefix}lock:k`),
      ttl: await redis.pttl(`${prefix}lock:k`),
    }));
    expect(seen.token).toMatch(/^[0-9a-f]{32}$/);
    expect(seen.ttl).toBeGreaterThan(25_000);
    expect(seen.ttl).toBeLessThanOrEqual(30_000);
  });

  it("waits for the holder, then fails with a store_error and leaves the holder's lock alone", async () => {
    let clock = 1_700_000_000_000;
    // Each reading of the clock moves it 1 s on: the 5 s wait runs out after a few polls.
    const store = open({ now: () => (clock += 1_000), lockTimeoutMs: 5_000, lockPollMs: 1 });
    await redis.set(`${prefix}lock:k`, 'someone-else', 'PX', 60_000);
    let ran = false;
    const error = await caught(
      store.lock('k', async () => {
        ran = true;
      }),
    );
    expect(ran).toBe(false);
    expect(error.code).toBe('store_error');
    expect(error.message).toContain(`timed out after 5000 ms waiting for the refresh lock "${prefix}lock:k" on Redis ${server.url}`);
    // The lock key's own expiry, never a token "lease" (tokens without expiresAt have no TTL).
    expect(error.message).toContain('That lock key expires by itself at most 30000 ms after its holder stops');
    expect(error.message).not.toMatch(/holder's lease/);
    expect(await redis.get(`${prefix}lock:k`)).toBe('someone-else');
  });

  it('releases only its own lock (compare-and-delete): a lock retaken after its lease stays', async () => {
    const store = open();
    await store.lock('k', async () => {
      await redis.set(`${prefix}lock:k`, 'new-holder', 'PX', 60_000);
    });
    expect(await redis.get(`${prefix}lock:k`)).toBe('new-holder');
  });

  it('renews its lease while fn runs', async () => {
    const store = open({ lockLeaseMs: 30_000 });
    const lockKey = `${prefix}lock:k`;
    // Fake setInterval only (ioredis keeps its real timers): the renewal runs when we say so.
    jest.useFakeTimers({
      doNotFake: [
        'Date',
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'requestAnimationFrame',
        'cancelAnimationFrame',
        'requestIdleCallback',
        'cancelIdleCallback',
        'setImmediate',
        'clearImmediate',
        'setTimeout',
        'clearTimeout',
      ],
    });
    try {
      const renewedTo = await store.lock('k', async () => {
        await redis.pexpire(lockKey, 5_000);
        jest.advanceTimersByTime(10_000); // one renewal period (lease / 3)
        let ttl = await redis.pttl(lockKey);
        for (let i = 0; i < 1_000 && ttl <= 5_000; i++) ttl = await redis.pttl(lockKey);
        return ttl;
      });
      expect(renewedTo).toBeGreaterThan(25_000);
    } finally {
      jest.useRealTimers();
    }
    expect(await redis.exists(lockKey)).toBe(0);
  });

  it('takes over a lock whose holder died once its lease runs out', async () => {
    const store = open({ lockPollMs: 1 });
    await redis.set(`${prefix}lock:k`, 'crashed-holder', 'PX', 30);
    await expect(store.lock('k', async () => redis.get(`${prefix}lock:k`))).resolves.toMatch(/^[0-9a-f]{32}$/);
  });

  it('releases the lock when fn throws', async () => {
    const store = open();
    await expect(
      store.lock('k', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await redis.exists(`${prefix}lock:k`)).toBe(0);
  });

  it('gives one obtain() for many managers on separate connections', async () => {
    let obtained = 0;
    const managers = Array.from({ length: 6 }, () =>
      createTokenManager<BearerCredentials>({ key: 'k', store: open({ lockPollMs: 2 }), obtain: async () => bearer(`t${++obtained}`) }),
    );
    const results = await Promise.all(managers.flatMap((m) => [m.get(), m.get()]));
    expect(obtained).toBe(1);
    expect(new Set(results.map((r) => r.accessToken))).toEqual(new Set(['t1']));
  });
});
