// Every Redis command the store sends, bounded by its own deadline (also for a client the user
// passed in, whose timeouts we do not know) and its failure told in our words as `store_unavailable`.
import { storeUnavailable } from '@tokensmith/core/kit';

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

/** A Redis client whose every command ends within `timeoutMs`, or fails with a `store_unavailable` naming `where`. */
export class BoundedRedis {
  /** Why the connection this store opened last failed (a socket error code), to explain the commands that fail. */
  lastConnectionError: string | undefined;

  /**
   * @param client The client the commands go to.
   * @param where The server, for messages: a URL with its password masked.
   * @param timeoutMs The bound on each command.
   */
  constructor(
    readonly client: RedisClientLike,
    readonly where: string,
    readonly timeoutMs: number,
  ) {}

  /** One Redis command (the first word of `operation`, which names it in messages), bounded, its failure translated. */
  async call(operation: string, ...args: (string | number)[]): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutMarker()), this.timeoutMs);
    });
    try {
      return await Promise.race([this.client.call(operation.split(' ')[0] as string, ...args), deadline]);
    } catch (error) {
      const timedOut = error instanceof TimeoutMarker || (error instanceof Error && /Command timed out/i.test(error.message));
      if (timedOut) {
        throw storeUnavailable(
          `Redis ${this.where} did not answer ${operation} within ${this.timeoutMs} ms; is the server running and reachable? Check the store URL`,
        );
      }
      throw storeUnavailable(
        `Redis ${this.where} ${operation} failed (${reason(error, this.lastConnectionError)}); is the server running? Check the store URL`,
        error,
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
