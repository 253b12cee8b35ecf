// The token file's format: what is written, and how text read back is judged (per entry, so one bad
// entry never costs the others).
import { isCredentials, type Credentials } from '@tokensmith/core/kit';
import { TokenFileError } from './token-file-error.js';
import { findTokenEntry } from './token-lookup.js';

/** How a message about a bad token file tells the user to get out of it. */
export const RESET_HINT = 'to reset it, delete the file or log out';

/** What the file holds. `version` lets a later release change the layout without misreading it. */
interface TokenFile {
  version: 1;
  tokens: Record<string, unknown>;
}

/**
 * The file as read: usable tokens, and entries that are not (an `expiresAt` of `null`, a shape
 * this release does not know). Those read as absent for their own key only, and are written back
 * as they were until that key is logged in again or out: one bad entry never costs the others.
 */
export interface Contents {
  tokens: Map<string, Credentials>;
  unreadable: Map<string, unknown>;
}

/** The contents of a token file that does not exist yet (or is blank). */
export const emptyContents = (): Contents => ({ tokens: new Map(), unreadable: new Map() });

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * How every token file begins, whatever its version: a JSON object whose first member is
 * `"version"`, a number, then `"tokens"` (what {@link tokenFileText} writes, compact or indented).
 * A damaged token file still begins so; a key, a shell profile or another program's JSON does not.
 */
const FORMAT_MARKER = /^\s*\{\s*"version"\s*:\s*\d+\s*,\s*"tokens"\s*:/;

/**
 * What the text at a token file path is: `empty` (blank, nothing to lose), `token_file` (a JSON
 * object with `version` and `tokens`, or text that begins with the format marker: a damaged token
 * file), or `foreign` (anything else: never read into the store, moved or chmod-ed).
 *
 * @example
 * ```ts
 * tokenFileKind('{"version":1,"tokens":{}}'); // 'token_file'
 * tokenFileKind('-----BEGIN OPENSSH PRIVATE KEY-----'); // 'foreign'
 * ```
 */
export function tokenFileKind(text: string): 'empty' | 'token_file' | 'foreign' {
  if (text.trim() === '') return 'empty';
  if (FORMAT_MARKER.test(text)) return 'token_file';
  try {
    const json: unknown = JSON.parse(text);
    return isRecord(json) && 'version' in json && 'tokens' in json ? 'token_file' : 'foreign';
  } catch {
    return 'foreign';
  }
}

/**
 * The error for a path whose content is not a token file. It names the path only: the content
 * may be a secret (a private key), and deleting it is not advice to give.
 *
 * @example
 * ```ts
 * throw notTokenFileError('/home/me/.ssh/id_ed25519');
 * ```
 */
export function notTokenFileError(path: string): TokenFileError {
  return new TokenFileError(
    'not_token_file',
    path,
    `${path} is not a tokensmith token file (it lacks the token file's format), so it is not used as one: ` +
      'nothing was read from it, moved or chmod-ed. Point the token store at a file of its own',
  );
}

/**
 * Judges the text of the token file at `path`. A file that is not JSON, not a token file, or of
 * another version throws a `store_error` (it is never overwritten); an unreadable entry goes to
 * `unreadable`, with a warning through `warn`.
 */
export function parseTokenFile(path: string, text: string, warn: (message: string) => void): Contents {
  const tokens = tokensOf(path, text);
  const contents = emptyContents();
  for (const [key, value] of Object.entries(tokens ?? {})) {
    if (isCredentials(value)) {
      contents.tokens.set(key, value);
      continue;
    }
    contents.unreadable.set(key, value);
    warn(unreadableEntryWarning(path, key));
  }
  return contents;
}

/** The `tokens` object of a token file's text, or undefined for a blank file; throws as {@link parseTokenFile} does. */
function tokensOf(path: string, text: string): Record<string, unknown> | undefined {
  // A blank file (e.g. `touch`ed) holds nothing to lose.
  if (text.trim() === '') return undefined;
  if (tokenFileKind(text) === 'foreign') throw notTokenFileError(path);
  const corrupt = (what: string) => new TokenFileError('corrupt', path, `token file ${path} ${what} and was left untouched; ${RESET_HINT}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // The SyntaxError is not kept as the cause: its message quotes the file, tokens included.
    throw corrupt('is corrupt (not valid JSON)');
  }
  if (!isRecord(json) || !isRecord(json.tokens)) throw corrupt('is not a tokensmith token file');
  if (json.version !== 1) {
    throw corrupt(`has format version ${typeof json.version === 'number' ? json.version : 'unknown'}, which this tokensmith does not read`);
  }
  return json.tokens;
}

/** Below this size {@link tokenEntry} parses the whole file. */
const LOOKUP_FROM_CHARS = 4096;

/** The warning for an entry that is not usable credentials (it names the key, never the entry). */
function unreadableEntryWarning(path: string, key: string): string {
  return (
    `token file ${path} has an unreadable entry (key ${JSON.stringify(key.slice(0, 200))}); it counts as logged out, ` +
    'and the next login of that provider replaces it; the other providers are unaffected'
  );
}

/**
 * The usable credentials stored under `key` in the text of the token file at `path`, judged as
 * {@link parseTokenFile} judges them, but only that key's entry (and only its warning): in a file
 * of 4 KB or more found by token-lookup.ts without parsing the whole file when it can be sure, else
 * from the whole parse (which also says what is wrong with a damaged file).
 *
 * @example
 * ```ts
 * const text = '{"version":1,"tokens":{"a#b#":{"type":"bearer","accessToken":"abc"}}}';
 * tokenEntry('/home/me/.config/tokensmith/tokens.json', text, 'a#b#', console.warn); // { type: 'bearer', accessToken: 'abc' }
 * ```
 */
export function tokenEntry(path: string, text: string, key: string, warn: (message: string) => void): Credentials | undefined {
  // A file of a few tokens parses whole faster than the lookup's expressions compile.
  const found = text.length >= LOOKUP_FROM_CHARS ? findTokenEntry(text, key) : undefined;
  let value: unknown;
  if (found) value = found.value;
  else {
    const tokens = tokensOf(path, text);
    if (!tokens || !Object.hasOwn(tokens, key)) return undefined;
    value = tokens[key];
  }
  if (isCredentials(value)) return value;
  warn(unreadableEntryWarning(path, key));
  return undefined;
}

/** The text of the token file that holds `contents`: unreadable entries kept as they were, usable ones over them. */
export function tokenFileText({ tokens, unreadable }: Contents): string {
  const body: TokenFile = { version: 1, tokens: Object.fromEntries([...unreadable, ...tokens]) };
  return `${JSON.stringify(body, null, 2)}\n`;
}
