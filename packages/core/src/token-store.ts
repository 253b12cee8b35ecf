import type { Credentials } from './credentials.js';

/**
 * One stored token, as {@link TokenStore.entries} lists them.
 *
 * @example
 * ```ts
 * for (const { key, credentials } of (await store.entries?.()) ?? []) console.log(key, credentials.type);
 * ```
 */
export interface StoredEntry {
  key: string;
  credentials: Credentials;
}

/**
 * Where tokens live between calls and processes. `lock(key, fn)` serialises the
 * read-refresh-write of one key; a cross-process store must make it cross-process.
 *
 * @example
 * ```ts
 * const store: TokenStore = new MemoryStore();
 * await store.lock('key', async () => { const t = await store.get('key'); if (!t) await store.set('key', fresh); });
 * ```
 */
export interface TokenStore {
  get(key: string): Promise<Credentials | undefined>;
  set(key: string, credentials: Credentials): Promise<void>;
  delete(key: string): Promise<void>;
  lock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Optional: every stored token, sorted by key (an inventory; never needed to use a token). */
  entries?(): Promise<StoredEntry[]>;
  /**
   * Optional: the way out of unreadable storage: set what the store holds aside (never silently
   * destroyed) so it starts empty. Resolves with where it went, or `undefined` when there was nothing.
   */
  reset?(): Promise<string | undefined>;
  /** Optional: releases what the store opened (a connection). Safe to call more than once. */
  close?(): Promise<void>;
}

/**
 * Per-key mutual exclusion inside one process: each `run` waits for the previous one on its key.
 *
 * @example
 * ```ts
 * const locks = new KeyedMutex();
 * await locks.run('k', async () => doWork());
 * ```
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(fn, fn);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}

/**
 * The default store in library use: tokens in this process's memory, gone on exit.
 *
 * @example
 * ```ts
 * const provider = createClientCredentialsProvider({ tokenUrl, clientId, clientSecret, store: new MemoryStore() });
 * ```
 */
export class MemoryStore implements TokenStore {
  readonly #tokens = new Map<string, Credentials>();
  readonly #locks = new KeyedMutex();

  async entries(): Promise<StoredEntry[]> {
    return [...this.#tokens.keys()].sort().map((key) => ({ key, credentials: structuredClone(this.#tokens.get(key) as Credentials) }));
  }

  async get(key: string): Promise<Credentials | undefined> {
    const value = this.#tokens.get(key);
    return value === undefined ? undefined : structuredClone(value);
  }

  async set(key: string, credentials: Credentials): Promise<void> {
    this.#tokens.set(key, structuredClone(credentials));
  }

  async delete(key: string): Promise<void> {
    this.#tokens.delete(key);
  }

  lock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.#locks.run(key, fn);
  }
}
