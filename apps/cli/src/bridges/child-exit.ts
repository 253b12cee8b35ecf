/**
 * Ends a command with a child's exit code (`tokensmith exec`): thrown by the command, turned into
 * the process's exit code by `run()`, which reports it instead of treating it as an error.
 *
 * @example
 * ```ts
 * throw new ChildExit(7); // tokensmith exits 7, printing nothing
 * ```
 */
export class ChildExit extends Error {
  override name = 'ChildExit';
  constructor(readonly code: number) {
    super(`the command exited with ${code}`);
  }
}
