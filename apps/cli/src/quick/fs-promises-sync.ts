// node:fs/promises for the quick paths' bundle (scripts/bundle-cli.mjs aliases it there, nowhere
// else): the first asynchronous file operation of a process starts libuv's thread pool, and a
// FileHandle's read goes through it, which cost the stored-token answer ~3 ms of a ~90 ms run to
// read a file of a few hundred bytes. Here each function does the same work synchronously and
// returns a settled promise (a failure is a rejection, as with the real module), so the token file's
// code (packages/store-file, stores/token-file-check.ts) runs unchanged. A process that answers one
// command and exits has nothing to do meanwhile. Only what those modules call is here: a name
// missing is a build error (esbuild checks every named import), never a wrong answer.
import {
  chmodSync,
  closeSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  type Mode,
  type OpenMode,
  type PathLike,
  type Stats,
} from 'node:fs';

/** Runs `work` now and returns its result (or its error) as a promise. */
function settled<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * The part of node:fs/promises' FileHandle the token file's code uses, over a descriptor.
 *
 * @example
 * ```ts
 * const handle = await open('/home/me/.config/tokensmith/tokens.json', 'r');
 * const text = await handle.readFile('utf8');
 * await handle.close();
 * ```
 */
export class SyncFileHandle {
  constructor(readonly fd: number) {}
  stat(): Promise<Stats> {
    return settled(() => fstatSync(this.fd));
  }
  readFile(options?: BufferEncoding | { encoding?: BufferEncoding | null } | null): Promise<string | Buffer> {
    const encoding = typeof options === 'string' ? options : (options?.encoding ?? undefined);
    return settled(() => readFileSync(this.fd, encoding === undefined ? undefined : { encoding }));
  }
  read(buffer: Uint8Array, offset: number, length: number, position: number | null): Promise<{ bytesRead: number; buffer: Uint8Array }> {
    return settled(() => ({ bytesRead: readSync(this.fd, buffer, offset, length, position), buffer }));
  }
  writeFile(data: string | Uint8Array): Promise<void> {
    return settled(() => writeFileSync(this.fd, data));
  }
  chmod(mode: Mode): Promise<void> {
    return settled(() => fchmodSync(this.fd, mode));
  }
  sync(): Promise<void> {
    return settled(() => fsyncSync(this.fd));
  }
  close(): Promise<void> {
    return settled(() => closeSync(this.fd));
  }
}

/**
 * `open` of node:fs/promises, done synchronously.
 *
 * @example
 * ```ts
 * const handle = await open(path, 'wx', 0o600);
 * ```
 */
export function open(path: PathLike, flags: OpenMode = 'r', mode?: Mode): Promise<SyncFileHandle> {
  return settled(() => new SyncFileHandle(openSync(path, flags, mode)));
}

/** `stat`, done synchronously. @example `await stat('/tmp')` */
export function stat(path: PathLike): Promise<Stats> {
  return settled(() => statSync(path));
}

/** `lstat`, done synchronously. @example `await lstat('/tmp/link')` */
export function lstat(path: PathLike): Promise<Stats> {
  return settled(() => lstatSync(path));
}

/** `chmod`, done synchronously. @example `await chmod(path, 0o600)` */
export function chmod(path: PathLike, mode: Mode): Promise<void> {
  return settled(() => chmodSync(path, mode));
}

/** `mkdir`, done synchronously. @example `await mkdir(dir, { recursive: true, mode: 0o700 })` */
export function mkdir(path: PathLike, options?: { recursive?: boolean; mode?: Mode }): Promise<string | undefined> {
  return settled(() => mkdirSync(path, options));
}

/** `rename`, done synchronously. @example `await rename(temporary, path)` */
export function rename(from: PathLike, to: PathLike): Promise<void> {
  return settled(() => renameSync(from, to));
}

/** `unlink`, done synchronously. @example `await unlink(lockPath)` */
export function unlink(path: PathLike): Promise<void> {
  return settled(() => unlinkSync(path));
}

/** `readFile`, done synchronously. @example `await readFile(path, 'utf8')` */
export function readFile(path: PathLike, options?: BufferEncoding | { encoding?: BufferEncoding | null } | null): Promise<string | Buffer> {
  const encoding = typeof options === 'string' ? options : (options?.encoding ?? undefined);
  return settled(() => readFileSync(path, encoding === undefined ? undefined : { encoding }));
}
