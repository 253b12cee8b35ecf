import { TokensmithError } from '@tokensmith/core';
import { withNextStep } from '../hints/next-step.js';
import { openBrowser } from './browser.js';
import type { InteractionMode, Prompter } from './prompter.js';
import type { CliIO, Progress } from '../terminal/io.js';
import { sanitizeForTerminal } from '../terminal/safety.js';

/**
 * What the login flows need from the person at the terminal (or the lack of one): the one place
 * that prints an authorize URL, opens the browser, and says what to run when nobody can answer.
 */
export interface Person {
  io: CliIO;
  progress: Progress;
  prompter: Prompter;
  mode: InteractionMode;
  /** The provider's config name, for "run `tokensmith login NAME`". */
  providerName: string;
  /** Open a browser at all (`--no-browser` sets false). */
  browser: boolean;
  /** Aborted on Ctrl-C / SIGTERM. */
  signal?: AbortSignal | undefined;
  /** URLs already printed in this run: each is printed exactly once. */
  shown?: Set<string>;
}

/**
 * Prints the URL (exactly once), then tries the browser unless `--no-browser`; a failure is one
 * line with the reason. Resolves whether a browser was opened.
 */
export async function showAuthorizeUrl(person: Person, url: string, heading = 'Open this URL to authorize:'): Promise<boolean> {
  const { io, progress } = person;
  progress.stop();
  if (!person.shown?.has(url)) io.stderr.write(`\n${heading}\n  ${sanitizeForTerminal(url)}\n\n`);
  person.shown?.add(url);
  if (!person.browser) return false;
  const result = await openBrowser(url, { env: io.env });
  if (result.opened) {
    io.stderr.write('Opened it in your browser.\n');
    return true;
  }
  io.stderr.write(`Could not open a browser: ${sanitizeForTerminal(result.reason)}. Open the URL above yourself.\n`);
  return false;
}

/**
 * The error for "this needs a person and none can answer": exit 2 and the exact command to run.
 * `twoStep` adds the scriptable OAuth 1.0a login.
 */
export function loginRequired(
  person: Pick<Person, 'providerName' | 'mode'>,
  options: { twoStep?: boolean; loggedIn?: boolean; anywhere?: boolean } = {},
): TokensmithError {
  const name = person.providerName;
  const why = person.mode.why ?? 'no one can answer here';
  const state = options.loggedIn ? `the stored login for ${name} can no longer be used` : `not logged in to ${name}`;
  if (options.anywhere) {
    return withNextStep(
      new TokensmithError(
        'login_required',
        `${state}, and this command does not wait for a person (${why}): run \`tokensmith login ${name}\` (it shows a code to approve on any device, and needs no terminal)`,
      ),
    );
  }
  const script = options.twoStep
    ? `; in a script, log in in two steps: \`tokensmith login ${name} --no-browser\` prints the URL to approve, then \`tokensmith login ${name} --pin PIN\``
    : '';
  return withNextStep(
    new TokensmithError(
      'login_required',
      `${state}, and a login needs a person (${why}): run \`tokensmith login ${name}\` in a terminal${script}`,
    ),
  );
}
