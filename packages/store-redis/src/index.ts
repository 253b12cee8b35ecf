import { randomBytes, randomInt } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  KeyedMutex,
  TokensmithError,
  isCredentials,
  optionalFunction,
  optionalNumber,
  parseStoredCredentials,
  storeError,
  storeUnavailable,
  type Credentials,
  type StoredEntry,
  type TokenStore,
} from '@tokensmith/core/kit';

/**
 * The Redis client this store needs, typed by its shape (`call`), not by one copy of ioredis: a
 * user's own ioredis 5.x or 6.x client (whatever copy npm installed) type-checks with
 * `new RedisStore(client)`. Any client with an ioredis-style `call(command, ...args)` works.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * const client: RedisClientLike = new Redis('redis://127.0.0.1:6379');
 * ```
 */
export interface RedisClientLike {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

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

/** Deletes the lock only if it still holds our token (a lock that expired and was retaken is not ours). */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
/** Extends the lease only if the lock still holds our token. */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * A Redis URL fit to show: the password (and a username) replaced by `***`.
 *
 * @example
 * ```ts
 * redactRedisUrl('redis://:hunter2@cache:6379/0'); // 'redis://:***@cache:6379/0'
 * ```
 */
export function redactRedisUrl(url: string | URL): string {
  const safe = new URL(url);
  if (safe.username) safe.username = '***';
  if (safe.password) safe.password = '***';
  return safe.href;
}

/** What went wrong, in our words: a socket error code, or Redis's own reply (never ioredis's advice). */
function reason(error: unknown, lastConnectionError: string | undefined): string {
  const code = error && typeof error === 'object' && 'code' in error ? String(error.code) : undefined;
  if (code && /^E[A-Z]+$/.test(code)) return code;
  const message = error instanceof Error ? error.message : String(error);
  // ioredis's "Reached the max retries per request limit ... Refer to maxRetriesPerRequest" and
  // "Connection is closed." mean it could not connect: say why the connection failed instead.
  if (/max retries per request|Connection is closed|Stream isn't writeable|enableOfflineQueue/i.test(message))
    return lastConnectionError ?? 'cannot connect';
  return message
    .replace(/\/\/[^/@\s]*@/g, '//***@')
    .replace(/\s+/g, ' ')
    .slice(0, 200);
}

/** Our own command deadline passed (told apart from any error the client throws). */
class TimeoutMarker extends Error {}

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
  readonly #redis: RedisClientLike;
  /** The connection this store opened from a URL (closed by `close()`); undefined for a client passed in. */
  readonly #owned: Redis | undefined;
  /** Where, for messages: the URL with the password masked. */
  readonly #where: string;
  readonly #commandTimeoutMs: number;
  #lastConnectionError: string | undefined;
  readonly #now: () => number;
  readonly #leaseMs: number;
  readonly #timeoutMs: number;
  readonly #pollMs: number;
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
    this.#leaseMs = Math.max(1, optionalNumber(options, 'lockLeaseMs', 30_000));
    this.#timeoutMs = optionalNumber(options, 'lockTimeoutMs', 60_000);
    this.#pollMs = optionalNumber(options, 'lockPollMs', 25);
    this.#graceMs = optionalNumber(options, 'ttlGraceMs', 60_000);
    this.#commandTimeoutMs = Math.max(1, optionalNumber(options, 'commandTimeoutMs', 5_000));
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
      // Every wait bounded: the TCP connect, each command, the retries of a command while
      // reconnecting. disconnectTimeout: ioredis otherwise keeps a process alive 2 s after closing
      // a client that never connected.
      const client = new Redis(url.href, {
        connectTimeout: Math.min(this.#commandTimeoutMs, 10_000),
        commandTimeout: this.#commandTimeoutMs,
        maxRetriesPerRequest: 1,
        disconnectTimeout: 100,
      });
      // Connection errors surface on the commands that fail (remembered to say why); without a
      // listener ioredis prints them.
      client.on('error', (error: NodeJS.ErrnoException) => {
        this.#lastConnectionError = error.code ?? 'connection error';
      });
      this.#redis = client;
      this.#owned = client;
      this.#where = redactRedisUrl(url);
    } else if (redis && typeof redis === 'object' && typeof (redis as Partial<RedisClientLike>).call === 'function') {
      // Duck-typed, not instanceof: the caller's ioredis may be another copy of the package.
      this.#redis = redis;
      this.#owned = undefined;
      const { host, port } = (redis as { options?: { host?: string; port?: number } }).options ?? {};
      this.#where = host ? `redis://${host}:${port ?? 6379}` : 'your Redis client';
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

  /** One Redis command, bounded by `commandTimeoutMs` (also for a client passed in), its failure translated. */
  async #call(operation: string, ...args: (string | number)[]): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutMarker()), this.#commandTimeoutMs);
    });
    try {
      return await Promise.race([this.#redis.call(operation.split(' ')[0] as string, ...args), deadline]);
    } catch (error) {
      const timedOut = error instanceof TimeoutMarker || (error instanceof Error && /Command timed out/i.test(error.message));
      if (timedOut) {
        throw storeUnavailable(
          `Redis ${this.#where} did not answer ${operation} within ${this.#commandTimeoutMs} ms; is the server running and reachable? Check the store URL`,
        );
      }
      throw storeUnavailable(
        `Redis ${this.#where} ${operation} failed (${reason(error, this.#lastConnectionError)}); is the server running? Check the store URL`,
        error,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  #parse(redisKey: string, text: string): Credentials {
    const value = parseStoredCredentials(text);
    if (!value) {
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
    const text = await this.#call('GET', redisKey);
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
      await this.#call('SET', redisKey, value);
      return;
    }
    const ttl = Math.ceil(expiresAt + this.#graceMs - this.#now());
    if (ttl <= 0) await this.#call('DEL', redisKey);
    else await this.#call('SET', redisKey, value, 'PX', ttl);
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
    await this.#call('DEL', this.#tokenKey(key));
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
        const taken = await this.#call('SET NX (lock)', lockKey, token, 'PX', this.#leaseMs, 'NX');
        if (taken === 'OK') break;
        if (this.#now() >= deadline) {
          // The lock key's own expiry (PX), not the token's TTL: tokens without expiresAt have none.
          throw storeError(
            `timed out after ${this.#timeoutMs} ms waiting for the refresh lock ${JSON.stringify(lockKey)} on Redis ${this.#where}: ` +
              `another process is refreshing this token. That lock key expires by itself at most ${this.#leaseMs} ms after its holder stops; ` +
              `if no tokensmith process is running, delete it (DEL ${JSON.stringify(lockKey)}) or run the command again`,
          );
        }
        await pause(this.#pollMs + randomInt(0, Math.max(1, Math.floor(this.#pollMs / 2))));
      }
      const renewal = setInterval(
        () => {
          this.#redis.call('EVAL', RENEW, 1, lockKey, token, this.#leaseMs).catch(() => undefined);
        },
        Math.max(1, Math.floor(this.#leaseMs / 3)),
      );
      renewal.unref();
      try {
        return await fn();
      } finally {
        clearInterval(renewal);
        await this.#call('EVAL (unlock)', RELEASE, 1, lockKey, token);
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
      const reply = await this.#call('SCAN', cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500);
      const [next, batch] = Array.isArray(reply) ? (reply as [unknown, unknown]) : [];
      if (typeof next !== 'string' || !Array.isArray(batch))
        throw storeError(`Redis ${this.#where} answered SCAN with something that is not a SCAN reply`);
      cursor = next;
      for (const k of batch) if (typeof k === 'string') redisKeys.add(k);
    } while (cursor !== '0');
    const sorted = [...redisKeys].sort();
    if (sorted.length === 0) return [];
    const reply = await this.#call('MGET', ...sorted);
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
    const owned = this.#owned;
    if (!owned) return;
    // QUIT lets queued commands finish; a connection still (re)connecting is dropped at once.
    if (owned.status !== 'ready') {
      owned.disconnect();
      return;
    }
    try {
      await owned.quit();
    } catch {
      owned.disconnect();
    }
  }
}
