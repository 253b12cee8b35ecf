import { dirname, join } from 'node:path';
import { mkdir } from 'node:fs/promises';
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
import { keyringCall, type KeyringRequest } from './keyring-process.js';
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

/** The binding's words for two or more items with one key's attributes (keyring-rs `Ambiguous`). */
const AMBIGUOUS = /matched by (\d+) credentials/;

/** The errors that mean two items for one key (`delete` then clears them all). */
const ambiguousErrors = new WeakSet<TokensmithError>();
const markAmbiguous = (error: TokensmithError) => (ambiguousErrors.add(error), error);

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
 * - The native binding runs in a helper process (its D-Bus calls block the thread that makes them):
 *   every call, the bus check included, is bounded by `timeoutMs`, after which the helper is killed;
 *   this process never stops answering SIGINT/SIGTERM and exits after its result.
 * - Two items with one key's attributes (another program's copy) are a `store_error` naming that
 *   key alone; `entries()` leaves the key out; `delete` removes them all (libsecret's `secret-tool`).
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

  /**
   * Runs one keychain call on the keyring thread, the whole of it (the bus check included) bounded
   * by `timeoutMs`, translating its failure. Two items for one key are a `store_error` naming it.
   */
  async #call(operation: string, request: KeyringRequest): Promise<unknown> {
    const deadline = Date.now() + this.#timeoutMs;
    const problem = await sessionBusProblem(process.env, Math.min(this.#timeoutMs, 2_000));
    if (problem) throw problem;
    try {
      return await keyringCall(request, Math.max(1, deadline - Date.now()));
    } catch (error) {
      if (error instanceof TokensmithError) throw error;
      const duplicates = AMBIGUOUS.exec(error instanceof Error ? error.message : '');
      if (duplicates && 'account' in request) throw this.#ambiguous(request.account, Number(duplicates[1]));
      throw keychainError(operation, error, this.#timeoutMs);
    }
  }

  #ambiguous(key: string, count: number): TokensmithError {
    return markAmbiguous(
      storeError(
        `the OS keychain holds ${count} items for service ${JSON.stringify(this.service)}, account ${JSON.stringify(key.slice(0, 200))} (another program, or a copy, stored a second one), ` +
          `so which token is meant is unclear and none was used; the other accounts are unaffected. Delete them (\`secret-tool clear service ${this.service} username <account>\`, or log out of that provider), then log in again`,
      ),
    );
  }

  /**
   * Deletes every item with `key`'s attributes through libsecret's `secret-tool clear` (the binding
   * deletes only an item it can tell apart). Bounded; without secret-tool, the named error.
   */
  async #clearDuplicates(key: string, ambiguous: TokensmithError): Promise<void> {
    const { execFile } = await import('node:child_process');
    await new Promise<void>((resolve, reject) => {
      execFile('secret-tool', ['clear', 'service', this.service, 'username', key], { timeout: this.#timeoutMs }, (error) =>
        error ? reject(ambiguous) : resolve(),
      );
    });
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
    const text = (await this.#call('read', { op: 'get', service: this.service, account: key })) as string | null;
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
    await this.#call('write', { op: 'set', service: this.service, account: key, secret });
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
    try {
      await this.#call('delete', { op: 'delete', service: this.service, account: key });
    } catch (error) {
      // Two items for the key (logout is the way out the error names): delete them all.
      if (error instanceof TokensmithError && ambiguousErrors.has(error)) {
        await this.#clearDuplicates(key, error);
        return;
      }
      throw error;
    }
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
   * const store = new KeychainStore();
   * for (const { key, credentials } of await store.entries()) console.log(key, credentials.type);
   * ```
   */
  async entries(): Promise<StoredEntry[]> {
    const found = (await this.#call('list', { op: 'find', service: this.service })) as Array<{ account: string; password: string }>;
    // A key with two items is left out (its own get names it), not listed twice.
    const counts = new Map<string, number>();
    for (const { account } of found) counts.set(account, (counts.get(account) ?? 0) + 1);
    const entries: StoredEntry[] = [];
    for (const { account, password } of found) {
      const credentials = parseStoredCredentials(password);
      if (credentials && counts.get(account) === 1) entries.push({ key: account, credentials });
    }
    return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
