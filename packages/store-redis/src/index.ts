import { randomBytes, randomInt } from 'node:crypto';
import { Redis } from 'ioredis';
import { KeyedMutex, TokensmithError, isCredentials, optionalFunction, optionalNumber, storeError, type Credentials, type StoredEntry, type TokenStore } from '@tokensmith/core/kit';

/**
 * Options of {@link RedisStore}.
 *
 * @example
 * ```ts
 * const options: RedisStoreOptions = { keyPrefix: 'myapp:tokensmith:', lockTimeoutMs: 10_000 };
 * ```
 */
export interface RedisStoreOptions {
  /** Prefix of every Redis key this store touches. Default `tokensmith:`. */
  keyPrefix?: string;
  /** Clock, epoch ms: TTLs from `expiresAt`, and the lock wait deadline. Default `Date.now`. */
  now?: () => number;
  /** Lease of a refresh lock (`PX`), renewed every third of it while `fn` runs. Default 30 s. */
  lockLeaseMs?: number;
  /** How long `lock()` waits for another holder before a `store_error`. Default 60 s. */
  lockTimeoutMs?: number;
  /** Poll interval while waiting for a lock (plus up to 50% jitter). Default 25 ms. */
  lockPollMs?: number;
  /**
   * A token's key outlives its `expiresAt` by this much (clock skew between hosts; `status` still
   * shows a just-expired token). Default 60 s.
   */
  ttlGraceMs?: number;
}

/** Deletes the lock only if it still holds our token (a lock that expired and was retaken is not ours). */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
/** Extends the lease only if the lock still holds our token. */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/** An error's message with any `scheme://user:password@` credentials masked. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\/\/[^/@\s]*@/g, '//[redacted]@').slice(0, 300);
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

/**
 * A {@link TokenStore} in Redis, shared by every process and host that uses the same Redis: one
 * refresh per key for a whole fleet.
 *
 * - Tokens are JSON under `<prefix>token:<key>`. The key expires `ttlGraceMs` after `expiresAt`;
 *   a token without `expiresAt`, or with a `refreshToken` (which outlives its access token), gets
 *   no TTL. Storing a token already past `expiresAt + ttlGraceMs` without a refresh token deletes it.
 * - `lock(key, fn)` takes `<prefix>lock:<key>` with `SET NX PX lease` and a random token, renews
 *   the lease every third of it while `fn` runs, releases with a Lua compare-and-delete (never
 *   another holder's lock), and gives up after `lockTimeoutMs` with a `store_error`. If this
 *   process stalls past a whole lease (renewal impossible), another holder may take the lock:
 *   keep `lockLeaseMs` well above a token request's timeout. Callers in one process also queue on
 *   an in-process mutex, so they do not poll Redis against each other.
 * - A value that is not valid credentials gives a `store_error` naming the Redis key; it is left as it is.
 *
 * @example
 * ```ts
 * import { RedisStore } from '@tokensmith/store-redis';
 * import { createClientCredentialsProvider } from '@tokensmith/client-credentials';
 *
 * const store = new RedisStore(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
 * const provider = createClientCredentialsProvider({ tokenUrl, clientId, clientSecret, store });
 * // ...
 * await store.close();
 * ```
 */
export class RedisStore implements TokenStore {
  /** The prefix of every key this store touches. */
  readonly keyPrefix: string;
  readonly #redis: Redis;
  readonly #owned: boolean;
  readonly #now: () => number;
  readonly #leaseMs: number;
  readonly #timeoutMs: number;
  readonly #pollMs: number;
  readonly #graceMs: number;
  readonly #mutex = new KeyedMutex();

  /**
   * @param redis A `redis://` or `rediss://` URL (this store opens, and `close()` closes, the
   *   connection), or an ioredis client (yours: `close()` leaves it open).
   */
  constructor(redis: string | URL | Redis, options: RedisStoreOptions = {}) {
    if (!options || typeof options !== 'object') throw new TokensmithError('invalid_options', 'RedisStore options must be an object');
    // Every option is checked before a connection is opened: a bad option leaks no socket.
    const prefix: unknown = options.keyPrefix ?? 'tokensmith:';
    if (typeof prefix !== 'string') throw new TokensmithError('invalid_options', 'keyPrefix must be a string');
    this.keyPrefix = prefix;
    this.#now = optionalFunction(options, 'now') ?? Date.now;
    this.#leaseMs = Math.max(1, optionalNumber(options, 'lockLeaseMs', 30_000));
    this.#timeoutMs = optionalNumber(options, 'lockTimeoutMs', 60_000);
    this.#pollMs = optionalNumber(options, 'lockPollMs', 25);
    this.#graceMs = optionalNumber(options, 'ttlGraceMs', 60_000);
    if (typeof redis === 'string' || redis instanceof URL) {
      let url: URL;
      try {
        url = new URL(redis);
      } catch {
        throw new TokensmithError('invalid_options', 'redis must be a redis:// or rediss:// URL, or an ioredis client');
      }
      if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
        throw new TokensmithError('invalid_options', `redis must be a redis:// or rediss:// URL, not ${url.protocol}`);
      }
      // disconnectTimeout: ioredis otherwise keeps a process alive 2 s after closing a client that never connected.
      this.#redis = new Redis(url.href, { maxRetriesPerRequest: 2, connectTimeout: 10_000, disconnectTimeout: 100 });
      // Connection errors surface on the commands that fail; without a listener ioredis prints them.
      this.#redis.on('error', () => undefined);
      this.#owned = true;
    } else if (redis && typeof redis === 'object' && typeof (redis as Partial<Redis>).eval === 'function') {
      // Duck-typed, not instanceof: the caller's ioredis may be another copy of the package.
      this.#redis = redis;
      this.#owned = false;
    } else {
      throw new TokensmithError('invalid_options', 'redis must be a redis:// or rediss:// URL, or an ioredis client');
    }
  }

  #tokenKey(key: string): string {
    return `${this.keyPrefix}token:${key}`;
  }

  #lockKey(key: string): string {
    return `${this.keyPrefix}lock:${key}`;
  }

  async #call<T>(operation: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      const { host, port } = this.#redis.options ?? {};
      const where = host ? ` on ${host}:${port ?? 6379}` : '';
      throw storeError(`Redis ${operation}${where} failed: ${describe(error)}`, error);
    }
  }

  #parse(redisKey: string, text: string): Credentials {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (!isCredentials(value)) {
      throw storeError(
        `Redis key ${JSON.stringify(redisKey)} does not hold valid tokensmith credentials and was left untouched; ` +
          'to reset it, delete the key (DEL) or run `tokensmith logout`',
      );
    }
    return value;
  }

  /**
   * The credentials stored under `key`.
   *
   * @example
   * ```ts
   * const creds = await store.get(tokenKey({ tokenUrl, clientId }));
   * ```
   */
  async get(key: string): Promise<Credentials | undefined> {
    const redisKey = this.#tokenKey(key);
    const text = await this.#call('GET', () => this.#redis.get(redisKey));
    return text === null ? undefined : this.#parse(redisKey, text);
  }

  /**
   * Stores `credentials` under `key`, expiring `ttlGraceMs` after `expiresAt` (no TTL without
   * `expiresAt` or with a refresh token).
   *
   * @example
   * ```ts
   * await store.set(key, { type: 'bearer', accessToken, expiresAt: Date.now() + 3600_000 });
   * ```
   */
  async set(key: string, credentials: Credentials): Promise<void> {
    if (!isCredentials(credentials)) throw new TokensmithError('invalid_options', 'credentials must be bearer or oauth1 credentials');
    const redisKey = this.#tokenKey(key);
    const value = JSON.stringify(credentials);
    const expiresAt = credentials.type === 'bearer' && credentials.refreshToken === undefined ? credentials.expiresAt : undefined;
    if (expiresAt === undefined) {
      await this.#call('SET', () => this.#redis.set(redisKey, value));
      return;
    }
    const ttl = Math.ceil(expiresAt + this.#graceMs - this.#now());
    if (ttl <= 0) await this.#call('DEL', () => this.#redis.del(redisKey));
    else await this.#call('SET', () => this.#redis.set(redisKey, value, 'PX', ttl));
  }

  /**
   * Forgets `key`.
   *
   * @example
   * ```ts
   * await store.delete(key); // logout
   * ```
   */
  async delete(key: string): Promise<void> {
    await this.#call('DEL', () => this.#redis.del(this.#tokenKey(key)));
  }

  /**
   * Runs `fn` holding `key`'s Redis lock (see the class notes). Re-read inside `fn`: another
   * process may have refreshed while this one waited.
   *
   * @example
   * ```ts
   * await store.lock(key, async () => {
   *   const current = await store.get(key);
   *   if (!current || !isFresh(current, Date.now())) await store.set(key, await refresh(current));
   * });
   * ```
   */
  lock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.#mutex.run(key, async () => {
      const lockKey = this.#lockKey(key);
      const token = randomBytes(16).toString('hex');
      const deadline = this.#now() + this.#timeoutMs;
      for (;;) {
        const taken = await this.#call('SET NX (lock)', () => this.#redis.set(lockKey, token, 'PX', this.#leaseMs, 'NX'));
        if (taken === 'OK') break;
        if (this.#now() >= deadline) {
          throw storeError(
            `timed out after ${this.#timeoutMs} ms waiting for the Redis lock ${JSON.stringify(lockKey)}; ` +
              `its holder's lease ends within ${this.#leaseMs} ms unless it is still running`,
          );
        }
        await pause(this.#pollMs + randomInt(0, Math.max(1, Math.floor(this.#pollMs / 2))));
      }
      const renewal = setInterval(() => {
        this.#redis.eval(RENEW, 1, lockKey, token, this.#leaseMs).catch(() => undefined);
      }, Math.max(1, Math.floor(this.#leaseMs / 3)));
      renewal.unref();
      try {
        return await fn();
      } finally {
        clearInterval(renewal);
        await this.#call('EVAL (unlock)', () => this.#redis.eval(RELEASE, 1, lockKey, token));
      }
    });
  }

  /**
   * Every stored token under this prefix, sorted by key (for `tokensmith status`).
   *
   * @example
   * ```ts
   * for (const { key, credentials } of await store.entries()) console.log(key, credentials.type);
   * ```
   */
  async entries(): Promise<StoredEntry[]> {
    const prefix = `${this.keyPrefix}token:`;
    const redisKeys = new Set<string>();
    let cursor = '0';
    do {
      const [next, batch] = await this.#call('SCAN', () => this.#redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500));
      cursor = next;
      for (const k of batch) redisKeys.add(k);
    } while (cursor !== '0');
    const sorted = [...redisKeys].sort();
    if (sorted.length === 0) return [];
    const values = await this.#call('MGET', () => this.#redis.mget(...sorted));
    const entries: StoredEntry[] = [];
    sorted.forEach((redisKey, i) => {
      const text = values[i];
      // A key that expired between SCAN and MGET is simply gone.
      if (text !== null && text !== undefined) entries.push({ key: redisKey.slice(prefix.length), credentials: this.#parse(redisKey, text) });
    });
    return entries;
  }

  /**
   * Closes the connection this store opened from a URL; a client you passed in stays open (it is yours).
   *
   * @example
   * ```ts
   * const store = new RedisStore('redis://127.0.0.1:6379');
   * try { await run(store); } finally { await store.close(); }
   * ```
   */
  async close(): Promise<void> {
    if (!this.#owned) return;
    // QUIT lets queued commands finish; a connection still (re)connecting is dropped at once.
    if (this.#redis.status !== 'ready') {
      this.#redis.disconnect();
      return;
    }
    try {
      await this.#redis.quit();
    } catch {
      this.#redis.disconnect();
    }
  }
}
