import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough, Readable } from 'node:stream';
import type { Command } from 'commander';
import { captureHelpPages } from '../src/help/capture.js';
import { helpRequest, renderHelpPage, type HelpSegment } from '../src/help/pages.js';
import { buildProgram } from '../src/program.js';
import { runInProcess, tempDir, type RunResult } from './helpers.js';

/** The command as npm links it: the launcher, which asks dist/quick-help.cjs before loading dist/bin.js. */
const LAUNCHER = fileURLToPath(new URL('../bin/tokensmith.cjs', import.meta.url));

function runLauncher(argv: string[], cwd: string, launcher = LAUNCHER): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [launcher, ...argv], {
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin', HOME: cwd, XDG_CONFIG_HOME: join(cwd, '.config') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

// Widths around every boundary commander has: below and at minWidthToWrap (40) for the whole
// page and for the description column, 80 (no TTY), and wide terminals. undefined is a TTY
// whose width is unknown; 0 a TTY that reports 0 columns.
const WIDTHS = [undefined, 0, 1, 20, 39, 40, 41, 45, 50, 60, 62, 63, 64, 70, 79, 80, 81, 100, 120, 160, 250];

/** What commander prints for `tokensmith <page> --help` at `width`, from a program built in `cwd`. */
function commanderHelp(cwd: string, page: string, width: number | undefined): string {
  const program = buildProgram({
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    stdin: Readable.from([]),
    cwd,
    env: { XDG_CONFIG_HOME: join(cwd, 'xdg') },
  });
  const command: Command = page === '' ? program : program.commands.find((c) => c.name() === page)!;
  let text = '';
  // commander types the width as a number; at run time it is undefined when stdout is no TTY.
  command.configureOutput({ writeOut: (chunk) => (text += chunk), getOutHelpWidth: () => width as number });
  command.outputHelp();
  return text;
}

describe('help pages printed without commander', () => {
  const pages = captureHelpPages();
  const demoDir = tempDir();
  const configuredDir = tempDir();
  writeFileSync(join(configuredDir, 'tokensmith.config.yaml'), 'providers: {}\n');
  const cases: Array<[string, string, HelpSegment[]]> = [
    ['tokensmith (demo)', demoDir, pages.root.demo],
    ['tokensmith (a config file)', configuredDir, pages.root.configured],
    ...Object.entries(pages.commands).map(([name, segments]): [string, string, HelpSegment[]] => [`tokensmith ${name}`, demoDir, segments]),
  ];

  it('cover every command commander knows', () => {
    const program = buildProgram({ stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from([]), cwd: demoDir, env: {} });
    expect(Object.keys(pages.commands).sort()).toEqual(program.commands.map((c) => c.name()).sort());
    expect(pages.root.demo).not.toEqual(pages.root.configured);
  });

  it.each(cases)('%s: equal commander at every width', (_name, cwd, segments) => {
    const page = _name.startsWith('tokensmith (') ? '' : _name.slice('tokensmith '.length);
    for (const width of WIDTHS) {
      expect({ width, text: renderHelpPage(segments, width ?? 80, pages.minWidthToWrap) }).toEqual({
        width,
        text: commanderHelp(cwd, page, width),
      });
    }
  });

  it('are asked for only by the exact help and version forms', () => {
    const commands = ['timeline', 'login'];
    expect(helpRequest(['--help'], commands)).toEqual({ page: '' });
    expect(helpRequest(['-h'], commands)).toEqual({ page: '' });
    expect(helpRequest(['help'], commands)).toEqual({ page: '' });
    expect(helpRequest(['timeline', '--help'], commands)).toEqual({ page: 'timeline' });
    expect(helpRequest(['login', '-h'], commands)).toEqual({ page: 'login' });
    expect(helpRequest(['help', 'login'], commands)).toEqual({ page: 'login' });
    expect(helpRequest(['--version'], commands)).toEqual({ version: true });
    expect(helpRequest(['-V'], commands)).toEqual({ version: true });
    // Everything else is commander's: other options, unknown commands, no arguments.
    for (const argv of [
      [],
      ['--store', 'memory', '--help'],
      ['nope', '--help'],
      ['help', 'nope'],
      ['help', 'help'],
      ['timeline', 'x', '--help'],
    ])
      expect(helpRequest(argv, commands)).toBeUndefined();
    expect(helpRequest(['constructor', '--help'], commands)).toBeUndefined();
  });

  it.each([
    [['--help']],
    [['-h']],
    [['help']],
    [['timeline', '--help']],
    [['help', 'login']],
    [['trust', '-h']],
    [['--version']],
    [['-V']],
  ])(
    'the launcher prints what commander does: %j',
    async (argv) => {
      for (const cwd of [demoDir, configuredDir]) {
        const [binary, inProcess] = await Promise.all([runLauncher(argv, cwd), runInProcess(argv, { cwd })]);
        expect(binary).toEqual({ code: 0, stdout: inProcess.stdout, stderr: '' });
        expect(inProcess.code).toBe(0);
      }
    },
    30_000,
  );

  it('are answered without the rest of the CLI: a launcher with only quick-help.cjs and the pages beside it', async () => {
    const install = tempDir();
    mkdirSync(join(install, 'bin'));
    mkdirSync(join(install, 'dist'));
    copyFileSync(LAUNCHER, join(install, 'bin', 'tokensmith.cjs'));
    for (const file of ['quick-help.cjs', 'help-pages.json'])
      copyFileSync(fileURLToPath(new URL(`../dist/${file}`, import.meta.url)), join(install, 'dist', file));
    const launcher = join(install, 'bin', 'tokensmith.cjs');
    for (const argv of [['--help'], ['status', '--help'], ['--version']]) {
      const [stripped, inProcess] = await Promise.all([runLauncher(argv, demoDir, launcher), runInProcess(argv, { cwd: demoDir })]);
      expect(stripped).toEqual({ code: 0, stdout: inProcess.stdout, stderr: '' });
    }
    // Anything else needs dist/bin.js, which this copy does not have.
    const other = await runLauncher(['providers'], demoDir, launcher);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain('bin.js');
  }, 30_000);
});
