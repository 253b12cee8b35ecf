import { readFileSync } from 'node:fs';
import { findDefaultConfigFile } from './config-locate.js';
import { helpRequest, renderHelpPage, type HelpPages } from './help-pages.js';
import { VERSION } from './version.js';

/** Where the build writes the captured pages: beside the bundle's entry (dist/help-pages.json). */
const PAGES = new URL('./help-pages.json', import.meta.url);

function readPages(): HelpPages | undefined {
  try {
    return JSON.parse(readFileSync(PAGES, 'utf8')) as HelpPages;
  } catch {
    return undefined; // not built (the sources under test): commander answers
  }
}

/**
 * Answers `--help`, `<command> --help`, `help <command>` and `--version` without loading the CLI
 * (commander, the commands, the message table): the same text commander prints, at the same width
 * (the terminal's columns on a TTY, else 80), in a few milliseconds. Returns false for anything
 * else, and when the pages were not built, so that commander answers.
 *
 * @example
 * ```ts
 * if (!answerHelpQuickly(process.argv.slice(2))) await import('./main.js');
 * ```
 */
export function answerHelpQuickly(argv: readonly string[]): boolean {
  if (!argv.some((arg) => arg === '--help' || arg === '-h' || arg === 'help' || arg === '--version' || arg === '-V')) return false;
  const pages = readPages();
  const request = pages && helpRequest(argv, Object.keys(pages.commands));
  if (!pages || !request) return false;
  if ('version' in request) {
    process.stdout.write(`${VERSION}\n`);
    return true;
  }
  const segments =
    request.page === ''
      ? findDefaultConfigFile(process.cwd(), process.env) === undefined
        ? pages.root.demo
        : pages.root.configured
      : pages.commands[request.page]!;
  // commander's width: the columns of a TTY stdout, else (and when unknown) 80.
  const width = (process.stdout.isTTY ? process.stdout.columns : undefined) ?? 80;
  process.stdout.write(renderHelpPage(segments, width, pages.minWidthToWrap));
  return true;
}
