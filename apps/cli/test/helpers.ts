import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { run } from '../src/program.js';

/** The built binary, as users run it. */
export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

export interface RunResult { code: number; stdout: string; stderr: string }

/** A fresh working directory with an isolated HOME/XDG config dir. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tokensmith-cli-'));
}

/** Writes a config file (mode 0600 unless given). */
export function writeConfig(dir: string, text: string, name = 'tokensmith.config.yaml', mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

/** Runs the CLI in this process with captured streams (fast; for config and usage paths). */
export async function runInProcess(argv: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; stdin?: string }): Promise<RunResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += String(c)));
  stderr.on('data', (c) => (err += String(c)));
  const code = await run(argv, {
    stdout, stderr,
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    env: { XDG_CONFIG_HOME: join(options.cwd, '.config'), ...options.env },
    cwd: options.cwd,
  });
  return { code, stdout: out, stderr: err };
}

/** Runs the built binary in a child process, the way a user does. */
export function runBinary(argv: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; stdin?: string; onStderr?: (text: string, child: import('node:child_process').ChildProcess) => void }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin', HOME: options.cwd, XDG_CONFIG_HOME: join(options.cwd, '.config'), CI: 'true', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => {
      stderr += String(c);
      options.onStderr?.(stderr, child);
    });
    if (options.stdin !== undefined) child.stdin.end(options.stdin);
    else if (!options.onStderr) child.stdin.end();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
