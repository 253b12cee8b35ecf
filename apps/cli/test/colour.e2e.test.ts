import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runBinary, tempDir } from './helpers.js';

// Colour is decided for each stream on its own (terminal/io.ts streamHasColor): `providers > file`
// in a terminal writes no escape codes into the file; FORCE_COLOR, NO_COLOR and CLICOLOR_FORCE are
// honoured as their conventions say. `providers` (the built-in demo) styles its stdout: the
// source line dim, the provider names bold.

const ESC = '\u001b[';

/** Runs `tokensmith providers` in a pseudo-terminal (stdin and stderr TTYs) with stdout sent to a file; returns the file. */
function providersToFileInTerminal(env: NodeJS.ProcessEnv = {}): Promise<string> {
  const cwd = tempDir();
  const file = join(cwd, 'out.txt');
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = `${[process.execPath, BIN, 'providers'].map(quote).join(' ')} > ${quote(file)}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin', HOME: cwd, XDG_CONFIG_HOME: join(cwd, '.config'), TERM: 'xterm', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end();
    child.stdout.resume();
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(readFileSync(file, 'utf8')) : reject(new Error(`exit ${code}`))));
  });
}

/** `tokensmith providers` with stdout a pipe (no terminal anywhere) and `env`. */
async function providersThroughPipe(env: NodeJS.ProcessEnv): Promise<string> {
  const result = await runBinary(['providers'], { cwd: tempDir(), env });
  expect(result.code).toBe(0);
  return result.stdout;
}

describe('colour on stdout', () => {
  it('writes no escape codes into a file, though stderr is a terminal', async () => {
    const text = await providersToFileInTerminal();
    expect(text).toContain('sandbox-app');
    expect(text).not.toContain(ESC);
  });

  it('FORCE_COLOR forces it on a pipe; 0 and false do not', async () => {
    expect(await providersThroughPipe({ FORCE_COLOR: '1' })).toContain(ESC);
    expect(await providersThroughPipe({ FORCE_COLOR: '0' })).not.toContain(ESC);
    expect(await providersThroughPipe({ FORCE_COLOR: 'false' })).not.toContain(ESC);
  });

  it('CLICOLOR_FORCE forces it on a pipe unless 0; NO_COLOR with a value wins over it', async () => {
    expect(await providersThroughPipe({ CLICOLOR_FORCE: '1' })).toContain(ESC);
    expect(await providersThroughPipe({ CLICOLOR_FORCE: '0' })).not.toContain(ESC);
    expect(await providersThroughPipe({ CLICOLOR_FORCE: '1', NO_COLOR: '1' })).not.toContain(ESC);
    // An empty NO_COLOR is unset (no-color.org).
    expect(await providersThroughPipe({ CLICOLOR_FORCE: '1', NO_COLOR: '' })).toContain(ESC);
  });
});
