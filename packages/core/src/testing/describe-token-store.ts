// The TokenStore contract as a jest suite: every store (memory, file, Redis, keychain) runs the same
// tests, so a new store proves itself by one call. Imports jest's globals explicitly, so it runs
// from a built `dist` under any jest configuration.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { BearerCredentials, Credentials, OAuth1Credentials } from '../credentials.js';
import type { TokenStore } from '../token-store.js';

/**
 * How {@link describeTokenStore} opens and judges a store.
 *
 * @example
 * ```ts
 * const options: TokenStoreSuiteOptions = { reopen: (store) => new FileStore({ path: (store as FileStore).path }), entries: true };
 * ```
 */
export interface TokenStoreSuiteOptions {
  /**
   * A second store over the same storage, as another process would open it. When given, the suite
   * checks that tokens persist across instances and that `lock()` excludes across them.
   */
  reopen?: (store: TokenStore) => TokenStore | Promise<TokenStore>;
  /** Whether the store implements `entries()` (then the suite checks it). */
  entries?: boolean;
}

const bearer = (accessToken: string, extra: Partial<BearerCredentials> = {}): BearerCredentials => ({
  type: 'bearer',
  accessToken,
  ...extra,
});
const oauth1: OAuth1Credentials = { type: 'oauth1', token: 'oauth1-token', tokenSecret: 'oauth1-secret' };
/** Keys as real ones look (URL, client id, user) and as hostile ones might: glob, Unicode, separators. */
const ODD_KEYS = [
  'https://api.twitter.com/oauth2/token#abc#',
  'https://x.example/token#c#alice@example.com',
  'k*ey?[x]\\',
  'ключ#日本#',
  ':',
  'a'.repeat(500),
];

/** Storage round trips the waiting instance makes before the suite judges that its lock attempt is blocked. */
const ROUND_TRIPS_AFTER_ATTEMPT = 20;

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

/**
 * Declares the TokenStore conformance tests (jest) for one store: absent keys, round trips of both
 * credential types with their extra fields, copies (not shared objects), overwrite, delete, keys
 * that never collide, `lock()` that serialises one key and not others, returns `fn`'s value and
 * releases on a throw, and (when declared) `entries()` and persistence across instances.
 * `makeStore` runs before each test; the store is closed after it.
 *
 * @example
 * ```ts
 * import { describeTokenStore } from '@tokensmith/core/testing';
 * describeTokenStore('MemoryStore', () => new MemoryStore(), { entries: true });
 * ```
 */
export function describeTokenStore(
  name: string,
  makeStore: () => TokenStore | Promise<TokenStore>,
  options: TokenStoreSuiteOptions = {},
): void {
  describe(`${name}: the TokenStore contract`, () => {
    let store: TokenStore;
    const opened: TokenStore[] = [];
    const reopen = async () => {
      const other = await (options.reopen as NonNullable<TokenStoreSuiteOptions['reopen']>)(store);
      opened.push(other);
      return other;
    };
    beforeEach(async () => {
      store = await makeStore();
      opened.push(store);
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close?.();
    });

    it('reads an absent key as undefined, and deleting it is not an error', async () => {
      expect(await store.get('absent#key#')).toBeUndefined();
      await expect(store.delete('absent#key#')).resolves.toBeUndefined();
      expect(await store.get('absent#key#')).toBeUndefined();
    });

    it('round-trips bearer and OAuth 1.0a credentials with their extra fields', async () => {
      const full: Credentials = bearer('at-1', {
        refreshToken: 'rt-1',
        expiresAt: 1_900_000_000_000,
        scope: ['read', 'write'],
        idToken: 'header.payload.signature',
      });
      await store.set('bearer#client#', full);
      await store.set('oauth1#client#alice', oauth1);
      await store.set('plain#client#', bearer('no-expiry'));
      expect(await store.get('bearer#client#')).toEqual(full);
      expect(await store.get('oauth1#client#alice')).toEqual(oauth1);
      expect(await store.get('plain#client#')).toEqual(bearer('no-expiry'));
    });

    it('hands out copies: changing a stored or a returned object changes nothing stored', async () => {
      const original = bearer('at-copy', { expiresAt: 1_900_000_000_000 });
      await store.set('copy#client#', original);
      original.accessToken = 'changed-after-set';
      const read = (await store.get('copy#client#')) as BearerCredentials;
      expect(read.accessToken).toBe('at-copy');
      read.accessToken = 'changed-after-get';
      expect(await store.get('copy#client#')).toEqual(bearer('at-copy', { expiresAt: 1_900_000_000_000 }));
    });

    it('overwrites a key, and delete forgets only that key', async () => {
      await store.set('one#client#', bearer('first'));
      await store.set('two#client#', bearer('other'));
      await store.set('one#client#', bearer('second', { expiresAt: 1_900_000_000_000 }));
      expect(await store.get('one#client#')).toEqual(bearer('second', { expiresAt: 1_900_000_000_000 }));
      await store.delete('one#client#');
      expect(await store.get('one#client#')).toBeUndefined();
      expect(await store.get('two#client#')).toEqual(bearer('other'));
    });

    it('keeps keys apart, however odd their characters', async () => {
      for (const [i, key] of ODD_KEYS.entries()) await store.set(key, bearer(`token-${i}`));
      for (const [i, key] of ODD_KEYS.entries()) expect(await store.get(key)).toEqual(bearer(`token-${i}`));
      expect(await store.get('k')).toBeUndefined();
      expect(await store.get('k*')).toBeUndefined();
    });

    it('lock(key) runs one holder at a time for a key, and returns what fn returns', async () => {
      const order: string[] = [];
      const firstIn = deferred();
      const releaseFirst = deferred();
      const first = store.lock('locked#client#', async () => {
        order.push('first in');
        firstIn.resolve();
        await releaseFirst.promise;
        order.push('first out');
        return 'first result';
      });
      await firstIn.promise;
      const second = store.lock('locked#client#', async () => {
        order.push('second in');
        return 42;
      });
      // The second holder must not enter while the first holds the lock (it polls; let it try).
      for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
      expect(order).toEqual(['first in']);
      releaseFirst.resolve();
      expect(await first).toBe('first result');
      expect(await second).toBe(42);
      expect(order).toEqual(['first in', 'first out', 'second in']);
    });

    it('lock() of one key does not wait for another key, and get/set work inside it', async () => {
      const releaseA = deferred();
      const aHeld = deferred();
      const a = store.lock('a#client#', async () => {
        aHeld.resolve();
        await releaseA.promise;
      });
      await aHeld.promise;
      const b = await store.lock('b#client#', async () => {
        await store.set('b#client#', bearer('set under lock'));
        return store.get('b#client#');
      });
      expect(b).toEqual(bearer('set under lock'));
      releaseA.resolve();
      await a;
    });

    it("lock() passes fn's error through and releases the lock", async () => {
      const failure = new Error('refresh failed');
      await expect(
        store.lock('throw#client#', async () => {
          throw failure;
        }),
      ).rejects.toBe(failure);
      await expect(store.lock('throw#client#', async () => 'next holder')).resolves.toBe('next holder');
    });

    if (options.entries) {
      it('entries() lists every token sorted by key, and nothing deleted', async () => {
        await store.set('b#client#', bearer('t-b'));
        await store.set('a#client#alice', oauth1);
        await store.set('c#client#', bearer('t-c'));
        await store.delete('c#client#');
        expect(await store.entries?.()).toEqual([
          { key: 'a#client#alice', credentials: oauth1 },
          { key: 'b#client#', credentials: bearer('t-b') },
        ]);
      });
    }

    if (options.reopen) {
      it('another instance over the same storage sees the tokens, and its deletes', async () => {
        await store.set('shared#client#', bearer('persisted', { expiresAt: 1_900_000_000_000 }));
        const other = await reopen();
        expect(await other.get('shared#client#')).toEqual(bearer('persisted', { expiresAt: 1_900_000_000_000 }));
        await other.delete('shared#client#');
        expect(await store.get('shared#client#')).toBeUndefined();
      });

      it('lock() excludes across instances over the same storage', async () => {
        const other = await reopen();
        const order: string[] = [];
        const held = deferred();
        const release = deferred();
        const first = store.lock('cross#client#', async () => {
          order.push('first in');
          held.resolve();
          await release.promise;
          order.push('first out');
        });
        await held.promise;
        let secondSettled = false;
        const second = other
          .lock('cross#client#', async () => {
            order.push('second in');
          })
          .finally(() => {
            secondSettled = true;
          });
        // No clock: the other instance makes round trips to the same storage, issued after its lock
        // attempt (a Redis connection answers in order; file and keychain locks are a few file
        // operations), so by the last one a lock that did not exclude would have let it in.
        for (let roundTrip = 0; roundTrip < ROUND_TRIPS_AFTER_ATTEMPT; roundTrip++) await other.get(`unrelated-${roundTrip}#client#`);
        expect(order).toEqual(['first in']);
        expect(secondSettled).toBe(false);
        release.resolve();
        await Promise.all([first, second]);
        expect(order).toEqual(['first in', 'first out', 'second in']);
      });
    }
  });
}
