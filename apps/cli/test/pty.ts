import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { BIN, TRUSTED_TEST_VARIABLES } from './helpers.js';

// The built binary in a real pseudo-terminal (util-linux `script`), as a person runs it: stdin is a
// TTY, CI is unset, and what we write is what the person types (Ctrl-C is the byte \x03, which the
// terminal turns into SIGINT unless the program reads raw). `screen` is everything the terminal showed.

/** A CLI run in a pty. */
export interface PtyRun {
  child: ChildProcess;
  /** Everything the terminal showed so far (stdout and stderr, and the echo of typed input). */
  readonly screen: string;
  /** `screen` without colour and cursor sequences (what a person reads). */
  readonly text: string;
  /** Types text into the terminal. */
  type(text: string): void;
  /** Resolves once `screen` matches (rejects after `timeoutMs`, with the screen in the message). */
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code. */
  exited: Promise<number>;
}

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/** Starts `tokensmith argv` in a pty with HOME and XDG config inside `cwd`. */
export function runInPty(argv: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): PtyRun {
  const command = [process.execPath, BIN, ...argv].map(quote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin',
      HOME: options.cwd,
      XDG_CONFIG_HOME: join(options.cwd, '.config'),
      TERM: 'xterm',
      ...TRUSTED_TEST_VARIABLES,
      ...options.env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    screen += String(chunk);
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return {
    child,
    get screen() {
      return screen;
    },
    get text() {
      // eslint-disable-next-line no-control-regex
      return screen.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
    },
    type(text) {
      child.stdin.write(text);
    },
    waitFor(pattern, timeoutMs = 30_000) {
      const matches = () => (typeof pattern === 'string' ? screen.includes(pattern) : pattern.test(screen));
      if (matches()) return Promise.resolve(screen);
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!matches()) return;
          done();
          resolve(screen);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for ${String(pattern)}; the terminal shows:\n${screen}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
          void exited.then(() => undefined);
        };
        listeners.add(check);
        void exited.then(() => {
          if (!listeners.has(check)) return;
          done();
          if (matches()) resolve(screen);
          else reject(new Error(`the CLI exited before showing ${String(pattern)}; the terminal shows:\n${screen}`));
        });
      });
    },
    exited,
  };
}
