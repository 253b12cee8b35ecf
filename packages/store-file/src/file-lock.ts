import { createHash, randomBytes, randomInt } from 'node:crypto';
import { constants } from 'node:fs';
import { open, stat, unlink, type FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { errorCode, storeError } from '@tokensmith/core/kit';

/**
 * How {@link withFileLock} waits and when it calls a lock stale.
 *
 * @example
 * ```ts
 * const options: FileLockOptions = { now: Date.now, timeoutMs: 60_000, leaseMs: 30_000, pollMs: 20 };
 * ```
 */
export interface FileLockOptions {
  /** Clock, epoch ms: lease ages and the wait deadline. */
  now: () => number;
  /** Give up (with a `store_error`) after waiting this long. */
  timeoutMs: number;
  /**
   * A lock whose heartbeat (mtime, renewed every `leaseMs / 3` while held) is older than this is
   * stale, whoever holds it. A lock held by a dead process on this host is stale at once.
   */
  leaseMs: number;
  /** Delay between attempts while another process holds the lock (plus up to 50% jitter). */
  pollMs: number;
}

/** What a lock file holds: who took it, and the random token that proves it is theirs. */
interface LockInfo {
  pid: number;
  /** The worker thread (0: the main thread): threads of one process share its pid. */
  thread: number;
  host: string;
  token: string;
  acquiredAt: number;
}

/** A lock file as a waiter sees it. `info` is undefined while its creator is still writing it. */
interface LockSnapshot {
  ino: number;
  heartbeat: number;
  info: LockInfo | undefined;
}

/** Tokens of the file locks this process holds now (to tell our own pid's leftovers from live locks). */
const heldTokens = new Set<string>();
const HOST = hostname();

let ownThread: number | undefined;
/**
 * This thread's id (`threadId`, 0 on the main thread), read from node:worker_threads the first time
 * a lock is taken or judged: a process that only reads its store never loads that module (~0.7 ms).
 */
function currentThread(): number {
  return (ownThread ??= (createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads')).threadId);
}

/**
 * Whether a process with this pid runs on this host (`EPERM`: it does, as another user).
 *
 * @example
 * ```ts
 * pidAlive(process.pid); // true
 * ```
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

function parseInfo(text: string): LockInfo | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockInfo> | null;
    if (value && typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.token === 'string') {
      return { pid: value.pid, thread: Number(value.thread), host: value.host, token: value.token, acquiredAt: Number(value.acquiredAt) };
    }
  } catch {
    // Being written, or garbage: judged by its heartbeat alone.
  }
  return undefined;
}

/** A lock file is a few hundred bytes; more than this is not ours (and `/dev/zero` never ends). */
const MAX_LOCK_BYTES = 4096;
const unusable = (lockPath: string, what: string) =>
  storeError(`lock file ${lockPath} is ${what}, which tokensmith never creates; if no tokensmith process is running, delete it`);

async function snapshot(lockPath: string): Promise<LockSnapshot | undefined> {
  let handle: FileHandle;
  try {
    // No symlink followed, no blocking open: a FIFO or a link to /dev/zero planted here fails at once.
    handle = await open(lockPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    if (errorCode(error) === 'ELOOP') throw unusable(lockPath, 'a symbolic link');
    throw storeError(`cannot read lock file ${lockPath} (${errorCode(error)})`, error);
  }
  try {
    // One descriptor for both: the inode, heartbeat and content belong to the same lock.
    const stats = await handle.stat();
    if (!stats.isFile())
      throw unusable(
        lockPath,
        stats.isFIFO() ? 'a FIFO' : stats.isCharacterDevice() || stats.isBlockDevice() ? 'a device' : 'not a regular file',
      );
    const buffer = Buffer.alloc(MAX_LOCK_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, MAX_LOCK_BYTES, 0);
    return { ino: stats.ino, heartbeat: stats.mtimeMs, info: parseInfo(buffer.subarray(0, bytesRead).toString('utf8')) };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function staleReason(lock: LockSnapshot, options: FileLockOptions): string | undefined {
  const age = options.now() - lock.heartbeat;
  if (age > options.leaseMs) return `lease expired ${Math.round(age)} ms ago`;
  const info = lock.info;
  if (!info || info.host !== HOST) return undefined;
  if (info.pid === process.pid) {
    // Our pid: this thread knows which locks it holds; another thread's is alive (the lease covers a dead one).
    if (info.thread !== currentThread()) return undefined;
    return heldTokens.has(info.token) ? undefined : 'left by an earlier process with our pid';
  }
  return pidAlive(info.pid) ? undefined : `holder pid ${info.pid} is dead`;
}

const sameLock = (a: LockSnapshot, b: LockSnapshot): boolean => a.ino === b.ino && a.info?.token === b.info?.token;

/**
 * Removes a stale lock; false when another process is breaking it. Only one process breaks at a time (an O_EXCL `.break` file), and it
 * re-checks under it that the lock is still the same stale one: two waiters that saw the same
 * stale lock cannot end up deleting the fresh lock the first of them took.
 */
async function breakStaleLock(lockPath: string, seen: LockSnapshot, options: FileLockOptions): Promise<boolean> {
  const breakPath = `${lockPath}.break`;
  let handle: FileHandle;
  try {
    handle = await open(breakPath, 'wx', 0o600);
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw storeError(`cannot create ${breakPath} (${errorCode(error)})`, error);
    // Another process is breaking it. A breaker killed half-way leaves its file: clear it after a lease.
    const breaker = await stat(breakPath).catch(() => undefined);
    if (breaker && options.now() - breaker.mtimeMs > options.leaseMs) await unlink(breakPath).catch(() => undefined);
    return false;
  }
  try {
    const seconds = options.now() / 1000;
    await handle.utimes(seconds, seconds);
    const current = await snapshot(lockPath);
    if (current && sameLock(current, seen) && staleReason(current, options)) await unlink(lockPath).catch(() => undefined);
    return true;
  } finally {
    await handle.close().catch(() => undefined);
    await unlink(breakPath).catch(() => undefined);
  }
}

/**
 * The per-key lock file beside `base`: `<base>.<first 16 hex of sha256(key)>.lock`. One refresh per
 * key across processes, while other keys refresh freely; the hash keeps any key a safe file name.
 *
 * @example
 * ```ts
 * keyLockPath('/home/me/.config/tokensmith/tokens.json', 'https://x.example/token#app#'); // '/home/me/.config/tokensmith/tokens.json.1f0c....lock'
 * ```
 */
export function keyLockPath(base: string, key: string): string {
  return `${base}.${createHash('sha256').update(key).digest('hex').slice(0, 16)}.lock`;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Takes the lock file `lockPath` (created with O_EXCL, mode 0600, holding pid, host and a random
 * token), runs `fn`, and releases it, deleting the file only while it still holds our token.
 * Waits while another live process holds it, breaks a stale one (lease expired, or holder dead on
 * this host), and throws `store_error` after `timeoutMs`. The lease is renewed while `fn` runs.
 * Cross-process only: serialise callers inside one process yourself (e.g. with `KeyedMutex`).
 *
 * @example
 * ```ts
 * await withFileLock('/home/me/.config/tokensmith/tokens.json.lock', { now: Date.now, timeoutMs: 60_000, leaseMs: 30_000, pollMs: 20 }, async () => {
 *   // read, change and atomically rewrite the guarded file
 * });
 * ```
 */
export async function withFileLock<T>(lockPath: string, options: FileLockOptions, fn: () => Promise<T>): Promise<T> {
  const release = await acquireFileLock(lockPath, options);
  try {
    return await fn();
  } finally {
    await release();
  }
}

async function acquireFileLock(lockPath: string, options: FileLockOptions): Promise<() => Promise<void>> {
  const token = randomBytes(16).toString('hex');
  const deadline = options.now() + options.timeoutMs;
  for (;;) {
    let handle: FileHandle | undefined;
    try {
      handle = await open(lockPath, 'wx', 0o600);
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw storeError(`cannot create lock file ${lockPath} (${errorCode(error)})`, error);
    }
    if (handle) return hold(lockPath, handle, token, options);

    const holder = await snapshot(lockPath);
    if (!holder) continue;
    // A stale lock is broken and retried at once; while another process breaks it, wait as for a holder.
    if (staleReason(holder, options) && (await breakStaleLock(lockPath, holder, options))) continue;
    if (options.now() >= deadline) {
      const who = holder.info ? `pid ${holder.info.pid} on ${holder.info.host}` : 'another process';
      throw storeError(
        `timed out after ${options.timeoutMs} ms waiting for the token store lock ${lockPath}, held by ${who}; ` +
          'if no tokensmith process is running, delete that lock file',
      );
    }
    await pause(options.pollMs + randomInt(0, Math.max(1, Math.floor(options.pollMs / 2))));
  }
}

async function hold(lockPath: string, handle: FileHandle, token: string, options: FileLockOptions): Promise<() => Promise<void>> {
  const beat = async () => {
    const seconds = options.now() / 1000;
    await handle.utimes(seconds, seconds);
  };
  try {
    await handle.chmod(0o600);
    await handle.writeFile(
      JSON.stringify({ pid: process.pid, thread: currentThread(), host: HOST, token, acquiredAt: options.now() } satisfies LockInfo),
    );
    await beat();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(lockPath).catch(() => undefined);
    throw storeError(`cannot write lock file ${lockPath} (${errorCode(error)})`, error);
  }
  heldTokens.add(token);
  // The heartbeat goes through our own descriptor: if the file was broken and replaced, we touch
  // only our unlinked inode, never the new holder's lock.
  const renewal = setInterval(() => void beat().catch(() => undefined), Math.max(1, Math.floor(options.leaseMs / 3)));
  renewal.unref();
  return async () => {
    clearInterval(renewal);
    heldTokens.delete(token);
    try {
      const current = await snapshot(lockPath).catch(() => undefined);
      if (current?.info?.token === token) await unlink(lockPath).catch(() => undefined);
    } finally {
      await handle.close().catch(() => undefined);
    }
  };
}
