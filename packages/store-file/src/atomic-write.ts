// Writing the token file so that a crash leaves the old file or the new one, never half of either.
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errorCode, storeError } from '@tokensmith/core/kit';
import { tokenFileError } from './token-file-error.js';

/**
 * The one temporary file of the token file at `path`: `.<name>.tmp` beside it. A fixed name, not a
 * random one, because every write holds the write lock (one writer at a time across processes and
 * threads): a leftover of a killed writer is found by its name, never by listing the directory
 * (a readdir costs ~32 ms with 50,000 other files there, on every write).
 *
 * @example
 * ```ts
 * temporaryPathOf('/home/me/.config/tokensmith/tokens.json'); // '/home/me/.config/tokensmith/.tokens.json.tmp'
 * ```
 */
export const temporaryPathOf = (path: string): string => join(dirname(path), `.${basename(path)}.tmp`);

/**
 * Replaces the token file at `path` with `text`: a 0600 temporary file in the same directory,
 * written, fsynced, renamed over the file, then the directory fsynced. Call it under the write
 * lock: a temporary file a killed writer left is replaced. A failure (ENOSPC, EDQUOT, EIO...) is
 * a `write_failed` {@link TokenFileError} naming the path and the errno: the file is as it was.
 */
export async function writeTokenFileAtomically(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  const temporary = temporaryPathOf(path);
  let handle: FileHandle;
  try {
    handle = await openTemporary(temporary);
  } catch (error) {
    throw tokenFileError('write_failed', path, `cannot write token file ${path}: creating a temporary file in ${dir} failed`, error);
  }
  try {
    await handle.chmod(0o600);
    await handle.writeFile(text);
    await handle.sync();
    await handle.close();
    await rename(temporary, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temporary).catch(() => undefined);
    throw tokenFileError('write_failed', path, `cannot write token file ${path}`, error, 'the previous file is unchanged');
  }
  await fsyncDir(dir);
}

/**
 * Creates the temporary file (O_EXCL, 0600, no symlink followed). One found there is a killed
 * writer's leftover (no live writer has one: we hold the write lock): it is deleted, once.
 */
async function openTemporary(temporary: string): Promise<FileHandle> {
  try {
    return await open(temporary, 'wx', 0o600);
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
  }
  await unlink(temporary);
  return open(temporary, 'wx', 0o600);
}

/** Makes a rename durable: fsync the directory that holds the entry. */
export async function fsyncDir(dir: string): Promise<void> {
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
