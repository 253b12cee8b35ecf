import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, TRUSTED_TEST_VARIABLES, runBinary, tempDir } from './helpers.js';

// A stdout that goes away (`tokensmith status | head -1`) ends every command quietly with exit 0, as
// `git log | head` does; a stdout that cannot be written (`> /dev/full`) gives one line on stderr
// and exit 1. Never Node's unhandled 'error' event and its stack trace.

/** The command as npm links it: `--help` is answered by the launcher without loading dist/bin.js. */
const LAUNCHER = fileURLToPath(new URL('../bin/tokensmith.cjs', import.meta.url));

interface Outcome {
  code: number;
  stderr: string;
}

/**
 * Runs the CLI (the built-in demo: no config file in `cwd`) with stdout either a pipe whose reading
 * end the test closes before the CLI starts writing, or /dev/full.
 */
function runWithStdout(
  argv: string[],
  stdout: 'closed-pipe' | 'dev-full',
  options: { cwd?: string; script?: string } = {},
): Promise<Outcome> {
  const cwd = options.cwd ?? tempDir();
  const full = stdout === 'dev-full' ? openSync('/dev/full', 'w') : undefined;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.script ?? BIN, ...argv], {
      cwd,
      env: {
        PATH: process.env.PATH ?? '/usr/bin',
        HOME: cwd,
        XDG_CONFIG_HOME: join(cwd, '.config'),
        CI: 'true',
        ...TRUSTED_TEST_VARIABLES,
      },
      stdio: ['ignore', full ?? 'pipe', 'pipe'],
    });
    if (full !== undefined) closeSync(full);
    // Node takes tens of milliseconds to start: the reader is gone long before the first write.
    else child.stdout!.destroy();
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

const NO_STACK = /Unhandled|EPIPE|node:events|\n\s+at /;

const COMMANDS: Array<[string, string[]]> = [
  ['timeline', ['timeline']],
  ['token', ['token', 'sandbox-app']],
  ['providers', ['providers']],
  ['status', ['status']],
  ['login --json', ['login', 'sandbox-app', '--json']],
  ['init --output -', ['init', '--output', '-']],
];

describe.each(COMMANDS)('%s with a stdout nobody reads', (_name, argv) => {
  it('ends quietly with exit 0 when the reader has gone (| head -1)', async () => {
    const outcome = await runWithStdout(argv, 'closed-pipe');
    expect(outcome.stderr).not.toMatch(NO_STACK);
    expect(outcome.code).toBe(0);
  });

  it('says in one line that stdout could not be written, and exits 1 (> /dev/full)', async () => {
    const outcome = await runWithStdout(argv, 'dev-full');
    expect(outcome.stderr).not.toMatch(NO_STACK);
    expect(outcome.stderr).toContain('error: could not write the output to stdout: no space left on device (ENOSPC)\n');
    expect(outcome.stderr.match(/could not write/g)).toHaveLength(1);
    expect(outcome.code).toBe(1);
  });
});

describe('--help (answered by the launcher) with a stdout nobody reads', () => {
  it('ends quietly with exit 0 when the reader has gone', async () => {
    const outcome = await runWithStdout(['--help'], 'closed-pipe', { script: LAUNCHER });
    expect(outcome).toEqual({ code: 0, stderr: '' });
  });

  it('says in one line that stdout could not be written, and exits 1', async () => {
    const outcome = await runWithStdout(['--help'], 'dev-full', { script: LAUNCHER });
    expect(outcome).toEqual({ code: 1, stderr: 'error: could not write the output to stdout: no space left on device (ENOSPC)\n' });
  });

  it('does the same when commander answers (an option beside --help)', async () => {
    const outcome = await runWithStdout(['--no-input', '--help'], 'dev-full', { script: LAUNCHER });
    expect(outcome).toEqual({ code: 1, stderr: 'error: could not write the output to stdout: no space left on device (ENOSPC)\n' });
  });
});

describe('init --output -', () => {
  it('prints the starter config on stdout and creates no file named "-"', async () => {
    const cwd = tempDir();
    const result = await runBinary(['init', '--output', '-', '--strategy', 'device-code'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('strategy: device-code');
    expect(result.stdout).toMatch(/^# tokensmith config/);
    expect(existsSync(join(cwd, '-'))).toBe(false);
  });
});
