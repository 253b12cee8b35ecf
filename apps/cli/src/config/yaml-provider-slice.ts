import { parseSimpleYaml } from './yaml-fast-path.js';

// A command that uses one provider of a thousand (the quick `token` path) need not parse the other
// 999: at 1,000 providers the fast path's parse of the whole 145 KB file is most of that command's
// extra time (~12 ms cold, and the garbage it leaves). This cuts the text down to its top-level
// lines and the blocks of the providers in use, which the fast path then parses; the result is the
// whole file's parse with the other providers left out. It declines (undefined: parse the whole
// file) on anything unusual, so that what it returns is what the whole parse holds for those keys:
// - a character or a line outside the fast path's plain subset (config/yaml-fast-path.ts): a flow
//   mapping, an anchor or alias, a tag, a block scalar or sequence, a quoted or odd key, a quote
//   or bracket left open at the end of its line, `: ` inside a plain value;
// - a `providers` key that is not once at the top level with a nested mapping under it (indented by
//   two or more), a provider line indented less than the first provider's, a provider in use named
//   on more than one line;
// - in the other providers' blocks: a key line off the indent grid of the first provider (one space
//   too many or too few), or deeper than a `key: value` line before it;
// - a slice the fast path itself declines (the caller then parses the whole text).
// What it cannot see, by design: a YAML error inside another provider's block that those rules let
// through (a duplicate key, a duplicate provider name, a dedent to a column on the grid that no
// enclosing mapping uses); the whole parse reports it, this does not (reading every line of the
// other providers is the cost it avoids). test/yaml-provider-slice.test.ts holds the slice to the
// yaml package on hostile and mutated texts, and names those limits.

/**
 * A line the slice can reason about: blank, a comment, or `key:` followed by nothing, a comment, a
 * quoted scalar closed on the line, a one-line flow sequence, or a plain scalar without `: `.
 * The multiline pattern finds the first line that is NOT one of those.
 */
const UNUSUAL_LINE = (() => {
  const end = String.raw`(?: *$| +#.*$)`;
  const closed = String.raw`(?:"[^"\\\n]*"|'[^'\n]*'|\[[^\[\]{}\n]*\])`;
  const plain = String.raw`[^-?:,\[\]{}#&*!|>'"%@\x60 \n](?:(?!: )[^\n])*(?<!:)$`;
  const keyLine = String.raw` *[A-Za-z][A-Za-z0-9_-]*:(?:${end}| +${closed}${end}| +${plain})`;
  return new RegExp(String.raw`^(?! *$| *#|${keyLine})`, 'm');
})();
/** Any character outside printable ASCII, space and newline (as the fast path). */
const NOT_COVERED = /[^\n\x20-\x7E]/;

/**
 * A key line indented off the grid the first provider sets (a multiple of its indent): the usual
 * typo of one space too many or too few, which the whole parse reports (items of one mapping at
 * different columns). Comments and blank lines may sit anywhere.
 */
const offGrid = (indent: number) => new RegExp(String.raw`^(?!(?: {${indent}})*[^ \n]| *#| *$)`, 'gm');
/**
 * A key line deeper than a `key: value` line before it (blank and comment lines between): the whole
 * parse reports it (a nested mapping in a compact mapping, or items at different columns).
 */
const DEEPER_AFTER_VALUE = /^( *)[A-Za-z][A-Za-z0-9_-]*: *[^ #\n][^\n]*\n(?: *(?:#[^\n]*)?\n)*\1 +[^ \n#]/gm;

/** Whether `pattern` (global) matches somewhere between `start` and `end`. */
function found(pattern: RegExp, text: string, start: number, end: number): boolean {
  pattern.lastIndex = start;
  const match = pattern.exec(text);
  return match !== null && match.index < end;
}

/** The offset just past the end of the line at `at` (its newline included), or the text's length. */
function nextLine(text: string, at: number): number {
  const newline = text.indexOf('\n', at);
  return newline < 0 ? text.length : newline + 1;
}

/**
 * The offset of the first line at or after `from` (a line start) that starts with at most `indent`
 * spaces and is not blank or a comment, or the text's length. A regular expression, not a loop over
 * the lines: the block of a thousand providers is 6,000 lines.
 */
function nextLineIndentedAtMost(text: string, from: number, indent: number): number {
  let first = from;
  while (text.charCodeAt(first) === 0x20) first++;
  if (first - from <= indent && first < text.length && text[first] !== '\n' && text[first] !== '#') return from;
  const pattern = new RegExp(String.raw`\n {0,${indent}}[^ \n#]`, 'g');
  pattern.lastIndex = from;
  const found = pattern.exec(text);
  return found ? found.index + 1 : text.length;
}

/** The offsets of every line that starts with exactly `prefix` (a key at an indent), between `start` and `end`. */
function linesStartingWith(text: string, prefix: string, start: number, end: number): number[] {
  const found: number[] = [];
  if (text.startsWith(prefix, start)) found.push(start);
  for (let at = text.indexOf(`\n${prefix}`, start); at >= 0 && at < end; at = text.indexOf(`\n${prefix}`, at + 1)) found.push(at + 1);
  return found;
}

/** The top-level `defaultProvider`'s value when written plainly on one line, or undefined. */
function defaultProviderOf(text: string): string | undefined {
  const lines = linesStartingWith(text, 'defaultProvider:', 0, text.length);
  if (lines.length !== 1) return undefined;
  const line = text.slice(lines[0], nextLine(text, lines[0]!));
  const value = parseSimpleYaml(line)?.defaultProvider;
  return typeof value === 'string' ? value : undefined;
}

/**
 * The config text cut down to its top-level settings and the blocks of the providers named in
 * `inUse` and of the top-level `defaultProvider` (the ones a command using `inUse` validates);
 * undefined when the text is not plainly laid out (see the module comment): then parse it whole.
 * Parsed with the fast path, the slice gives what the whole file's parse gives for those keys.
 *
 * @example
 * ```ts
 * const text = 'store: file\nproviders:\n  a:\n    strategy: x\n  b:\n    strategy: y\n';
 * sliceToProviders(text, ['b']); // 'store: file\nproviders:\n  b:\n    strategy: y\n'
 * ```
 */
export function sliceToProviders(text: string, inUse: readonly string[]): string | undefined {
  if (NOT_COVERED.test(text) || UNUSUAL_LINE.test(text)) return undefined;
  const providersLines = linesStartingWith(text, 'providers:', 0, text.length);
  if (providersLines.length !== 1) return undefined;
  const blockStart = nextLine(text, providersLines[0]!);
  // The first provider's line sets the indent; the block ends at the next top-level line.
  const contentLine = /^( *)[^ \n#]/gm;
  contentLine.lastIndex = blockStart;
  const indent = contentLine.exec(text)?.[1]!.length ?? 0;
  // None: `providers:` with no mapping under it. One: every column is on its grid (see offGrid).
  if (indent < 2) return undefined;
  const blockEnd = nextLineIndentedAtMost(text, blockStart, 0);
  // A line indented less than the providers (but not top-level) is a YAML error the whole parse reports.
  if (nextLineIndentedAtMost(text, blockStart, indent - 1) !== blockEnd) return undefined;
  if (found(offGrid(indent), text, blockStart, blockEnd) || found(DEEPER_AFTER_VALUE, text, blockStart, blockEnd)) return undefined;
  const defaultProvider = defaultProviderOf(text);
  const names = [...new Set(defaultProvider === undefined ? inUse : [...inUse, defaultProvider])];
  const pad = ' '.repeat(indent);
  const blocks: string[] = [];
  for (const name of names) {
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) return undefined;
    const starts = linesStartingWith(text, `${pad}${name}:`, blockStart, blockEnd);
    if (starts.length > 1) return undefined;
    if (starts.length === 0) continue; // not a provider of this file: the slice says so as the whole parse would
    const start = starts[0]!;
    // The provider's line holds nothing after its colon but spaces or a comment: a mapping follows.
    if (!/^:(?: *| +#.*)$/.test(text.slice(start + indent + name.length, nextLine(text, start)).replace(/\n$/, ''))) return undefined;
    blocks.push(text.slice(start, nextLineIndentedAtMost(text, nextLine(text, start), indent)));
  }
  if (blocks.length === 0) return undefined; // nothing in use here: the whole parse says what is missing
  const block = blocks.map((b) => (b.endsWith('\n') ? b : `${b}\n`)).join('');
  return `${text.slice(0, blockStart)}${block}${text.slice(blockEnd)}`;
}
