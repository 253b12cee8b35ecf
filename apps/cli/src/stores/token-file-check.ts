import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { CliError } from '../cli-error.js';

// A token file of tens of thousands of tokens is a few MiB; anything bigger is not one of ours.
const MAX_TOKEN_FILE_BYTES = 64 * 1024 * 1024;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Refuses a `file:PATH` store setting whose file exists and is not a tokensmith token file (a JSON
 * object with a numeric `version` and a `tokens` object). The rule is about content, not names:
 * `~/.bash_profile`, an SSH key or an empty file are all refused alike, so a setting can never make
 * the file store write tokens into, move aside or chmod a file tokensmith did not create. A path
 * with nothing there is fine (the store creates it). Symlinks, FIFOs and devices are refused
 * without being opened for reading.
 *
 * @example
 * ```ts
 * await assertTokenFileOrAbsent('/home/ada/demo/tokens.json'); // resolves: absent, or a token file
 * await assertTokenFileOrAbsent('/home/ada/.bash_profile'); // rejects with a usage error
 * ```
 */
export async function assertTokenFileOrAbsent(path: string): Promise<void> {
  const refuse = (why: string) =>
    new CliError(
      'usage',
      `refusing the token store file:${path}: ${why}. A file: store setting must name a tokensmith token file, or a path where none exists yet`,
    );
  let stats;
  try {
    stats = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw refuse(`it cannot be inspected (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
  if (stats.isSymbolicLink()) throw refuse('it is a symbolic link');
  if (!stats.isFile()) throw refuse('it is not a regular file');
  if (stats.size > MAX_TOKEN_FILE_BYTES) throw refuse('it is not a tokensmith token file');
  // O_NOFOLLOW and O_NONBLOCK: a swap for a symlink or a FIFO after the lstat neither follows nor blocks.
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => {
    throw refuse('it cannot be opened');
  });
  let text: string;
  try {
    if (!(await handle.stat()).isFile()) throw refuse('it is not a regular file');
    text = (await handle.readFile({ encoding: 'utf8' })).slice(0, MAX_TOKEN_FILE_BYTES + 1);
  } finally {
    await handle.close();
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined; // never quote the text: it may be anything, secrets included
  }
  if (!isRecord(json) || typeof json.version !== 'number' || !isRecord(json.tokens)) throw refuse('it is not a tokensmith token file');
}
