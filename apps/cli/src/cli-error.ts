import { TokensmithError, errorCategory, type ErrorCategory } from '@tokensmith/core';

/** Documented exit codes, one per error category of `@tokensmith/core`'s table. */
export const EXIT = { ok: 0, usage: 1, auth: 2, provider: 3 } as const;

/** The exit code of each error category (`ERROR_CATEGORIES` in core is the only list of codes). */
const EXIT_BY_CATEGORY: Record<ErrorCategory, number> = { usage: EXIT.usage, auth: EXIT.auth, provider: EXIT.provider };

/** An error the CLI reports as one line (or a few) and an exit code. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    readonly category: ErrorCategory,
    message: string,
  ) {
    super(message);
  }
}

/** The exit code of an error category. */
export function exitCodeForCategory(category: ErrorCategory): number {
  return EXIT_BY_CATEGORY[category];
}

/** Maps any error to its exit code through its category: 1 usage/config, 2 auth, 3 network or provider. */
export function exitCodeFor(error: unknown): number {
  return EXIT_BY_CATEGORY[error instanceof CliError ? error.category : errorCategory(error)];
}

/** The message printed for an error: tokensmith's messages carry no secrets; anything else is summarised. */
export function messageFor(error: unknown): string {
  if (error instanceof CliError || error instanceof TokensmithError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message.split('\n')[0]}`;
  return 'unexpected error';
}

/**
 * Ends a command with an exit code after it has printed all it has to say (`status` when a provider
 * is not usable): `run()` returns the code and prints no error line.
 *
 * @example
 * ```ts
 * throw new QuietExit(EXIT.usage); // tokensmith exits 1, adding nothing to what the command printed
 * ```
 */
export class QuietExit extends Error {
  override name = 'QuietExit';
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
