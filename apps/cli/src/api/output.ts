import type { Writable } from 'node:stream';
import { sanitizeForTerminal } from '../terminal/safety.js';
import { prettyJson } from './json-output.js';

// Writing `tokensmith api`'s answer to stdout: what a terminal gets (indented, coloured, remote
// text neutralised) and what a pipe gets (the bytes as received, or one compact line per page),
// through a writer that keeps backpressure and notices a reader that went away (`| head -1`).

/** How stdout is written: to a terminal (pretty, sanitised) or a pipe (as received), with colour or not. */
export interface StdoutMode {
  tty: boolean;
  color: boolean;
}

/**
 * The mode of a stdout stream: a terminal gets colour unless `NO_COLOR` is set or `TERM=dumb`.
 *
 * @example
 * ```ts
 * stdoutMode(process.stdout, process.env); // { tty: false, color: false } when piped
 * ```
 */
export function stdoutMode(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): StdoutMode {
  const tty = Boolean(stream.isTTY);
  return { tty, color: tty && !('NO_COLOR' in env) && env.TERM !== 'dumb' };
}

/** Writes to stdout with backpressure; after the reader closed the pipe (EPIPE), every write is a no-op. */
export interface StdoutWriter {
  /** Resolves once the chunk is handed on (or dropped because the reader is gone). */
  write(chunk: string | Uint8Array): Promise<void>;
  /** The reader closed the pipe: stop producing output. */
  readonly closed: boolean;
}

/**
 * A writer over `stream` that ends quietly when the reader goes away: an EPIPE (or a destroyed
 * stream) marks it closed instead of crashing the process with an unhandled 'error' event.
 *
 * @example
 * ```ts
 * const out = stdoutWriter(process.stdout);
 * await out.write('{"ok":true}\n');
 * if (out.closed) return; // `| head -1` read what it wanted
 * ```
 */
export function stdoutWriter(stream: Writable): StdoutWriter {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') closed = true;
  });
  return {
    get closed() {
      return closed || stream.destroyed;
    },
    write(chunk) {
      if (closed || stream.destroyed) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const more = stream.write(chunk, (error) => {
          if (error) closed = true;
          if (!more) return; // 'drain' resolves
          resolve();
        });
        if (!more) {
          const done = () => {
            stream.off('drain', done);
            stream.off('close', done);
            resolve();
          };
          stream.once('drain', done);
          stream.once('close', done);
        }
      });
    },
  };
}

/**
 * JSON text on one line, whitespace outside strings removed token by token (never through
 * JSON.parse: a 64-bit id keeps the server's digits).
 *
 * @example
 * ```ts
 * compactJson('{\n  "id": 1374004777531007833\n}'); // '{"id":1374004777531007833}'
 * ```
 */
export function compactJson(text: string): string {
  return text.replace(/("(?:[^"\\]|\\.)*")|\s+/g, (_match, quoted: string | undefined) => quoted ?? '');
}

/**
 * A body for a terminal: JSON indented (and coloured), anything else with its terminal controls
 * made visible; ends with a newline.
 *
 * @example
 * ```ts
 * bodyForTerminal('{"a":1}', false); // '{\n  "a": 1\n}\n'
 * ```
 */
export function bodyForTerminal(text: string, color: boolean): string {
  const shown = prettyJson(text, color) ?? sanitizeForTerminal(text, { keepNewlines: true });
  return shown.endsWith('\n') || shown === '' ? shown : `${shown}\n`;
}

/**
 * The status line and headers, as gh's `--include` prints them (a blank line after), each line
 * sanitised for a terminal (header values are remote text).
 *
 * @example
 * ```ts
 * statusAndHeaders(new Response('', { status: 200, statusText: 'OK', headers: { 'x-a': '1' } }), false); // 'HTTP/1.1 200 OK\nx-a: 1\n\n'
 * ```
 */
export function statusAndHeaders(response: Response, tty: boolean): string {
  const lines = [`HTTP/1.1 ${response.status} ${response.statusText}`.trimEnd()];
  response.headers.forEach((value, name) => lines.push(`${name}: ${value}`));
  return `${lines.map((line) => (tty ? sanitizeForTerminal(line) : line)).join('\n')}\n\n`;
}
