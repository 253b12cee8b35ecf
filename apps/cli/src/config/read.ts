import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { sanitizeForTerminal } from '../terminal/safety.js';
import { CliError } from '../cli-error.js';
import { parseSimpleYaml } from './yaml-fast-path.js';
import { sliceToProviders } from './yaml-provider-slice.js';

// Reading a config file into a plain value: YAML or JSON by extension, bounded in depth before and
// after parsing (a config nested deeper than any real one is an attack or a mistake, and the
// parsers recurse).

/** How deep a config may nest: real configs are 4 levels deep; a deeper file is an attack or a mistake. */
export const MAX_CONFIG_DEPTH = 32;

/** The deepest bracket nesting of a text, outside quoted strings: bounds the parser's recursion before it runs. */
function bracketDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') deepest = Math.max(deepest, ++depth);
    else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return deepest;
}

/** The nesting depth of a parsed value, without recursion; `skip` says which values not to enter (checked later, on use). */
function valueDepth(root: unknown, skip?: (value: object, depth: number) => boolean): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (!value || typeof value !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_CONFIG_DEPTH) return deepest;
    if (skip?.(value, depth)) continue;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** How deep a provider's settings sit in a config (`providers.<name>` is the second level below the root). */
const PROVIDER_DEPTH = 2;

/**
 * Throws the "nests deeper" usage error when one provider's settings, at `providers.<name>`, nest
 * deeper than {@link MAX_CONFIG_DEPTH} allows for the file. Run on a provider before anything
 * walks it recursively (substitution, the schema), when the file was parsed with `providersOnUse`.
 *
 * @example
 * ```ts
 * requireShallowProvider(raw.providers.github, '/work/repo/tokensmith.config.yaml');
 * ```
 */
export function requireShallowProvider(settings: unknown, path: string): void {
  if (valueDepth(settings) + PROVIDER_DEPTH > MAX_CONFIG_DEPTH) throw tooDeep(path);
}

function tooDeep(path: string): CliError {
  return new CliError(
    'usage',
    `${path} nests deeper than ${MAX_CONFIG_DEPTH} levels; a tokensmith config is a few levels deep (check the file is the config you meant)`,
  );
}

// A line naming a secret field shows the field, not its value: the frame may reach a CI log.
const SECRET_LINE = /^(\s*["']?(?:clientSecret|consumerSecret)["']?\s*:).*$/;

/** Where in `text` a parser stopped, 1-based, from a JSON error's `position N` or yaml's `linePos`. */
function errorPosition(error: Error, text: string, format: 'JSON' | 'YAML'): { line: number; column: number } | undefined {
  if (format === 'YAML') {
    const start = (error as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    return start ? { line: start.line, column: start.col } : undefined;
  }
  const lineColumn = /line (\d+) column (\d+)/.exec(error.message);
  if (lineColumn) return { line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
  const position = /position (\d+)/.exec(error.message);
  if (!position) return text.trim() === '' ? { line: 1, column: 1 } : undefined;
  const before = text.slice(0, Number(position[1])).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/**
 * A parser's complaint with its place: what it expected (the first line of its message, without
 * yaml's dangling colon or JSON's bare "position N"), then line and column and the offending line
 * with a caret under the column, neutralised for the terminal.
 */
function parseErrorDetail(error: Error, text: string, format: 'JSON' | 'YAML'): string {
  const what = error.message
    .split('\n')[0]!
    .replace(/\s*at line \d+, column \d+:?\s*$/, '')
    .replace(/\s*(?:in JSON )?at position \d+(?: \(line \d+ column \d+\))?\s*$/, '')
    .replace(/:\s*$/, '');
  const at = errorPosition(error, text, format);
  if (!at) return sanitizeForTerminal(what);
  const lines = text.split(/\r?\n/);
  let index = at.line - 1;
  let column = at.column;
  // An error at the end of the file points past the last line: show the last line with text, caret after it.
  if ((lines[index] ?? '').trim() === '') {
    while (index > 0 && (lines[index] ?? '').trim() === '') index--;
    column = (lines[index] ?? '').length + 1;
  }
  const source = (lines[index] ?? '').replace(SECRET_LINE, '$1 <hidden>');
  const shown = sanitizeForTerminal(source);
  // The caret sits under the same column of the shown line (escapes before it widen the line).
  const caret = ' '.repeat(sanitizeForTerminal(source.slice(0, Math.max(0, column - 1))).length) + '^';
  return `${sanitizeForTerminal(what)} (line ${at.line}, column ${at.column})\n    ${shown}\n    ${caret}`;
}

/** Options of {@link parseConfigText}. */
export interface ParseOptions {
  /**
   * Leave each provider's settings (`providers.<name>`) out of the depth check: the caller checks a
   * provider with {@link requireShallowProvider} before walking it (config/load.ts's validateConfig
   * does), so a command using one provider of a thousand walks that one alone. The rest of the file
   * (the top-level settings, the `providers` mapping itself) is checked here, as always.
   */
  providersOnUse?: boolean;
  /**
   * The providers a command will use: a YAML file is then parsed cut down to its top-level settings
   * and those providers' blocks (and `defaultProvider`'s), when it is plainly laid out
   * (config/yaml-provider-slice.ts); the other providers are then absent from the result. For a
   * caller that reads nothing of the others (the quick `token` path), never for trust or listings.
   */
  inUse?: readonly string[];
}

/** Whether `value` at `depth` is the `providers` mapping's value of a provider (depth 1 is the providers mapping itself). */
function isProvidersMapping(root: unknown): (value: object, depth: number) => boolean {
  const providers = root && typeof root === 'object' ? (root as Record<string, unknown>).providers : undefined;
  return (value, depth) => depth === 1 && value === providers;
}

/**
 * Below this size the whole text is parsed: the fast path reads a config of a few providers in well
 * under a millisecond, less than compiling and running the slice's expressions costs.
 */
const SLICE_FROM_CHARS = 4096;

/** The fast path's parse of the providers in use alone (see {@link ParseOptions.inUse}), or undefined: parse the whole text. */
function parseInUse(text: string, inUse: readonly string[] | undefined): unknown {
  const slice = inUse && text.length >= SLICE_FROM_CHARS && sliceToProviders(text, inUse);
  return slice ? parseSimpleYaml(slice) : undefined;
}

/** Parses config text, JSON when `path` ends in `.json`, else YAML; a usage error names the file and the parser's first line. */
export async function parseConfigText(text: string, path: string, options: ParseOptions = {}): Promise<unknown> {
  const format = path.endsWith('.json') ? 'JSON' : 'YAML';
  // The parsers recurse on brackets (the YAML fast path does not: it reads flow sequences of words alone).
  const boundBrackets = () => {
    if (bracketDepth(text) > MAX_CONFIG_DEPTH) throw tooDeep(path);
  };
  let raw: unknown;
  try {
    if (format === 'JSON') {
      boundBrackets();
      raw = JSON.parse(text);
    } else {
      // The usual config is plain nested mappings: read without loading the yaml package (~15 ms).
      raw = parseInUse(text, options.inUse) ?? parseSimpleYaml(text);
      if (raw === undefined) {
        boundBrackets();
        const yaml = (await import('yaml')) as typeof import('yaml') & { default?: typeof import('yaml') };
        raw = (yaml.parse ?? yaml.default!.parse)(text);
      }
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof RangeError || /call stack/i.test((error as Error).message)) throw tooDeep(path);
    throw new CliError('usage', `${sanitizeForTerminal(path)} is not valid ${format}: ${parseErrorDetail(error as Error, text, format)}`);
  }
  if (valueDepth(raw, options.providersOnUse ? isProvidersMapping(raw) : undefined) > MAX_CONFIG_DEPTH) throw tooDeep(path);
  return raw;
}

/** The largest config file read: real configs are a few KiB; anything larger is an attack or a mistake. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** A config file's text and the SHA-256 of exactly those bytes (what trust records and checks). */
export interface ConfigFileBytes {
  text: string;
  sha256: string;
  /** The owner of the file that was read (from the same open file, not a second lookup). */
  uid: number;
}

function notRegular(path: string, stat: Stats): CliError {
  const kind = stat.isDirectory()
    ? 'is a directory'
    : stat.isFIFO()
      ? 'is a named pipe (FIFO), not a regular file'
      : stat.isCharacterDevice() || stat.isBlockDevice()
        ? 'is a device, not a regular file'
        : stat.isSocket()
          ? 'is a socket, not a regular file'
          : 'is not a regular file';
  return new CliError('usage', `${sanitizeForTerminal(path)} ${kind}; pass the path of a config file (YAML or JSON)`);
}

function tooLarge(path: string): CliError {
  return new CliError(
    'usage',
    `${sanitizeForTerminal(path)} is larger than ${MAX_CONFIG_BYTES / 1024} KiB; a tokensmith config is a few KiB (check the file is the config you meant)`,
  );
}

/**
 * Reads the config file at `path` once: opened without blocking (a FIFO or a device never hangs the
 * read), checked with fstat to be a regular file of at most {@link MAX_CONFIG_BYTES}, and read up to
 * one byte past the cap (a file that grows after the fstat is still refused). The digest is taken
 * from the very bytes that are parsed, so trust can never be granted to one content and used for
 * another. A usage error names the file and what it is (never its contents).
 *
 * @example
 * ```ts
 * const { text, sha256 } = readConfigFile('/work/repo/tokensmith.config.yaml');
 * ```
 */
export function readConfigFile(path: string): ConfigFileBytes {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer returns at once (fstat then refuses it) instead of waiting.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    throw unreadable(path, error);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw notRegular(path, stat);
    if (stat.size > MAX_CONFIG_BYTES) throw tooLarge(path);
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > MAX_CONFIG_BYTES) throw tooLarge(path);
    }
    const bytes = buffer.subarray(0, length);
    let sha256: string | undefined;
    return {
      text: bytes.toString('utf8'),
      // Taken on first use, of these very bytes: only trust asks for it, and only for a working-directory
      // file; hashing a large config (node:crypto's load, in the quick path's bundle) costs the rest nothing.
      get sha256() {
        return (sha256 ??= createHash('sha256').update(bytes).digest('hex'));
      },
      uid: stat.uid,
    };
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw unreadable(path, error);
  } finally {
    closeSync(fd);
  }
}

function unreadable(path: string, error: unknown): CliError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'EISDIR'
      ? 'it is a directory'
      : code === 'ENOENT'
        ? 'it does not exist'
        : code === 'EACCES'
          ? 'permission denied'
          : (code ?? 'error');
  return new CliError('usage', `cannot read ${sanitizeForTerminal(path)}: ${why}`);
}
