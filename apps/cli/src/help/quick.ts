import { fstatSync, readFileSync, statSync, writeSync, type Stats } from 'node:fs';
import { findDefaultConfigFile } from '../config/locate.js';
import { helpRequest, renderHelpPage, type HelpPages } from './pages.js';
import { versionLine } from '../version.js';
import { exitCodeAfterOutput, isReaderGone, outputFailureLine } from '../terminal/output-failure.js';

function readPages(path: string): HelpPages | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as HelpPages;
  } catch {
    return undefined; // not built: commander answers
  }
}

/**
 * The width commander wraps stdout's help to: a TTY's columns (undefined when unknown), else 80.
 * Only a character device can be a terminal, and /dev/null (where benchmarks and scripts send
 * output) never is: anything else is answered without process.stdout, whose set-up loads node:tty
 * and node:net, or a file stream (~3-5 ms, more than the rest of `--help`).
 */
function helpWidth(): number {
  const stdout = statIfAny(() => fstatSync(1)); // none: stdout closed
  // No /dev/null to compare with (Windows): every character device is asked.
  const mayBeTerminal = stdout?.isCharacterDevice() === true && stdout.rdev !== statIfAny(() => statSync('/dev/null'))?.rdev;
  return (mayBeTerminal && process.stdout.isTTY ? process.stdout.columns : undefined) ?? 80;
}

function statIfAny(stat: () => Stats): Stats | undefined {
  try {
    return stat();
  } catch {
    return undefined;
  }
}

/**
 * Writes `text` to stdout. Straight to file descriptor 1: process.stdout is a stream whose set-up
 * costs more than the rest of `--help`. A full pipe (EAGAIN) falls back to the stream. A reader
 * that went away (`| head -1`, EPIPE) ends the output quietly, as it does for any command; any
 * other failure (`> /dev/full`) is one line on stderr and exit 1 (terminal/output-failure.ts).
 */
export function writeOut(text: string): void {
  let rest = Buffer.from(text);
  try {
    while (rest.length > 0) rest = rest.subarray(writeSync(1, rest));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
      process.stdout.on('error', reportOutputFailure);
      process.stdout.write(rest);
    } else reportOutputFailure(error);
  }
}

function reportOutputFailure(error: unknown): void {
  if (isReaderGone(error)) return;
  process.stderr.on('error', () => undefined); // nowhere left to report a failure of stderr itself
  process.stderr.write(outputFailureLine(error));
  process.exitCode = exitCodeAfterOutput(0, error);
}

/**
 * Answers `--help`, `<command> --help`, `help <command>` and `--version` without loading the CLI
 * (commander, the commands, the message table): the text commander prints, at the width it would
 * use (the columns of a TTY stdout, else 80), read from the pages the build captured
 * (`pagesPath`, dist/help-pages.json). Returns false for anything else, and when the pages are
 * missing, so that commander answers. Bundled on its own as CommonJS (dist/quick-help.cjs), for
 * the launcher bin/tokensmith.cjs.
 *
 * @example
 * ```ts
 * if (!answerHelpQuickly(process.argv.slice(2), 'dist/help-pages.json')) await import('../bin.js');
 * ```
 */
export function answerHelpQuickly(argv: readonly string[], pagesPath: string): boolean {
  if (!argv.some((arg) => arg === '--help' || arg === '-h' || arg === 'help' || arg === '--version' || arg === '-V')) return false;
  const pages = readPages(pagesPath);
  const request = pages && helpRequest(argv, Object.keys(pages.commands));
  if (!pages || !request) return false;
  if ('version' in request) {
    writeOut(`${versionLine()}\n`);
    return true;
  }
  const segments =
    request.page === ''
      ? findDefaultConfigFile(process.cwd(), process.env) === undefined
        ? pages.root.demo
        : pages.root.configured
      : pages.commands[request.page]!;
  writeOut(renderHelpPage(segments, helpWidth(), pages.minWidthToWrap));
  return true;
}
