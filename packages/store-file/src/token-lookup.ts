// One key's entry found in the token file's text without JSON.parse of the whole file: with a
// thousand providers the file is ~290 KB, and parsing it (and the garbage of a thousand entries)
// costs `get` more than everything else it does. The answer must be the whole parse's
// (`JSON.parse(text).tokens[key]`), so the lookup declines (undefined: parse the whole file) unless
// it can be sure:
// - the text begins `{"version": 1, "tokens": {` (any JSON white space) and names `"version"` and
//   `"tokens"` nowhere else (a later duplicate would win in JSON.parse);
// - no `\u` or `\/` escape anywhere: every string then has one spelling, so the key's spelling
//   (JSON.stringify) is the only one that can name it, in this entry or in a duplicate;
// - the key's string occurs exactly once in the whole text (a second one, as a duplicate key or
//   inside a value, is ambiguous), and there it opens a string (the structure before it is walked
//   from the start of `tokens`, every string skipped whole, so a quote inside a value or the
//   closing quote of another string is never taken for it) that is a member name (a `:` follows)
//   directly inside `tokens` (the nesting counted on the same walk);
// - its value is an object, closed where the nesting says, that JSON.parse reads.
// What it does not check: that the whole text is valid JSON (it walks brackets and strings, not
// every token; the store writes the file atomically, whole, so a damaged file is one a person or
// another program edited); such a file reads as that entry here and as corrupt in the whole parse. test/token-lookup.test.ts holds it to JSON.parse on hostile texts.

/** How every token file this lookup reads begins; the offset after it is inside `tokens`. */
const VERSION_1_START = /^[ \t\n\r]*\{[ \t\n\r]*"version"[ \t\n\r]*:[ \t\n\r]*1[ \t\n\r]*,[ \t\n\r]*"tokens"[ \t\n\r]*:[ \t\n\r]*\{/;
/** The characters that change the nesting, and the quote that starts a string. */
const STRUCTURE = /["{}[\]]/g;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The offset of the first character at or after `at` that is not JSON white space. */
function skipSpace(text: string, at: number): number {
  let c = text.charCodeAt(at);
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++at);
  return at;
}

/** Whether the character before `at` ends an odd run of backslashes (the character at `at` is escaped). */
function isEscaped(text: string, at: number): boolean {
  let backslashes = 0;
  for (let i = at - 1; i >= 0 && text.charCodeAt(i) === BACKSLASH; i--) backslashes++;
  return backslashes % 2 === 1;
}

/** The offset of the quote that closes the string opened at `open`, or -1. */
function stringEnd(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  while (close >= 0 && isEscaped(text, close)) close = text.indexOf('"', close + 1);
  return close;
}

/**
 * Walks the structure from `from` (nesting `depth` there) and returns the nesting at `to`, or
 * undefined when the nesting falls to 0 before it (the enclosing object closed) or a string does
 * not close. Strings are skipped whole, so brackets inside them do not count.
 */
function depthAt(text: string, from: number, depth: number, to: number): number | undefined {
  const structure = new RegExp(STRUCTURE.source, 'g');
  structure.lastIndex = from;
  while (structure.test(text)) {
    const at = structure.lastIndex - 1;
    if (at >= to) break;
    const c = text.charCodeAt(at);
    if (c === QUOTE) {
      const close = stringEnd(text, at);
      if (close < 0 || close >= to) return undefined;
      structure.lastIndex = close + 1;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (--depth === 0) return undefined;
  }
  return depth;
}

/** The offset just past the object that opens at `open`, or -1. */
function objectEnd(text: string, open: number): number {
  const structure = new RegExp(STRUCTURE.source, 'g');
  structure.lastIndex = open + 1;
  let depth = 1;
  while (structure.test(text)) {
    const at = structure.lastIndex - 1;
    const c = text.charCodeAt(at);
    if (c === QUOTE) {
      const close = stringEnd(text, at);
      if (close < 0) return -1;
      structure.lastIndex = close + 1;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (--depth === 0) return at + 1;
  }
  return -1;
}

/** Whether `needle` occurs in `text` once only, at `first`. */
function occursOnce(text: string, needle: string, first: number): boolean {
  return first >= 0 && text.indexOf(needle, first + 1) < 0;
}

/**
 * The entry stored under `key` in a token file's `text`, found without parsing the whole file:
 * `{ value }` (what `JSON.parse(text).tokens[key]` is, an object), or undefined when the lookup
 * cannot be sure (the key absent too): the caller then parses the whole file, which also judges it.
 *
 * @example
 * ```ts
 * findTokenEntry('{"version":1,"tokens":{"a#b#":{"type":"bearer"}}}', 'a#b#'); // { value: { type: 'bearer' } }
 * findTokenEntry('{"version":1,"tokens":{}}', 'a#b#'); // undefined: parse the file
 * ```
 */
export function findTokenEntry(text: string, key: string): { value: object } | undefined {
  const start = VERSION_1_START.exec(text);
  if (!start || text.includes('\\u') || text.includes('\\/')) return undefined;
  if (!occursOnce(text, '"version"', text.indexOf('"version"')) || !occursOnce(text, '"tokens"', text.indexOf('"tokens"')))
    return undefined;
  const needle = JSON.stringify(key);
  const at = text.indexOf(needle);
  if (!occursOnce(text, needle, at) || isEscaped(text, at)) return undefined;
  // A member name directly inside `tokens`: nesting 1 counted from just inside its brace, then a colon.
  if (depthAt(text, start[0].length, 1, at) !== 1) return undefined;
  const colon = skipSpace(text, at + needle.length);
  if (text[colon] !== ':') return undefined;
  const value = skipSpace(text, colon + 1);
  if (text[value] !== '{') return undefined;
  const end = objectEnd(text, value);
  if (end < 0) return undefined;
  try {
    return { value: JSON.parse(text.slice(value, end)) as object };
  } catch {
    return undefined;
  }
}
