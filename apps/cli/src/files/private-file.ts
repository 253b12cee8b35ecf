import { randomBytes } from 'node:crypto';
import { closeSync, constants, lstatSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `text` to `path` as a file only this user can read (0600): a new temp file beside it
 * (O_EXCL, O_NOFOLLOW: never through a planted link), then a rename over the target, so a reader
 * sees the old file or the new one, never half of one, and an existing 0644 file does not keep its
 * mode. A symbolic link at `path` is refused rather than followed. `dirMode` creates missing
 * parent directories with that mode.
 */
export function writePrivateFile(path: string, text: string, options: { dirMode?: number } = {}): void {
  const dir = dirname(path);
  if (options.dirMode !== undefined) mkdirSync(dir, { recursive: true, mode: options.dirMode });
  try {
    if (lstatSync(path).isSymbolicLink()) throw Object.assign(new Error(`${path} is a symbolic link`), { code: 'ELOOP' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}
