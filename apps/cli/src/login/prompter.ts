import { createRequire } from 'node:module';
import type { Interface } from 'node:readline';
import { TokensmithError } from '@tokensmith/core';
import type { CliIO } from '../terminal/io.js';

/**
 * Whether a person can answer this run: standard input must be a terminal, `CI` unset, and no
 * `--no-input`. `why` says, for messages, what made it non-interactive.
 */
export interface InteractionMode {
  interactive: boolean;
  why?: string;
}

/** Decides {@link InteractionMode} from the run's streams, environment and `--no-input`. */
export function interactionMode(io: CliIO, options: { input?: boolean } = {}): InteractionMode {
  if (options.input === false) return { interactive: false, why: '--no-input was given' };
  // CI=false (some tools export it) is not a CI run.
  if (io.env.CI !== undefined && io.env.CI !== '' && io.env.CI !== 'false' && io.env.CI !== '0')
    return { interactive: false, why: 'CI is set' };
  if (!io.stdin.isTTY) return { interactive: false, why: 'standard input is not a terminal' };
  return { interactive: true };
}

/** Asks questions on the terminal. */
export interface Prompter {
  /**
   * Asks and resolves with the trimmed answer. `secret` masks what is typed (one `*` a character)
   * on a terminal. Rejects with `aborted` when `signal` aborts or Ctrl-C is typed, and with
   * `login_required` when standard input ends before an answer.
   */
  ask(question: string, options?: { secret?: boolean; signal?: AbortSignal }): Promise<string>;
  /** Whether standard input has ended (no answer can ever come). */
  readonly ended: boolean;
  close(): void;
}

type RawInput = CliIO['stdin'] & { setRawMode?: (mode: boolean) => unknown };

function abortedError(): TokensmithError {
  return new TokensmithError('aborted', 'cancelled; nothing was stored');
}

/** Creates a {@link Prompter} on `io.stdin`; the prompt goes to stderr so stdout stays clean. */
export function createPrompter(io: CliIO): Prompter {
  let rl: Interface | undefined;
  const lines: string[] = [];
  const waiters: Array<(line: string | undefined) => void> = [];
  let ended = false;
  const open = () => {
    if (rl) return;
    // node:readline (with readline/promises, ~0.4 ms) is loaded by the first question that reads a
    // line, not by every run that merely decides whether it could ask one. Synchronously, so the
    // interface exists before the question returns, as it always has.
    const { createInterface } = createRequire(import.meta.url)('node:readline') as typeof import('node:readline');
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
  const noAnswer = (question: string) =>
    new TokensmithError('login_required', `no answer for "${question.trim()}": standard input ended; run the command in a terminal`);

  const askLine = async (question: string, signal: AbortSignal | undefined): Promise<string> => {
    open();
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
                reject(signal?.reason instanceof TokensmithError ? signal.reason : abortedError());
              };
              if (signal?.aborted) return onAbort();
              signal?.addEventListener('abort', onAbort, { once: true });
              waiters.push(waiter);
            });
    if (line === undefined) throw noAnswer(question);
    return line.trim();
  };

  /** Reads one line in raw mode, echoing `*` per character: the PIN never shows on screen or in scrollback. */
  const askMasked = (question: string, signal: AbortSignal | undefined): Promise<string> => {
    const input = io.stdin as RawInput;
    return new Promise<string>((resolve, reject) => {
      let typed = '';
      const finish = (error: Error | undefined, value?: string) => {
        input.removeListener('data', onData);
        input.removeListener('end', onEnd);
        signal?.removeEventListener('abort', onAbort);
        input.setRawMode?.(false);
        input.pause();
        io.stderr.write('\n');
        if (error) reject(error);
        else resolve(value!.trim());
      };
      const onAbort = () => finish(signal?.reason instanceof TokensmithError ? signal.reason : abortedError());
      const onEnd = () => {
        ended = true;
        finish(noAnswer(question));
      };
      const onData = (chunk: Buffer | string) => {
        for (const char of String(chunk)) {
          if (char === '\r' || char === '\n') return finish(undefined, typed);
          if (char === '\u0003') {
            // Raw mode turns Ctrl-C into a byte: send ourselves the signal it would have been, so the
            // one SIGINT path (abort through the signal, clean up, exit 130) runs. Without a handler
            // for it (an embedding), just cancel the question.
            if (signal && process.listenerCount('SIGINT') > 0) process.kill(process.pid, 'SIGINT');
            else finish(abortedError());
            return;
          }
          if (char === '\u0004' && typed === '') return onEnd();
          if (char === '\u007f' || char === '\b') {
            if (typed.length > 0) {
              typed = typed.slice(0, -1);
              io.stderr.write('\b \b');
            }
          } else if (char >= ' ') {
            typed += char;
            io.stderr.write('*');
          }
        }
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      input.setRawMode?.(true);
      input.on('data', onData);
      input.once('end', onEnd);
      input.resume();
      io.stderr.write(question);
    });
  };

  return {
    get ended() {
      return ended;
    },
    async ask(question, options = {}) {
      const input = io.stdin as RawInput;
      // Raw mode first, then the prompt: a PIN typed the moment "PIN:" shows is never echoed.
      if (options.secret && input.isTTY && typeof input.setRawMode === 'function' && !rl) return askMasked(question, options.signal);
      io.stderr.write(question);
      return askLine(question, options.signal);
    },
    close() {
      rl?.close();
    },
  };
}
