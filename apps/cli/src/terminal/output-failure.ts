import type { Writable } from 'node:stream';

// What happens when stdout cannot be written. A reader that went away (`tokensmith status | head -1`)
// is the ordinary end of a pipeline: the command ends quietly with its own exit code, as `git log |
// head` does. Any other write error (a full disk, `> /dev/full`) means the output was lost: one line
// on stderr and a non-zero exit, never Node's unhandled 'error' stack trace.

/** Error codes that mean the reading end of stdout is gone (EOF: how Windows reports a closed pipe): nothing to report. */
const READER_GONE = new Set(['EPIPE', 'ECONNRESET', 'EOF', 'ERR_STREAM_DESTROYED']);

/** Whether a write error only means the reader of the stream went away (`| head -1`). */
export function isReaderGone(error: unknown): boolean {
  return READER_GONE.has(String((error as NodeJS.ErrnoException | undefined)?.code));
}

/** The one line printed on stderr when stdout could not be written for another reason than a closed reader. */
export function outputFailureLine(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  // fs messages read "ENOSPC: no space left on device, write": keep the words, name the code once.
  const reason = String(message ?? '')
    .replace(/^[A-Z]+: /, '')
    .replace(/, write$/, '');
  return `error: could not write the output to stdout: ${reason || 'write failed'}${code ? ` (${code})` : ''}\n`;
}

/** The exit code of a run whose output may have failed: the command's own, or 1 when only the output failed. */
export function exitCodeAfterOutput(code: number, failure: unknown): number {
  if (failure === undefined || isReaderGone(failure)) return code;
  return code === 0 ? 1 : code;
}

/** Remembers the first stdout write error of a run; stderr errors are swallowed (there is nowhere left to report them). */
export interface OutputGuard {
  /** The first error stdout reported, if any. */
  readonly failure: unknown;
}

/**
 * Listens for write errors on the process's stdout and stderr, so that a closed pipe or a full disk
 * never becomes an unhandled 'error' event. A stream that failed is destroyed by Node: later writes
 * to it are dropped, so the command runs to its end and its exit code stands (see
 * {@link exitCodeAfterOutput}).
 *
 * @example
 * ```ts
 * const guard = guardOutput(process.stdout, process.stderr);
 * const code = await run(argv, io);
 * if (guard.failure !== undefined && !isReaderGone(guard.failure)) process.stderr.write(outputFailureLine(guard.failure));
 * process.exit(exitCodeAfterOutput(code, guard.failure));
 * ```
 */
export function guardOutput(stdout: Writable, stderr: Writable): OutputGuard {
  let failure: unknown;
  stdout.on('error', (error: unknown) => {
    failure ??= error;
  });
  stderr.on('error', () => undefined);
  return {
    // The 'error' event comes a tick after the failed write; the stream records the error at once.
    get failure() {
      return failure ?? stdout.errored ?? undefined;
    },
  };
}
