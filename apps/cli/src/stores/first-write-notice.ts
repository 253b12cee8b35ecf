import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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

/**
 * Runs `tell` once per token file, not once per command: a marker beside the file (`.<name>.notice`)
 * remembers it was said, so a CI runner that stores a token on every job is not told every time.
 *
 * @example
 * ```ts
 * onceForTokenFile('/home/me/.config/tokensmith/tokens.json', () => console.error('notice: ...'));
 * ```
 */
export function onceForTokenFile(tokenFile: string, tell: () => void): void {
  const marker = join(dirname(tokenFile), `.${basename(tokenFile)}.notice`);
  try {
    writeFileSync(marker, '', { flag: 'wx', mode: 0o600 });
  } catch {
    return; // already said (or the directory refuses it: then say nothing rather than fail a stored login)
  }
  tell();
}
