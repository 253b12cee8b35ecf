import type { TokenStore } from '@tokensmith/core';

/**
 * The store, telling the user (once) where the first token it stores goes.
 *
 * @example
 * ```ts
 * const store = noticeOnFirstWrite(fileStore, () => console.error('notice: tokens are stored in the file ...'));
 * ```
 */
export function noticeOnFirstWrite(store: TokenStore, tell: () => void): TokenStore {
  let told = false;
  const wrapped: TokenStore = {
    get: (key) => store.get(key),
    set: async (key, credentials) => {
      await store.set(key, credentials);
      if (!told) {
        told = true;
        tell();
      }
    },
    delete: (key) => store.delete(key),
    lock: (key, fn) => store.lock(key, fn),
  };
  if (store.entries) wrapped.entries = () => (store.entries as NonNullable<TokenStore['entries']>).call(store);
  if (store.reset) wrapped.reset = () => (store.reset as NonNullable<TokenStore['reset']>).call(store);
  if (store.close) wrapped.close = () => (store.close as NonNullable<TokenStore['close']>).call(store);
  return wrapped;
}
