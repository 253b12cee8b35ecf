import { runInPty } from './pty.js';
import { runBinary, tempDir } from './helpers.js';

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
