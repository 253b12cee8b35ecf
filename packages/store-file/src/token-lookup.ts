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
// - its value is an object, closed where the nesting says, that JSON.parse reads;
// - the key sits in the first 32 KB (the walk there is cheaper than JSON.parse of the whole file).
// What it does not check: that the whole text is valid JSON (it walks brackets and strings, not
// every token; the store writes the file atomically, whole, so a damaged file is one a person or
// another program edited); such a file reads as that entry here and as corrupt in the whole parse. test/token-lookup.test.ts holds it to JSON.parse on hostile texts.

/** How every token file this lookup reads begins; the offset after it is inside `tokens`. */
const VERSION_1_START = /^[ \t\n\r]*\{[ \t\n\r]*"version"[ \t\n\r]*:[ \t\n\r]*1[ \t\n\r]*,[ \t\n\r]*"tokens"[ \t\n\r]*:[ \t\n\r]*\{/;
/**
 * Everything up to the next bracket outside a string: text that is neither a bracket nor a quote,
 * and whole strings (escapes included). One native match jumps over a whole entry's strings, where
 * a step per quote would run the walk in JavaScript. It stops at a bracket, at the end, or at a
 * quote that opens a string never closed.
 */
const UP_TO_BRACKET = /(?:[^"{}[\]]+|"(?:[^"\\]|\\[\s\S])*")*/y;
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

/**
 * Walks `text` from `from` (nesting `depth` there), strings skipped whole, and calls `bracket` with
 * the nesting after each bracket outside a string; stops when it returns true (with that bracket's
 * offset) or at the end (the text's length). -1: a string opened and never closed.
 */
function walk(text: string, from: number, depth: number, bracket: (depth: number) => boolean): number {
  const skip = new RegExp(UP_TO_BRACKET.source, 'y');
  for (let at = from; ; at++) {
    skip.lastIndex = at;
    skip.test(text);
    at = skip.lastIndex;
    if (at >= text.length) return text.length;
    const c = text.charCodeAt(at);
    if (c === QUOTE) return -1;
    depth += c === 0x7b || c === 0x5b ? 1 : -1;
    if (bracket(depth)) return at;
  }
}

/**
 * The nesting at the end of `text` when walked from `from` at nesting `depth`, or undefined when
 * the nesting falls to 0 on the way (the enclosing object closed) or a string is left open (the
 * end of `text` is inside a string).
 */
function depthAtEnd(text: string, from: number, depth: number): number | undefined {
  let current = depth;
  const stop = walk(text, from, depth, (after) => {
    current = after;
    return after === 0;
  });
  return stop === text.length ? current : undefined;
}

/** The offset just past the object that opens at `open`, or -1. */
function objectEnd(text: string, open: number): number {
  const close = walk(text, open + 1, 1, (after) => after === 0);
  return close >= 0 && close < text.length ? close + 1 : -1;
}

/**
 * How far into the file the walk goes: it runs at a few percent of JSON.parse's speed, so past this
 * (the first ~100 entries of a file the store wrote) parsing the whole file is the cheaper way.
 */
const MAX_WALK_CHARS = 32 * 1024;

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
  if (at > MAX_WALK_CHARS || depthAtEnd(text.slice(0, at), start[0].length, 1) !== 1) return undefined;
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
