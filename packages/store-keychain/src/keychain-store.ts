import { dirname, join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { AsyncEntry } from '@napi-rs/keyring';
import {
  KeyedMutex,
  TokensmithError,
  errorCode,
  isCredentials,
  optionalFunction,
  optionalNumber,
  parseStoredCredentials,
  storeError,
  type Credentials,
  type StoredEntry,
  type TokenStore,
} from '@tokensmith/core/kit';
import { defaultTokenFilePath, keyLockPath, withFileLock, type FileLockOptions } from '@tokensmith/store-file';
import { keychainError } from './keychain-errors.js';
import { sessionBusProblem } from './session-bus.js';

/**
 * Options of {@link KeychainStore}.
 *
 * @example
 * ```ts
 * const options: KeychainStoreOptions = { service: 'tokensmith', timeoutMs: 5_000 };
 * ```
 */
export interface KeychainStoreOptions {
  /** The keychain service name every item is filed under. Default `tokensmith`. */
  service?: string;
  /**
   * Where the cross-process refresh locks live (the keychain has no lock of its own). Default: the
   * directory of the default token file, `${XDG_CONFIG_HOME:-~/.config}/tokensmith`.
   */
  lockDir?: string;
  /** Bound on each keychain call (a Secret Service that never answers fails, not hangs). Default 10 s. */
  timeoutMs?: number;
  /** Clock, epoch ms, for the lock's lease and wait deadline. Default `Date.now`. */
  now?: () => number;
  /** How long `lock()` waits for another process. Default 60 s. */
  lockTimeoutMs?: number;
  /** A lock not renewed for this long is stale. Default 30 s. */
  lockLeaseMs?: number;
  /** Poll interval while waiting for a lock. Default 20 ms. */
  lockPollMs?: number;
}

type Binding = typeof import('@napi-rs/keyring');
let binding: Promise<Binding> | undefined;
/**
 * The native binding, loaded on first use (a CLI that never touches the keychain never loads it).
 * The binding is CommonJS: Node's import() lifts its exports to named ones, but a bundle that keeps
 * it external (the CLI's esbuild bundle) may offer only `default`, so take the functions from there.
 */
const loadBinding = () =>
  (binding ??= import('@napi-rs/keyring').then((module) =>
    typeof module.findCredentialsAsync === 'function' ? module : ((module as { default?: Binding }).default ?? module),
  ));

/**
 * On Linux the binding falls back to the kernel keyring when no Secret Service answers: a keyring
 * that lives only until logout, where tokens would vanish silently. Pinned to the Secret Service,
 * its absence is an error the CLI can act on.
 */
const ENTRY_OPTIONS = { linux: { store: 'secret-service' as const } };

/** One in-process mutex per lock directory and service, shared by every KeychainStore on them. */
const mutexes = new Map<string, KeyedMutex>();

/**
 * A {@link TokenStore} in the operating system's keychain (Secret Service on Linux, Keychain on
 * macOS, Credential Manager on Windows) through `@napi-rs/keyring`.
 *
 * - One item per token key: service `tokensmith` (option `service`), account = the key (the Secret
 *   Service attributes `service` and `username`), secret = the credentials as JSON. Other programs of the same user may read it if the keychain lets them.
 * - `lock(key, fn)` takes the same cross-process file lock as FileStore (`<lockDir>/keychain.<hash>.lock`,
 *   O_EXCL, lease renewed, stale locks broken): one refresh per key across processes.
 * - Every call is bounded by `timeoutMs`. A locked keychain, a denied prompt, no keyring to write
 *   to give a `store_error`; no keychain service at all, or one that does not answer, gives a
 *   `store_unavailable`. Each names the next step, and a failed call changes nothing.
 * - An item that does not hold tokensmith's credentials JSON is a `store_error` naming it on `get`,
 *   is left as it is, and is skipped by `entries()` (other providers stay usable).
 *
 * @example
 * ```ts
 * import { KeychainStore } from '@tokensmith/store-keychain';
 * import { createClientCredentialsProvider } from '@tokensmith/client-credentials';
 *
 * const store = new KeychainStore(); // items under service "tokensmith"
 * const provider = createClientCredentialsProvider({ tokenUrl, clientId, clientSecret, store });
 * ```
 */
export class KeychainStore implements TokenStore {
  /** The keychain service name of every item. */
  readonly service: string;
  /** Where the cross-process lock files live. */
  readonly lockDir: string;
  readonly #timeoutMs: number;
  readonly #lockOptions: FileLockOptions;
  readonly #mutex: KeyedMutex;

  constructor(options: KeychainStoreOptions = {}) {
    if (!options || typeof options !== 'object') throw new TokensmithError('invalid_options', 'KeychainStore options must be an object');
    const service: unknown = options.service ?? 'tokensmith';
    if (typeof service !== 'string' || service.trim() === '')
      throw new TokensmithError('invalid_options', 'service must be a non-empty string');
    if (options.lockDir !== undefined && (typeof options.lockDir !== 'string' || options.lockDir.trim() === '')) {
      throw new TokensmithError('invalid_options', 'lockDir must be a non-empty string');
    }
    this.service = service;
    this.lockDir = options.lockDir ?? dirname(defaultTokenFilePath());
    this.#timeoutMs = optionalNumber(options, 'timeoutMs', 10_000);
    this.#lockOptions = {
      now: optionalFunction(options, 'now') ?? Date.now,
      timeoutMs: optionalNumber(options, 'lockTimeoutMs', 60_000),
      leaseMs: optionalNumber(options, 'lockLeaseMs', 30_000),
      pollMs: optionalNumber(options, 'lockPollMs', 20),
    };
    const mutexKey = `${this.lockDir}\0${service}`;
    let mutex = mutexes.get(mutexKey);
    if (!mutex) mutexes.set(mutexKey, (mutex = new KeyedMutex()));
    this.#mutex = mutex;
  }

  /** Runs one keychain call with a deadline, translating its failure. */
  async #call<T>(operation: string, fn: (binding: Binding, signal: AbortSignal) => Promise<T> | T): Promise<T> {
    const problem = await sessionBusProblem(process.env, Math.min(this.#timeoutMs, 2_000));
    if (problem) throw problem;
    const keyring = await loadBinding();
    const signal = AbortSignal.timeout(this.#timeoutMs);
    try {
      // The binding honours the signal for async calls; the race also bounds a call that ignores it.
      return await new Promise<T>((resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        Promise.resolve()
          .then(() => fn(keyring, signal))
          .then(resolve, reject);
      });
    } catch (error) {
      throw keychainError(operation, error, this.#timeoutMs);
    }
  }

  #entry(keyring: Binding, key: string): AsyncEntry {
    return new keyring.AsyncEntry(this.service, key, ENTRY_OPTIONS);
  }

  #foreign(key: string): TokensmithError {
    return storeError(
      `the OS keychain item (service ${JSON.stringify(this.service)}, account ${JSON.stringify(key.slice(0, 200))}) does not hold tokensmith's credentials and was left untouched; ` +
        `log in again to replace it, or delete it (log out, or \`secret-tool clear service ${this.service} username <account>\`)`,
    );
  }

  /**
   * The stored credentials of `key`, or `undefined` when there is no item.
   *
   * @example
   * ```ts
   * const creds = await store.get(tokenKey({ tokenUrl, clientId }));
   * ```
   */
  async get(key: string): Promise<Credentials | undefined> {
    const text = await this.#call('read', (keyring, signal) => this.#entry(keyring, key).getPassword(signal));
    if (text === null) return undefined;
    const credentials = parseStoredCredentials(text);
    if (!credentials) throw this.#foreign(key);
    return credentials;
  }

  /**
   * Stores `credentials` as the secret of `key`'s item, replacing what it held.
   *
   * @example
   * ```ts
   * await store.set(key, { type: 'bearer', accessToken, expiresAt: Date.now() + 3600_000 });
   * ```
   */
  async set(key: string, credentials: Credentials): Promise<void> {
    if (!isCredentials(credentials)) throw new TokensmithError('invalid_options', 'credentials must be bearer or oauth1 credentials');
    const secret = JSON.stringify(credentials);
    await this.#call('write', (keyring, signal) => this.#entry(keyring, key).setPassword(secret, signal));
  }

  /**
   * Deletes `key`'s item. Does nothing when there is none.
   *
   * @example
   * ```ts
   * await store.delete(key); // logout
   * ```
   */
  async delete(key: string): Promise<void> {
    await this.#call('delete', (keyring, signal) => this.#entry(keyring, key).deletePassword(signal));
  }

  /**
   * Runs `fn` holding `key`'s lock, in this process and across processes (a file lock: the
   * keychain has none). Re-read inside `fn`: another process may have refreshed meanwhile.
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
      try {
        await mkdir(this.lockDir, { recursive: true, mode: 0o700 });
      } catch (error) {
        throw storeError(`cannot create the keychain lock directory ${this.lockDir} (${errorCode(error)})`, error);
      }
      return withFileLock(keyLockPath(join(this.lockDir, `keychain-${this.service}`), key), this.#lockOptions, fn);
    });
  }

  /**
   * Every tokensmith item of this service, sorted by key. Items that do not hold tokensmith's
   * credentials are skipped (their own `get` names them).
   *
   * @example
   * ```ts
   * for (const { key, credentials } of await store.entries()) console.log(key, credentials.type);
   * ```
   */
  async entries(): Promise<StoredEntry[]> {
    const found = await this.#call('list', (keyring, signal) => keyring.findCredentialsAsync(this.service, undefined, signal));
    const entries: StoredEntry[] = [];
    for (const { account, password } of found) {
      const credentials = parseStoredCredentials(password);
      if (credentials) entries.push({ key: account, credentials });
    }
    return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
