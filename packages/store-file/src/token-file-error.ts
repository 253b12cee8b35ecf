// The token file's errors as data: what is wrong with the file (`problem`), its path and the errno,
// so a program (the CLI's logout) decides from fields, never from message text, whether moving the
// file aside is the way out (only for a damaged token file: never for a write that failed on a full
// disk, never for a file that is not a token file at all).
import { TokensmithError, errorCode } from '@tokensmith/core/kit';

/**
 * What is wrong with a token file:
 * - `corrupt`: a tokensmith token file that cannot be read as one (damaged, another shape or
 *   format version); `reset()` moves it aside.
 * - `not_token_file`: the path holds something else (a key, a config, another program's JSON);
 *   nothing is read into the store, moved or chmod-ed.
 * - `write_failed`: a write failed (ENOSPC, EDQUOT, EIO...); the file is as it was.
 *
 * @example
 * ```ts
 * const problem: TokenFileProblem = 'write_failed';
 * ```
 */
export type TokenFileProblem = 'corrupt' | 'not_token_file' | 'write_failed';

/**
 * A `store_error` about the token file, with the data to act on: `problem`, `path` and, for a
 * failed system call, `errno` (`ENOSPC`).
 *
 * @example
 * ```ts
 * try { await store.delete(key); }
 * catch (error) { if (error instanceof TokenFileError && error.problem === 'corrupt') await store.reset?.(); else throw error; }
 * ```
 */
export class TokenFileError extends TokensmithError {
  override name = 'TokenFileError';
  /** What is wrong with the file. */
  readonly problem: TokenFileProblem;
  /** The token file's absolute path. */
  readonly path: string;
  /** The failed system call's code (`ENOSPC`), when one failed. */
  readonly errno?: string;

  constructor(problem: TokenFileProblem, path: string, message: string, options: { cause?: unknown; errno?: string } = {}) {
    super('store_error', message, options.cause === undefined ? undefined : { cause: options.cause });
    this.problem = problem;
    this.path = path;
    if (options.errno !== undefined) this.errno = options.errno;
  }
}

/** What errno `error` carries, with its words: `ENOSPC: no space left on device`. */
const errnoWords = (code: string, error: unknown) => {
  const message = error instanceof Error ? error.message : '';
  const words = /^[A-Z0-9]+: ([^,]+)/.exec(message)?.[1];
  return words ? `${code}: ${words}` : code;
};

/**
 * A {@link TokenFileError} for a failed system call: `<what> (<errno>: <words>)[; <after>]`.
 *
 * @example
 * ```ts
 * throw tokenFileError('write_failed', path, `cannot write token file ${path}`, error, 'the previous file is unchanged');
 * ```
 */
export function tokenFileError(problem: TokenFileProblem, path: string, what: string, error: unknown, after?: string): TokenFileError {
  const code = errorCode(error);
  return new TokenFileError(problem, path, `${what} (${errnoWords(code, error)})${after ? `; ${after}` : ''}`, {
    cause: error,
    errno: code,
  });
}
