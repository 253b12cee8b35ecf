import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
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
import { keyLockPath, withFileLock, type FileLockOptions } from './file-lock.js';

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

/** What the file holds. `version` lets a later release change the layout without misreading it. */
interface TokenFile {
  version: 1;
  tokens: Record<string, unknown>;
}

/**
 * The file as read: usable tokens, and entries that are not (an `expiresAt` of `null`, a shape
 * this release does not know). Those read as absent for their own key only, and are written back
 * as they were until that key is logged in again or out: one bad entry never costs the others.
 */
interface Contents {
  tokens: Map<string, Credentials>;
  unreadable: Map<string, unknown>;
}

/**
 * Opens without following a final symlink (no chmod or read of another file through it) and
 * without blocking (a FIFO planted at the path must not hang the process).
 */
const SAFE_READ = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const myUid = () => (typeof process.getuid === 'function' ? process.getuid() : undefined);
const kind = (stats: {
  isFIFO(): boolean;
  isDirectory(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}) =>
  stats.isFIFO()
    ? 'a FIFO'
    : stats.isDirectory()
      ? 'a directory'
      : stats.isSocket()
        ? 'a socket'
        : stats.isCharacterDevice() || stats.isBlockDevice()
          ? 'a device'
          : 'not a regular file';

const RESET_HINT = 'to reset it, delete the file or run `tokensmith logout`';

/**
 * The default token file: `$TOKENSMITH_TOKEN_FILE` if set, else
 * `${XDG_CONFIG_HOME:-~/.config}/tokensmith/tokens.json` (a relative XDG_CONFIG_HOME is ignored, as the XDG spec asks).
 *
 * @example
 * ```ts
 * defaultTokenFilePath({ HOME: '/home/me' }); // '/home/me/.config/tokensmith/tokens.json'
 * ```
 */
export function defaultTokenFilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TOKENSMITH_TOKEN_FILE) return resolve(env.TOKENSMITH_TOKEN_FILE);
  const xdg = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  return join(xdg, 'tokensmith', 'tokens.json');
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** One mutex per token file per process, shared by every FileStore on that path. */
const mutexes = new Map<string, KeyedMutex>();

/**
 * A {@link TokenStore} in one JSON file, shared safely by every process of the same user: the
 * CLI's default store.
 *
 * - The file is mode 0600; directories it creates are 0700. An existing file that others can read
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
 * - A corrupt file (not JSON, another shape or version) is never overwritten: every operation
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
    return (await this.#read()).tokens.get(key);
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
      await this.#ensureDir();
      return withFileLock(keyLockPath(this.path, key), this.#lockOptions, fn);
    });
  }

  /**
   * Every stored token, sorted by key (for `tokensmith status`).
   *
   * @example
   * ```ts
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
   * const backup = await store.reset(); // '/home/me/.config/tokensmith/tokens.json.bak-1732370000000'
   * ```
   */
  async reset(): Promise<string | undefined> {
    if (!(await exists(this.path))) return undefined;
    return this.#withWriteLock(async () => {
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

  async #withWriteLock<T>(fn: () => Promise<T>): Promise<T> {
    return this.#mutex.run('write', async () => {
      await this.#ensureDir();
      return withFileLock(`${this.path}.lock`, this.#lockOptions, fn);
    });
  }

  /** Read-modify-write under the write lock; `change` returns whether anything changed. */
  async #update(change: (contents: Contents) => boolean): Promise<void> {
    await this.#withWriteLock(async () => {
      const contents = await this.#read();
      if (change(contents)) await this.#write(contents);
    });
  }

  #warnOnce(message: string): void {
    if (this.#warned.has(message)) return;
    this.#warned.add(message);
    this.#warn(message);
  }

  async #ensureDir(): Promise<void> {
    const dir = dirname(this.path);
    let first: string | undefined;
    try {
      first = await mkdir(dir, { recursive: true, mode: 0o700 });
      if (first !== undefined) {
        // mkdir's mode goes through the umask: set 0700 on every directory we created, explicitly.
        for (let d = dir; ; d = dirname(d)) {
          await chmod(d, 0o700);
          if (d === first || dirname(d) === d) break;
        }
      } else {
        const stats = await stat(dir);
        if (!stats.isDirectory()) throw storeError(`${dir} (the token file's directory) is not a directory`);
        if ((stats.mode & 0o022) !== 0 && (stats.mode & 0o1000) === 0) {
          this.#warnOnce(
            `token store directory ${dir} is writable by other users (mode ${octal(stats.mode)}); use a directory only you can write, e.g. chmod 700 it`,
          );
        }
        // Its owner can replace the token file at will (root can anyway).
        const uid = myUid();
        if (uid !== undefined && stats.uid !== uid && stats.uid !== 0) {
          this.#warnOnce(
            `token store directory ${dir} is owned by another user (uid ${stats.uid}), who can replace or read your token file; use a directory of your own (e.g. unset TOKENSMITH_TOKEN_FILE)`,
          );
        }
      }
    } catch (error) {
      if (error instanceof TokensmithError) throw error;
      throw storeError(`cannot create the token file's directory ${dir} (${errorCode(error)})`, error);
    }
  }

  async #read(): Promise<Contents> {
    let handle: FileHandle;
    try {
      handle = await open(this.path, SAFE_READ);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { tokens: new Map(), unreadable: new Map() };
      if (errorCode(error) === 'ELOOP') {
        throw storeError(
          `token file ${this.path} is a symbolic link, which tokensmith does not follow (nothing was read or changed through it); replace it with a regular file or ${RESET_HINT}`,
        );
      }
      throw storeError(`cannot read token file ${this.path} (${errorCode(error)}); check its permissions, or ${RESET_HINT}`, error);
    }
    let text: string;
    try {
      // Judged on the open descriptor, before anything is read or changed: no race with a rename.
      const stats = await handle.stat();
      if (!stats.isFile())
        throw storeError(`token file ${this.path} is ${kind(stats)}, not a regular file; nothing was read from it; ${RESET_HINT}`);
      const uid = myUid();
      if (uid !== undefined && stats.uid !== uid) {
        throw storeError(
          `token file ${this.path} is owned by another user (uid ${stats.uid}), so its tokens are not used: anyone who planted it chooses your tokens; ` +
            'delete it, or point TOKENSMITH_TOKEN_FILE at a file of your own',
        );
      }
      if ((stats.mode & 0o077) !== 0) await this.#tighten(handle, stats.mode);
      text = await handle.readFile('utf8');
    } catch (error) {
      if (error instanceof TokensmithError) throw error;
      throw storeError(`cannot read token file ${this.path} (${errorCode(error)}); check its permissions, or ${RESET_HINT}`, error);
    } finally {
      await handle.close().catch(() => undefined);
    }
    return this.#parse(text);
  }

  async #tighten(handle: FileHandle, mode: number): Promise<void> {
    let fixed = true;
    try {
      await handle.chmod(0o600);
    } catch {
      fixed = false;
    }
    this.#warnOnce(
      `token file ${this.path} was accessible to other users (mode ${octal(mode)})` +
        (fixed ? '; it is now 0600' : `; chmod 600 it`) +
        '. Its tokens may have been read: consider revoking them',
    );
  }

  #parse(text: string): Contents {
    // A blank file (e.g. `touch`ed) holds nothing to lose.
    if (text.trim() === '') return { tokens: new Map(), unreadable: new Map() };
    const corrupt = (what: string) => storeError(`token file ${this.path} ${what} and was left untouched; ${RESET_HINT}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // The SyntaxError is not kept as the cause: its message quotes the file, tokens included.
      throw corrupt('is corrupt (not valid JSON)');
    }
    if (!isRecord(json) || !isRecord(json.tokens)) throw corrupt('is not a tokensmith token file');
    if (json.version !== 1) {
      throw corrupt(
        `has format version ${typeof json.version === 'number' ? json.version : 'unknown'}, which this tokensmith does not read`,
      );
    }
    const contents: Contents = { tokens: new Map(), unreadable: new Map() };
    for (const [key, value] of Object.entries(json.tokens)) {
      if (isCredentials(value)) {
        contents.tokens.set(key, value);
        continue;
      }
      contents.unreadable.set(key, value);
      this.#warnOnce(
        `token file ${this.path} has an unreadable entry (key ${JSON.stringify(key.slice(0, 200))}); it counts as logged out, ` +
          'and the next login of that provider replaces it; the other providers are unaffected',
      );
    }
    return contents;
  }

  async #write({ tokens, unreadable }: Contents): Promise<void> {
    const dir = dirname(this.path);
    const base = basename(this.path);
    await this.#sweepTemporaryFiles(dir, base);
    const body: TokenFile = { version: 1, tokens: Object.fromEntries([...unreadable, ...tokens]) };
    const temporary = join(dir, `.${base}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`);
    let handle: FileHandle;
    try {
      handle = await open(temporary, 'wx', 0o600);
    } catch (error) {
      throw storeError(`cannot write token file ${this.path}: creating a temporary file in ${dir} failed (${errorCode(error)})`, error);
    }
    try {
      await handle.chmod(0o600);
      await handle.writeFile(`${JSON.stringify(body, null, 2)}\n`);
      await handle.sync();
      await handle.close();
      await rename(temporary, this.path);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlink(temporary).catch(() => undefined);
      throw storeError(`cannot write token file ${this.path} (${errorCode(error)}); the previous file is unchanged`, error);
    }
    await fsyncDir(dir);
  }

  /**
   * Deletes temporary files a killed writer left. Safe because it runs under the write lock: no
   * live writer has one open (they are 0600 anyway, so they never exposed a token to others).
   */
  async #sweepTemporaryFiles(dir: string, base: string): Promise<void> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    const prefix = `.${base}.`;
    for (const name of names) {
      if (name.startsWith(prefix) && /^\d+\.[0-9a-f]+\.tmp$/.test(name.slice(prefix.length))) {
        await unlink(join(dir, name)).catch(() => undefined);
      }
    }
  }
}

const octal = (mode: number) => `0${(mode & 0o7777).toString(8)}`;

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Makes a rename durable: fsync the directory that holds the entry. */
async function fsyncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    // Some file systems cannot fsync a directory; the rename itself is already atomic.
    if (!['EINVAL', 'ENOTSUP', 'EISDIR', 'EPERM', 'EBADF'].includes(errorCode(error))) {
      throw storeError(`cannot sync directory ${dir} after writing the token file (${errorCode(error)})`, error);
    }
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
