// Writing the token file so that a crash leaves the old file or the new one, never half of either.
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errorCode, storeError } from '@tokensmith/core/kit';

/**
 * Replaces the token file at `path` with `text`: a 0600 temporary file in the same directory,
 * written, fsynced, renamed over the file, then the directory fsynced. Call it under the write
 * lock: it first deletes the temporary files a killed writer left.
 */
export async function writeTokenFileAtomically(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  const base = basename(path);
  await sweepTemporaryFiles(dir, base);
  const temporary = join(dir, `.${base}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`);
  let handle: FileHandle;
  try {
    handle = await open(temporary, 'wx', 0o600);
  } catch (error) {
    throw storeError(`cannot write token file ${path}: creating a temporary file in ${dir} failed (${errorCode(error)})`, error);
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
    throw storeError(`cannot write token file ${path} (${errorCode(error)}); the previous file is unchanged`, error);
  }
  await fsyncDir(dir);
}

/**
 * Deletes temporary files a killed writer left. Safe because it runs under the write lock: no
 * live writer has one open (they are 0600 anyway, so they never exposed a token to others).
 */
async function sweepTemporaryFiles(dir: string, base: string): Promise<void> {
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
