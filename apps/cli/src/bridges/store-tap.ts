import type { BearerCredentials, Credentials, TokenStore } from '@tokensmith/core';

// The strategies keep their store key to themselves (it digests the client, endpoints and scopes).
// `login --with-token` and `credential erase` must write the very entry the provider reads, so they
// learn the key by watching the provider read it (`peek()`), instead of recomputing it here and
// drifting from the strategies' own rule.

/** A store that remembers the last key read through it. */
export interface TappedStore extends TokenStore {
  /** The key of the last `get`, once the provider has read its entry. */
  readonly lastKey: string | undefined;
}

/**
 * Wraps `store` so that the key a provider reads becomes known.
 *
 * @example
 * ```ts
 * const tapped = tapStore(store);
 * await buildProvider(config, tapped, options).then((p) => p.peek());
 * tapped.lastKey; // 'v2:client-credentials:app@127.0.0.1:...'
 * ```
 */
export function tapStore(store: TokenStore): TappedStore {
  let lastKey: string | undefined;
  // Delegation, not a prototype: stores are classes with private fields (#mutex), which only the
  // store itself may read, so every call goes to the store as `this`.
  return {
    get lastKey() {
      return lastKey;
    },
    get: (key) => {
      lastKey = key;
      return store.get(key);
    },
    set: (key, credentials) => store.set(key, credentials),
    delete: (key) => store.delete(key),
    lock: (key, fn) => store.lock(key, fn),
    ...(store.entries ? { entries: () => store.entries!() } : {}),
    ...(store.reset ? { reset: () => store.reset!() } : {}),
    ...(store.close ? { close: () => store.close!() } : {}),
  };
}

function keyOf(tapped: TappedStore): string {
  if (tapped.lastKey === undefined) throw new Error('the provider has not read its store entry yet (call peek() first)');
  return tapped.lastKey;
}

/**
 * Stores `credentials` as the provider's token, under the store lock (as the token manager's `replace` does).
 *
 * @example
 * ```ts
 * await provider.peek();
 * await storeAsProviderToken(tapped, { type: 'bearer', accessToken: 'AAAA' });
 * ```
 */
export async function storeAsProviderToken(tapped: TappedStore, credentials: Credentials): Promise<void> {
  const key = keyOf(tapped);
  await tapped.lock(key, () => tapped.set(key, credentials));
}

/**
 * Marks the stored token expired when it is `rejected` (the token a server refused), keeping its
 * refresh token so the next use renews it; a newer token stored since is left alone, so a late
 * rejection of an older token never drops it. Resolves whether the stored token was the one.
 *
 * @example
 * ```ts
 * await provider.peek();
 * await expireIfCurrent(tapped, 'the token git says was rejected', Date.now());
 * ```
 */
export async function expireIfCurrent(tapped: TappedStore, rejected: string, now: number): Promise<boolean> {
  const key = keyOf(tapped);
  return tapped.lock(key, async () => {
    const stored = await tapped.get(key);
    if (stored?.type !== 'bearer' || stored.accessToken !== rejected) return false;
    const expired: BearerCredentials = { ...stored, expiresAt: Math.min(stored.expiresAt ?? now, now) - 1 };
    await tapped.set(key, expired);
    return true;
  });
}
