import type { Readable } from 'node:stream';
import { CliError } from '../cli-error.js';

/**
 * Reads standard input to its end, refusing more than `maxBytes` (a credential helper's input is a
 * few lines; a token a few kilobytes): nothing waits on an endless or huge stream.
 *
 * @example
 * ```ts
 * const text = await readStdin(process.stdin, 64 * 1024, 'credential input');
 * ```
 */
export async function readStdin(stdin: Readable, maxBytes: number, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > maxBytes) throw new CliError('usage', `${what} is larger than ${maxBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
