import { rename, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  KeyedMutex,
  TokensmithError,
  errorCode,
  isCredentials,
  optionalFunction,
  optionalNumber,
  storeError,
  type Credentials,
  type StoredEntry,
  type TokenStore,
} from '@tokensmith/core/kit';
import { fsyncDir, writeTokenFileAtomically } from './atomic-write.js';
import { defaultTokenFilePath } from './default-path.js';
import { keyLockPath, withFileLock, type FileLockOptions } from './file-lock.js';
import { ensureTokenFileDir, readTokenFileText } from './file-safety.js';
import { emptyContents, parseTokenFile, tokenEntry, tokenFileText, type Contents } from './token-file.js';
import { TokenFileError } from './token-file-error.js';

/**
 * Options of {@link FileStore}.
 *
 * @example
 * ```ts
 * const options: FileStoreOptions = { path: '/srv/app/tokens.json', lockTimeoutMs: 10_000 };
 * ```
 */
export interface FileStoreOptions {
  /** The token file. Default: `$TOKENSMITH_TOKEN_FILE`, else {@link defaultTokenFilePath}. */
  path?: string;
  /** Clock, epoch ms, for lock lease ages and the lock wait deadline. Default `Date.now`. */
  now?: () => number;
  /** How long `lock()`, `set()` and `delete()` wait for another process's lock before a `store_error`. Default 60 s. */
  lockTimeoutMs?: number;
  /** A lock not renewed for this long is stale (its holder renews it every third of it). Default 30 s. */
  lockLeaseMs?: number;
  /** Poll interval while waiting for a lock. Default 20 ms. */
  lockPollMs?: number;
  /** Where warnings go (a token file other users could read, a directory others can write). Default `process.emitWarning`. */
  onWarning?: (message: string) => void;
}

/** One mutex per token file per process, shared by every FileStore on that path. */
const mutexes = new Map<string, KeyedMutex>();

/**
 * A {@link TokenStore} in one JSON file, shared safely by every process of the same user: the
 * CLI's default store.
 *
 * - The file is mode 0600; directories it creates are 0700. An existing token file that others can read
 *   is tightened to 0600 with a warning (its tokens may have leaked: consider revoking them); an
 *   existing directory that others can write draws a warning, and is left as it is.
 * - Every write is atomic: a 0600 temporary file in the same directory, written, fsynced, renamed
 *   over the file, then the directory fsynced. A crash leaves the old or the new file, never half.
 * - `set` and `delete` read-modify-write the whole file under a cross-process lock file
 *   (`<path>.lock`), so other keys' tokens are never lost to a concurrent writer.
 * - `lock(key, fn)` takes a per-key lock file (`<path>.<hash>.lock`): one refresh per key across
 *   processes, while other keys refresh freely. Lock files are created with O_EXCL and hold pid,
 *   host and a random token; a holder renews its lease while `fn` runs; a waiter breaks a lock
 *   whose holder died (same host) or whose lease expired, gives up after `lockTimeoutMs` with a
 *   `store_error`, and a holder deletes the lock file only while it still holds its own token.
 * - The file is opened with O_NOFOLLOW and O_NONBLOCK and judged on its descriptor before anything
 *   is read or changed: a symlink, a FIFO, a device or a file owned by another user is refused with
 *   a `store_error` naming it (never chmod-ed, never read, never a hang). A directory owned by
 *   another user draws a warning. Lock files get the same care (a FIFO or `/dev/zero` fails at once).
 * - Only a token file is used: a JSON object beginning with its format marker (`"version"`, then
 *   `"tokens"`: every token file written so far) or a blank file. Anything else at the path (a
 *   key, a shell profile, another program's JSON) is refused with a {@link TokenFileError}
 *   `not_token_file`: never read into the store, overwritten, moved by `reset()` or chmod-ed.
 * - A failed write (ENOSPC, EDQUOT, EIO) is a `write_failed` TokenFileError naming the path and
 *   errno; the file is as it was. Writes look for their own temporary file by name, never list the directory.
 * - A corrupt token file (not JSON, another shape or version) is never overwritten: every operation
 *   throws a `store_error` naming the path and how to reset it. One unreadable entry (say an
 *   `expiresAt` of `null`) reads as absent for its own key only, with a warning; it is written back
 *   as it was until that provider logs in (replacing it) or out.
 *
 * @example
 * ```ts
 * import { FileStore } from '@tokensmith/store-file';
 * import { createClientCredentialsProvider } from '@tokensmith/client-credentials';
 *
 * const store = new FileStore(); // ~/.config/tokensmith/tokens.json
 * const provider = createClientCredentialsProvider({ tokenUrl, clientId, clientSecret, store });
 * for (const { key, credentials } of await store.entries()) console.log(key, credentials.type);
 * ```
 */
export class FileStore implements TokenStore {
  /** The absolute path of the token file. */
  readonly path: string;
  readonly #lockOptions: FileLockOptions;
  readonly #warn: (message: string) => void;
  readonly #warned = new Set<string>();
  readonly #mutex: KeyedMutex;

  constructor(options: FileStoreOptions = {}) {
    if (!options || typeof options !== 'object') throw new TokensmithError('invalid_options', 'FileStore options must be an object');
    if (options.path !== undefined && (typeof options.path !== 'string' || options.path.trim() === '')) {
      throw new TokensmithError('invalid_options', 'path must be a non-empty string');
    }
    this.path = options.path === undefined ? defaultTokenFilePath() : resolve(options.path);
    this.#lockOptions = {
      now: optionalFunction(options, 'now') ?? Date.now,
      timeoutMs: optionalNumber(options, 'lockTimeoutMs', 60_000),
      leaseMs: optionalNumber(options, 'lockLeaseMs', 30_000),
      pollMs: optionalNumber(options, 'lockPollMs', 20),
    };
    this.#warn =
      optionalFunction(options, 'onWarning') ?? ((message: string) => process.emitWarning(message, { code: 'TOKENSMITH_FILE_STORE' }));
    let mutex = mutexes.get(this.path);
    if (!mutex) mutexes.set(this.path, (mutex = new KeyedMutex()));
    this.#mutex = mutex;
  }

  /**
   * The stored credentials of `key`, read from disk (no cache: another process may have written).
   *
   * @example
   * ```ts
   * const creds = await store.get(tokenKey({ tokenUrl, clientId }));
   * ```
   */
  async get(key: string): Promise<Credentials | undefined> {
    // One entry of a thousand without parsing the other 999 when the text allows it (token-lookup.ts).
    const text = await readTokenFileText(this.path, this.#warnOnce);
    return text === undefined ? undefined : tokenEntry(this.path, text, key, this.#warnOnce);
  }

  /**
   * Stores `credentials` under `key`, keeping every other key, with an atomic rewrite under the file lock.
   *
   * @example
   * ```ts
   * await store.set(key, { type: 'bearer', accessToken, expiresAt: Date.now() + 3600_000 });
   * ```
   */
  async set(key: string, credentials: Credentials): Promise<void> {
    if (!isCredentials(credentials)) throw new TokensmithError('invalid_options', 'credentials must be bearer or oauth1 credentials');
    await this.#update(({ tokens, unreadable }) => {
      unreadable.delete(key);
      tokens.set(key, structuredClone(credentials));
      return true;
    });
  }

  /**
   * Forgets `key`, keeping every other key. Does nothing (and writes nothing) when it is absent.
   *
   * @example
   * ```ts
   * await store.delete(key); // logout
   * ```
   */
  async delete(key: string): Promise<void> {
    const has = ({ tokens, unreadable }: Contents) => tokens.has(key) || unreadable.has(key);
    if (!has(await this.#read())) return;
    await this.#update((contents) => {
      const found = has(contents);
      contents.tokens.delete(key);
      contents.unreadable.delete(key);
      return found;
    });
  }

  /**
   * Runs `fn` holding `key`'s lock, in this process and across processes. Re-read inside `fn`:
   * another process may have refreshed while this one waited.
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
    return this.#mutex.run(`key:${key}`, async () => {
      await ensureTokenFileDir(this.path, this.#warnOnce);
      return withFileLock(keyLockPath(this.path, key), this.#lockOptions, fn);
    });
  }

  /**
   * Every stored token, sorted by key (for `tokensmith status`).
   *
   * @example
   * ```ts
   * const store = new FileStore();
   * const entries = await store.entries(); // [{ key: 'https://api.twitter.com/oauth2/token#abc#', credentials: {...} }]
   * ```
   */
  async entries(): Promise<StoredEntry[]> {
    const { tokens } = await this.#read();
    return [...tokens.keys()].sort().map((key) => ({ key, credentials: tokens.get(key) as Credentials }));
  }

  /**
   * Moves the token file aside to `<path>.bak-<epoch ms>` (still 0600) so the store starts empty:
   * the way out of a corrupt file that keeps nothing hidden. Returns the backup path, or
   * `undefined` when there was no file.
   *
   * @example
   * ```ts
   * const backup = await new FileStore().reset(); // '/home/me/.config/tokensmith/tokens.json.bak-1732370000000'
   * ```
   */
  async reset(): Promise<string | undefined> {
    if (!(await exists(this.path))) return undefined;
    return this.#withWriteLock(async () => {
      // Only a token file (or a link, a FIFO: renaming moves the entry, not what it points at) is
      // moved: a key or a profile the path names is refused and stays where it is.
      await readTokenFileText(this.path, this.#warnOnce, { tighten: false }).catch((error: unknown) => {
        if (error instanceof TokenFileError && error.problem === 'not_token_file') throw error;
      });
      const backup = `${this.path}.bak-${this.#lockOptions.now()}`;
      try {
        await rename(this.path, backup);
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return undefined;
        throw storeError(`cannot move token file ${this.path} aside (${errorCode(error)})`, error);
      }
      await fsyncDir(dirname(this.path));
      return backup;
    });
  }

  /**
   * Checks, changing nothing, that this store can be used: resolves when the file is absent or a
   * usable token file, else throws the `store_error` every operation would (a
   * {@link TokenFileError} `not_token_file` for a path that holds something else, `corrupt` for a
   * damaged token file; a symlink, a FIFO, a file of another user; a token file others can read,
   * with the chmod command to run). For a program to ask before a login, not after it.
   *
   * @example
   * ```ts
   * await new FileStore({ path: '/home/me/.ssh/id_ed25519' }).check(); // throws TokenFileError (problem 'not_token_file')
   * ```
   */
  async check(): Promise<void> {
    const text = await readTokenFileText(this.path, this.#warnOnce, { tighten: false });
    if (text !== undefined) parseTokenFile(this.path, text, () => undefined);
  }

  async #withWriteLock<T>(fn: () => Promise<T>): Promise<T> {
    return this.#mutex.run('write', async () => {
      await ensureTokenFileDir(this.path, this.#warnOnce);
      return withFileLock(`${this.path}.lock`, this.#lockOptions, fn);
    });
  }

  /** Read-modify-write under the write lock; `change` returns whether anything changed. */
  async #update(change: (contents: Contents) => boolean): Promise<void> {
    await this.#withWriteLock(async () => {
      const contents = await this.#read();
      if (change(contents)) await writeTokenFileAtomically(this.path, tokenFileText(contents));
    });
  }

  /** Each warning once per store: every read judges the file again. */
  readonly #warnOnce = (message: string): void => {
    if (this.#warned.has(message)) return;
    this.#warned.add(message);
    this.#warn(message);
  };

  async #read(): Promise<Contents> {
    const text = await readTokenFileText(this.path, this.#warnOnce);
    return text === undefined ? emptyContents() : parseTokenFile(this.path, text, this.#warnOnce);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
