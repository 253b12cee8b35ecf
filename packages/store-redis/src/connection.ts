// Reaching the server: a URL becomes a connection this store owns (every wait bounded), a client
// passed in is used as it is, and either is named in messages without its password.
import { Redis } from 'ioredis';
import { TokensmithError } from '@tokensmith/core/kit';
import { BoundedRedis, type RedisClientLike } from './bounded-command.js';

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

/** The commands of a store, and the connection it opened from a URL (closed by `close()`; undefined for a client passed in). */
export interface RedisConnection {
  commands: BoundedRedis;
  owned: Redis | undefined;
}

/**
 * Opens a connection from a `redis://` or `rediss://` URL, or takes an ioredis-style client as it
 * is; anything else is an `invalid_options` error, thrown before any socket is opened.
 */
export function connectRedis(redis: string | URL | RedisClientLike, commandTimeoutMs: number): RedisConnection {
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
      connectTimeout: Math.min(commandTimeoutMs, 10_000),
      commandTimeout: commandTimeoutMs,
      maxRetriesPerRequest: 1,
      disconnectTimeout: 100,
    });
    const commands = new BoundedRedis(client, redactRedisUrl(url), commandTimeoutMs);
    // Connection errors surface on the commands that fail (remembered to say why); without a
    // listener ioredis prints them.
    client.on('error', (error: NodeJS.ErrnoException) => {
      commands.lastConnectionError = error.code ?? 'connection error';
    });
    return { commands, owned: client };
  }
  if (redis && typeof redis === 'object' && typeof (redis as Partial<RedisClientLike>).call === 'function') {
    // Duck-typed, not instanceof: the caller's ioredis may be another copy of the package.
    const { host, port } = (redis as { options?: { host?: string; port?: number } }).options ?? {};
    return {
      commands: new BoundedRedis(redis, host ? `redis://${host}:${port ?? 6379}` : 'your Redis client', commandTimeoutMs),
      owned: undefined,
    };
  }
  throw new TokensmithError('invalid_options', 'redis must be a redis:// or rediss:// URL, or an ioredis client');
}

/** Closes a connection the store opened: QUIT lets queued commands finish; a connection still (re)connecting is dropped at once. */
export async function closeOwned(owned: Redis): Promise<void> {
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
