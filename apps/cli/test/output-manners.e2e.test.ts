import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runInPty } from './pty.js';
import { runBinary, tempDir } from './helpers.js';

/** `tokensmith argv` through the launcher in a pseudo-terminal `columns` wide; resolves with what it showed. */
function helpInTerminal(argv: string[], columns: number): Promise<string> {
  const launcher = fileURLToPath(new URL('../bin/tokensmith.cjs', import.meta.url));
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = `stty cols ${columns}; exec ${[process.execPath, launcher, ...argv].map(quote).join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: tempDir(),
      env: { PATH: process.env.PATH ?? '/usr/bin', TERM: 'xterm' },
    });
    let screen = '';
    child.stdout.on('data', (chunk: Buffer) => (screen += chunk.toString()));
    child.stdin.end();
    child.once('error', reject);
    child.once('close', () => resolve(screen.replace(/\r/g, '')));
  });
}

// Small output manners: a helper called by programs is quiet, and the help's tables line up.

describe('tokensmith token', () => {
  it('prints no progress line when its stdout is read by a program ($(tokensmith token x))', async () => {
    const result = await runBinary(['token', 'sandbox-app'], { cwd: tempDir() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\S+\n$/);
    expect(result.stderr).not.toContain('Getting a token');
  });

  it('shows its progress to a person at a terminal', async () => {
    const run = runInPty(['token', 'sandbox-app'], { cwd: tempDir() });
    expect(await run.exited).toBe(0);
    expect(run.text).toContain('Getting a token for sandbox-app');
  });
});

describe('tokensmith --help', () => {
  it('lines up the exit-code table, 130 included', async () => {
    const help = await runBinary(['--help'], { cwd: tempDir() });
    const table = help.stdout.split('Exit codes:\n')[1]!.split('\n\n')[0]!.split('\n');
    expect(table.map((line) => line.split(/\d+ +/)[0])).toEqual(['  ', '  ', '  ', '  ', '  ']);
    const columns = table.map((line) => /^ {2}\d+ +/.exec(line)![0].length);
    expect(new Set(columns).size).toBe(1);
    expect(table.at(-1)).toMatch(/^ {2}130 +cancelled \(Ctrl-C\)$/);
  });
});

describe('help on a narrow terminal', () => {
  it.each([['init'], ['sandbox'], ['login']])(
    '%s --help fits its options in 40 columns (descriptions go under the option)',
    async (command) => {
      const screen = await helpInTerminal([command, '--help'], 40);
      const options = screen.split('Options:\n')[1]!.split('\n\n')[0]!.split('\n');
      expect(options.length).toBeGreaterThan(2);
      // A single word longer than the terminal (a path) cannot be broken; anything else fits.
      for (const line of options) expect({ line, fits: line.length <= 40 || !/\S\s+\S/.test(line) }).toEqual({ line, fits: true });
    },
  );
});
