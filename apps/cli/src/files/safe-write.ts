import { closeSync, constants, fsyncSync, lstatSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** What a path is before a write: nothing, a regular file, a symbolic link (dangling or not), or something else. */
export function pathKind(path: string): 'missing' | 'file' | 'symlink' | 'other' {
  try {
    const stat = lstatSync(path);
    return stat.isSymbolicLink() ? 'symlink' : stat.isFile() ? 'file' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}

/**
 * Writes `text` to `path` with `mode` (default 0600) through a temp file in the same directory,
 * created with O_EXCL|O_NOFOLLOW, then renamed over `path`: a symlink at `path` is replaced, never
 * written through, and an existing file's looser mode is not kept. Returns the mode the file has.
 */
export function writeFileAtomic(path: string, text: string, mode = 0o600): number {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (error) {
    unlinkSync(temp);
    throw error;
  }
  return statSync(path).mode & 0o777;
}
