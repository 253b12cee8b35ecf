import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { Help, type Command } from 'commander';
import { buildProgram } from '../program.js';
import type { HelpPages, HelpSegment } from './pages.js';

// Private-use characters around an index: what the capturing formatItem/boxWrap return in place
// of the text they would lay out, so the page around them is commander's, literally.
const OPEN = '\uE000';
const CLOSE = '\uE001';
const MARK = new RegExp(`${OPEN}(\\d+)${CLOSE}`);

/** Every page commander prints for `command` (its own help at key '' and each subcommand's), as segments. */
function capturePages(program: Command): Record<string, HelpSegment[]> {
  const pages: Record<string, HelpSegment[]> = {};
  for (const command of [program, ...program.commands]) {
    const open: HelpSegment[] = [];
    const mark = (segment: HelpSegment) => `${OPEN}${open.push(segment) - 1}${CLOSE}`;
    let text = '';
    command.configureHelp({
      ...command.configureHelp(),
      formatItem: (term: string, termWidth: number, description: string) => mark({ item: [term, termWidth, description] }),
      boxWrap: (str: string) => mark({ wrap: str }),
    });
    command.configureOutput({ writeOut: (chunk) => (text += chunk), getOutHelpWidth: () => 80, getOutHasColors: () => false });
    command.outputHelp();
    // Colours are never written, so whether stdout has them cannot change a page.
    if (text.includes('\x1b')) throw new Error(`help of ${command.name()} contains an escape sequence`);
    pages[command === program ? '' : command.name()] = text
      .split(MARK)
      .map((piece, i) => (i % 2 === 0 ? piece : open[Number(piece)]!))
      .filter((segment) => segment !== '');
  }
  return pages;
}

/** The program as one run in `cwd` builds it (buildProgram reads nothing else at construction). */
function programIn(cwd: string): Command {
  const io = {
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    stdin: Readable.from([]),
    cwd,
    env: { XDG_CONFIG_HOME: join(cwd, 'xdg') },
  };
  return buildProgram(io);
}

/**
 * Captures every help page of the `tokensmith` command from commander, for help/pages.ts to print
 * without loading it. Run at build time (scripts/bundle-cli.mjs writes dist/help-pages.json) and
 * by the test that holds the two equal.
 *
 * @example
 * ```ts
 * writeFileSync('dist/help-pages.json', JSON.stringify(captureHelpPages()));
 * ```
 */
export function captureHelpPages(): HelpPages {
  const demoDir = mkdtempSync(join(tmpdir(), 'tokensmith-help-'));
  const configuredDir = mkdtempSync(join(tmpdir(), 'tokensmith-help-'));
  try {
    writeFileSync(join(configuredDir, 'tokensmith.config.yaml'), '');
    const demo = capturePages(programIn(demoDir));
    const configured = capturePages(programIn(configuredDir));
    const { '': demoRoot, ...commands } = demo;
    const { '': configuredRoot, ...configuredCommands } = configured;
    // Only the program's examples depend on a config file; a command page that did too would be wrong here.
    if (JSON.stringify(commands) !== JSON.stringify(configuredCommands)) throw new Error('a command page depends on the config file');
    return { minWidthToWrap: new Help().minWidthToWrap, root: { demo: demoRoot!, configured: configuredRoot! }, commands };
  } finally {
    rmSync(demoDir, { recursive: true, force: true });
    rmSync(configuredDir, { recursive: true, force: true });
  }
}
