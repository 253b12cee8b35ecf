import type { CliIO } from '../terminal/io.js';
import type { Prompter } from './prompter.js';
import { sanitizeForTerminal } from '../terminal/safety.js';

/** The question of the authorization-code paste prompt. */
export const PASTE_QUESTION = 'Waiting for the browser; or paste the URL it was redirected to (or the code): ';

/**
 * Asks for the redirected URL (or the code) until something is typed: a stray Enter asks again
 * instead of ending the login. When the previous paste could not be used (`rejected`, from the
 * authorization-code package), says why first. The wait is bounded by `signal` (the login's
 * deadline, the browser reaching the loopback listener, Ctrl-C), and the listener keeps waiting
 * meanwhile.
 *
 * @example
 * ```ts
 * promptRedirect: ({ signal, rejected }) => askForRedirect(io, prompter, { signal, rejected }),
 * ```
 */
export async function askForRedirect(
  io: CliIO,
  prompter: Prompter,
  options: { signal: AbortSignal; rejected?: string | undefined },
): Promise<string> {
  // The reason quotes nothing pasted (the package words it), but stays terminal-safe all the same.
  if (options.rejected) io.stderr.write(`That paste cannot be used: ${sanitizeForTerminal(options.rejected)}. Try again.\n`);
  for (;;) {
    const answer = await prompter.ask(PASTE_QUESTION, { signal: options.signal });
    if (answer !== '') return answer;
  }
}
