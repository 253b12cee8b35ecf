import { spawn } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { TokensmithError } from '@tokensmith/core';
import type { CliIO } from './io.js';

/** Asks questions on the terminal, or reads answers line by line from piped stdin. */
export interface Prompter {
  /** Asks and resolves with the trimmed answer; rejects when stdin has ended or `signal` aborts. */
  ask(question: string, options?: { secret?: boolean; signal?: AbortSignal }): Promise<string>;
  /** Whether standard input has ended (no answer can ever come). */
  readonly ended: boolean;
  close(): void;
}

/** Creates a {@link Prompter} on `io.stdin`; the prompt goes to stderr so stdout stays clean. */
export function createPrompter(io: CliIO): Prompter {
  let rl: Interface | undefined;
  const lines: string[] = [];
  const waiters: Array<(line: string | undefined) => void> = [];
  let ended = false;
  const open = () => {
    if (rl) return;
    rl = createInterface({ input: io.stdin, terminal: false });
    rl.on('line', (line) => {
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    });
    rl.on('close', () => {
      ended = true;
      for (const waiter of waiters.splice(0)) waiter(undefined);
    });
  };
  return {
    get ended() {
      return ended;
    },
    async ask(question, options) {
      io.stderr.write(question);
      open();
      const signal = options?.signal;
      const line =
        lines.length > 0
          ? lines.shift()
          : ended
            ? undefined
            : await new Promise<string | undefined>((resolve, reject) => {
                const waiter = (value: string | undefined) => {
                  signal?.removeEventListener('abort', onAbort);
                  resolve(value);
                };
                const onAbort = () => {
                  const index = waiters.indexOf(waiter);
                  if (index >= 0) waiters.splice(index, 1);
                  io.stderr.write('\n');
                  reject(new TokensmithError('aborted', 'the question was answered another way'));
                };
                if (signal?.aborted) return onAbort();
                signal?.addEventListener('abort', onAbort, { once: true });
                waiters.push(waiter);
              });
      if (line === undefined) {
        // A TokensmithError passes through the strategies unchanged, so the fix reaches the user.
        throw new TokensmithError('login_required', `no answer on standard input for "${question.trim()}" (it ended); pass it as an option (--pin for a PIN) or run in a terminal`);
      }
      return line.trim();
    },
    close() {
      rl?.close();
    },
  };
}

/** Opens a URL in the user's browser (xdg-open / open / start); resolves false when none could be started. */
export function openInBrowser(url: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const command = env.BROWSER ?? (process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open');
  const args = process.platform === 'win32' && !env.BROWSER ? ['/c', 'start', '""', url] : [url];
  return new Promise((resolve) => {
    try {
      const child = spawn(command, args, { stdio: 'ignore', detached: true });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}
