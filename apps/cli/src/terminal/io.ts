import type { Readable, Writable } from 'node:stream';
import { sanitizeForTerminal } from './safety.js';

/** The process surroundings the CLI runs in (injectable for tests). */
export interface CliIO {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborts on Ctrl-C / SIGTERM (bin.ts): a login in progress cleans up and the run ends with 130. */
  signal?: AbortSignal;
}

/**
 * Whether to colour what is written to `stream`, decided for each stream on its own: `status >
 * file` in a terminal writes no escape codes into the file, while its errors on the terminal keep
 * their colour. In order: `FORCE_COLOR` (`0` or `false` disables, any other value forces, as Node
 * and chalk read it); `NO_COLOR` with any non-empty value disables (no-color.org); `CLICOLOR_FORCE`
 * other than `0` forces; otherwise colour only on a TTY whose `TERM` is not `dumb`.
 *
 * @example
 * ```ts
 * streamHasColor(process.stdout, process.env); // false for `tokensmith status > file`
 * streamHasColor({ isTTY: false }, { FORCE_COLOR: '1' }); // true
 * ```
 */
export function streamHasColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR) return false;
  if (env.CLICOLOR_FORCE !== undefined && env.CLICOLOR_FORCE !== '' && env.CLICOLOR_FORCE !== '0') return true;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

/** Whether to colour stderr (progress, prompts, errors): {@link streamHasColor} for `io.stderr`. */
export function useColor(io: CliIO): boolean {
  return streamHasColor(io.stderr, io.env);
}

/** Colour helpers for one run (identity functions when colour is off). */
export type Styler = ReturnType<typeof styler>;

/** Minimal ANSI styling that disappears when colour is off. */
export function styler(enabled: boolean) {
  const wrap = (open: number, close: number) => (text: string) => (enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39) };
}

/** Progress feedback on stderr: a spinner on a TTY, one line per step otherwise. */
export interface Progress {
  start(text: string): void;
  succeed(text: string): void;
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Creates {@link Progress} for `io.stderr`. `quiet` prints nothing (for --json scripts). */
export function createProgress(io: CliIO, quiet = false): Progress {
  const tty = Boolean(io.stderr.isTTY) && io.env.CI === undefined;
  const style = styler(useColor(io));
  let timer: NodeJS.Timeout | undefined;
  let current = '';
  const clear = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (tty && current) io.stderr.write('\r\u001b[2K');
    current = '';
  };
  return {
    start(message) {
      if (quiet) return;
      clear();
      // Progress lines can carry remote text ("Authorized as @name", a host, a user code).
      const text = sanitizeForTerminal(message);
      current = text;
      if (!tty) {
        io.stderr.write(`${style.dim('…')} ${text}\n`);
        return;
      }
      // One terminal row at most: a wrapped spinner line cannot be cleared with \r and would stay
      // frozen in the scrollback.
      const columns = (io.stderr as { columns?: number }).columns || 80; // 0 when the terminal reports no size
      const room = Math.max(10, columns - 3);
      const line = text.length > room ? `${text.slice(0, room - 1)}…` : text;
      let frame = 0;
      const draw = () => io.stderr.write(`\r\u001b[2K${style.cyan(FRAMES[frame++ % FRAMES.length] ?? '-')} ${line}`);
      draw();
      timer = setInterval(draw, 80);
      timer.unref();
    },
    succeed(text) {
      if (quiet) return;
      clear();
      io.stderr.write(`${style.green('✔')} ${sanitizeForTerminal(text)}\n`);
    },
    stop: clear,
  };
}
