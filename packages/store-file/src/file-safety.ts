// What is checked before the token file or its directory is trusted: opened without following a
// symlink or blocking on a FIFO, judged on its descriptor (a regular file, owned by this user, not
// readable by others), and a directory created 0700 or warned about when others could swap the file.
import { constants } from 'node:fs';
import { chmod, mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TokensmithError, errorCode, storeError } from '@tokensmith/core/kit';
import { RESET_HINT, notTokenFileError, tokenFileKind } from './token-file.js';

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
const octal = (mode: number) => `0${(mode & 0o7777).toString(8)}`;

/**
 * The text of the token file at `path`, or `undefined` when there is none. A symlink, a FIFO, a
 * device or a file of another user is a `store_error` (nothing read or changed through it); so is a
 * file that is not a token file (its mode is never changed). A token file others can read is
 * tightened to 0600, with a warning through `warn`; with `tighten: false` (a check that changes
 * nothing) it is a `store_error` giving the chmod command instead.
 */
export async function readTokenFileText(
  path: string,
  warn: (message: string) => void,
  options: { tighten: boolean } = { tighten: true },
): Promise<string | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, SAFE_READ);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    if (errorCode(error) === 'ELOOP') {
      throw storeError(
        `token file ${path} is a symbolic link, which tokensmith does not follow (nothing was read or changed through it); replace it with a regular file or ${RESET_HINT}`,
      );
    }
    throw storeError(`cannot read token file ${path} (${errorCode(error)}); check its permissions, or ${RESET_HINT}`, error);
  }
  try {
    // Judged on the open descriptor, before anything is read or changed: no race with a rename.
    const stats = await handle.stat();
    if (!stats.isFile())
      throw storeError(`token file ${path} is ${kind(stats)}, not a regular file; nothing was read from it; ${RESET_HINT}`);
    const uid = myUid();
    if (uid !== undefined && stats.uid !== uid) {
      throw storeError(
        `token file ${path} is owned by another user (uid ${stats.uid}), so its tokens are not used: anyone who planted it chooses your tokens; ` +
          'delete it, or point TOKENSMITH_TOKEN_FILE at a file of your own',
      );
    }
    const text = await handle.readFile('utf8');
    // Judged before any chmod: a key or a profile the setting points at is refused, its mode kept.
    if (tokenFileKind(text) === 'foreign') throw notTokenFileError(path);
    if ((stats.mode & 0o077) !== 0) {
      if (!options.tighten) throw tooOpenError(path, stats.mode);
      await tighten(handle, path, stats.mode, warn);
    }
    return text;
  } catch (error) {
    if (error instanceof TokensmithError) throw error;
    throw storeError(`cannot read token file ${path} (${errorCode(error)}); check its permissions, or ${RESET_HINT}`, error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

const tooOpenError = (path: string, mode: number) =>
  storeError(
    `token file ${path} is accessible to other users (mode ${octal(mode)}); run \`chmod 600 ${path}\`, and consider revoking its tokens: they may have been read`,
  );

async function tighten(handle: FileHandle, path: string, mode: number, warn: (message: string) => void): Promise<void> {
  let fixed = true;
  try {
    await handle.chmod(0o600);
  } catch {
    fixed = false;
  }
  warn(
    `token file ${path} was accessible to other users (mode ${octal(mode)})` +
      (fixed ? '; it is now 0600' : `; chmod 600 it`) +
      '. Its tokens may have been read: consider revoking them',
  );
}

/**
 * Creates the directory of the token file at `path` (0700, every level it creates), or judges the
 * one there: not a directory is a `store_error`; writable by others (without the sticky bit) or
 * owned by another user (not root) draws a warning through `warn`, and it is left as it is.
 */
export async function ensureTokenFileDir(path: string, warn: (message: string) => void): Promise<void> {
  const dir = dirname(path);
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
        warn(
          `token store directory ${dir} is writable by other users (mode ${octal(stats.mode)}); use a directory only you can write, e.g. chmod 700 it`,
        );
      }
      // Its owner can replace the token file at will (root can anyway).
      const uid = myUid();
      if (uid !== undefined && stats.uid !== uid && stats.uid !== 0) {
        warn(
          `token store directory ${dir} is owned by another user (uid ${stats.uid}), who can replace or read your token file; use a directory of your own (e.g. unset TOKENSMITH_TOKEN_FILE)`,
        );
      }
    }
  } catch (error) {
    if (error instanceof TokensmithError) throw error;
    throw storeError(`cannot create the token file's directory ${dir} (${errorCode(error)})`, error);
  }
}
