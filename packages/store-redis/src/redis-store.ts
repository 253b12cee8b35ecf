import type { Redis } from 'ioredis';
import {
  KeyedMutex,
  TokensmithError,
  isCredentials,
  optionalFunction,
  optionalNumber,
  parseStoredCredentials,
  storeError,
  type Credentials,
  type StoredEntry,
  type TokenStore,
} from '@tokensmith/core/kit';
import type { BoundedRedis, RedisClientLike } from './bounded-command.js';
import { closeOwned, connectRedis } from './connection.js';
import { withRedisLock, type RedisLockOptions } from './redis-lock.js';

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
   * Bound on every Redis command, also for a client you pass in: a Redis that accepts connections
   * and never answers fails with `store_unavailable` instead of hanging. Default 5 s.
   */
  commandTimeoutMs?: number;
  /**
   * A token's key outlives its `expiresAt` by this much (clock skew between hosts; `status` still
   * shows a just-expired token). Default 60 s.
   */
  ttlGraceMs?: number;
}

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
 * - A value that is not valid credentials gives a `store_error` naming the Redis key on `get`; it is
 *   left as it is, and `entries()` skips it (the other keys stay usable).
 * - Every command is bounded (`commandTimeoutMs`, also for a client you pass in; a connection this
 *   store opens also has ioredis's connectTimeout, commandTimeout and one retry per request). A
 *   Redis that is down, refuses, or accepts and never answers gives a `store_unavailable` naming
 *   the URL with its password masked, and asking whether the server is running.
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
  /** Every command goes through it, bounded; it also names the server in messages (password masked). */
  readonly #commands: BoundedRedis;
  /** The connection this store opened from a URL (closed by `close()`); undefined for a client passed in. */
  readonly #owned: Redis | undefined;
  readonly #now: () => number;
  readonly #lock: RedisLockOptions;
  readonly #graceMs: number;
  readonly #mutex = new KeyedMutex();

  /**
   * @param redis A `redis://` or `rediss://` URL (this store opens, and `close()` closes, the
   *   connection), or an ioredis client, 5.x or 6.x (yours: `close()` leaves it open).
   */
  constructor(redis: string | URL | RedisClientLike, options: RedisStoreOptions = {}) {
    if (!options || typeof options !== 'object') throw new TokensmithError('invalid_options', 'RedisStore options must be an object');
    // Every option is checked before a connection is opened: a bad option leaks no socket.
    const prefix: unknown = options.keyPrefix ?? 'tokensmith:';
    if (typeof prefix !== 'string') throw new TokensmithError('invalid_options', 'keyPrefix must be a string');
    this.keyPrefix = prefix;
    this.#now = optionalFunction(options, 'now') ?? Date.now;
    this.#lock = {
      now: this.#now,
      leaseMs: Math.max(1, optionalNumber(options, 'lockLeaseMs', 30_000)),
      timeoutMs: optionalNumber(options, 'lockTimeoutMs', 60_000),
      pollMs: optionalNumber(options, 'lockPollMs', 25),
    };
    this.#graceMs = optionalNumber(options, 'ttlGraceMs', 60_000);
    const commandTimeoutMs = Math.max(1, optionalNumber(options, 'commandTimeoutMs', 5_000));
    ({ commands: this.#commands, owned: this.#owned } = connectRedis(redis, commandTimeoutMs));
  }

  #tokenKey(key: string): string {
    return `${this.keyPrefix}token:${key}`;
  }

  #lockKey(key: string): string {
    return `${this.keyPrefix}lock:${key}`;
  }

  #parse(redisKey: string, text: string): Credentials {
    const value = parseStoredCredentials(text);
    if (!value) {
      throw storeError(
        `Redis key ${JSON.stringify(redisKey)} does not hold valid tokensmith credentials and was left untouched; ` +
          'to reset it, delete the key (DEL) or log out',
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
    const text = await this.#commands.call('GET', redisKey);
    return typeof text === 'string' ? this.#parse(redisKey, text) : undefined;
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
      await this.#commands.call('SET', redisKey, value);
      return;
    }
    const ttl = Math.ceil(expiresAt + this.#graceMs - this.#now());
    if (ttl <= 0) await this.#commands.call('DEL', redisKey);
    else await this.#commands.call('SET', redisKey, value, 'PX', ttl);
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
    await this.#commands.call('DEL', this.#tokenKey(key));
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
    return this.#mutex.run(key, () => withRedisLock(this.#commands, this.#lockKey(key), this.#lock, fn));
  }

  /**
   * Every stored token under this prefix, sorted by key (for `tokensmith status`).
   *
   * @example
   * ```ts
   * const store = new RedisStore('redis://127.0.0.1:6379');
   * for (const { key, credentials } of await store.entries()) console.log(key, credentials.type);
   * ```
   */
  async entries(): Promise<StoredEntry[]> {
    const prefix = `${this.keyPrefix}token:`;
    const redisKeys = new Set<string>();
    let cursor = '0';
    do {
      const reply = await this.#commands.call('SCAN', cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500);
      const [next, batch] = Array.isArray(reply) ? (reply as [unknown, unknown]) : [];
      if (typeof next !== 'string' || !Array.isArray(batch))
        throw storeError(`Redis ${this.#commands.where} answered SCAN with something that is not a SCAN reply`);
      cursor = next;
      for (const k of batch) if (typeof k === 'string') redisKeys.add(k);
    } while (cursor !== '0');
    const sorted = [...redisKeys].sort();
    if (sorted.length === 0) return [];
    const reply = await this.#commands.call('MGET', ...sorted);
    const values: unknown[] = Array.isArray(reply) ? reply : [];
    const entries: StoredEntry[] = [];
    sorted.forEach((redisKey, i) => {
      const text = values[i];
      // A key that expired between SCAN and MGET is simply gone.
      if (typeof text !== 'string') return;
      // A value that is not credentials costs only its own key (its own get() names it).
      const credentials = parseStoredCredentials(text);
      if (credentials) entries.push({ key: redisKey.slice(prefix.length), credentials });
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
    if (this.#owned) await closeOwned(this.#owned);
  }
}
