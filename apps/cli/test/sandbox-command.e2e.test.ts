import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBinary, spawnCli, tempDir } from './helpers.js';

// `tokensmith sandbox`: --write never replaces a file without --force (the README suggests the
// name of the user's real config), Ctrl-C ends it with 130 as the exit-code table says, and its
// help names one default for --port.

/** Starts `tokensmith sandbox argv`, sends `signal` once it is listening, and resolves with the exit code and stderr. */
function runUntilSignal(argv: string[], cwd: string, signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string }> {
  const child = spawnCli(['sandbox', ...argv], { cwd });
  child.stdin.end();
  child.stdout.resume();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.includes('Ctrl-C to stop')) child.kill(signal);
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

describe('tokensmith sandbox --write', () => {
  it('refuses to replace an existing file without --force, as init does, and leaves it as it was', async () => {
    const dir = tempDir();
    const path = join(dir, 'tokensmith.config.yaml');
    writeFileSync(path, 'my real config\n', { mode: 0o644 });
    // Before the refusal existed the sandbox ran (and replaced the file): stop it if it starts.
    const result = await runUntilSignal(['--write', path], dir, 'SIGINT');
    expect(result.stderr).toBe(`error: ${path} already exists; pass --force to overwrite it\n`);
    expect(result.code).toBe(1);
    expect(readFileSync(path, 'utf8')).toBe('my real config\n');
    expect(statSync(path).mode & 0o777).toBe(0o644);
  });

  it('replaces it with --force, 0600', async () => {
    const dir = tempDir();
    const path = join(dir, 'tokensmith.config.yaml');
    writeFileSync(path, 'old\n', { mode: 0o644 });
    const result = await runUntilSignal(['--write', path, '--force'], dir, 'SIGINT');
    expect(result.stderr).toContain(`wrote the config to ${path} (mode 600)`);
    expect(readFileSync(path, 'utf8')).toContain('providers:');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});

describe('tokensmith sandbox and Ctrl-C', () => {
  it('exits 130, as documented for a cancelled run', async () => {
    const result = await runUntilSignal([], tempDir(), 'SIGINT');
    expect(result.code).toBe(130);
  });
});

describe('tokensmith sandbox --help', () => {
  it('names one default for --port', async () => {
    const help = await runBinary(['sandbox', '--help'], { cwd: tempDir() });
    expect(help.stdout).toContain('(default: a free one)');
    expect(help.stdout).not.toContain('(default: "0")');
  });
});
