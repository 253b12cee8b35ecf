// A fast path for the YAML a tokensmith config usually is: nested block mappings of plain,
// simply quoted or whole-number scalars, simple flow sequences and comments. Loading the yaml package costs ~15-20 ms of CPU at every
// start-up (262 KB of code to compile) for a file of twenty lines; this reads such a file in
// well under a millisecond. Anything else (a block sequence, a flow mapping, an anchor, a tag, a block scalar, a float, null, a tab, a duplicate key, an odd indent...)
// returns undefined and the caller parses with the yaml package, so the result, and every error
// message, is exactly the yaml package's (test/yaml-fast-path.test.ts compares the two).
// The fast path takes only the characters that comparison covers: printable ASCII, space and
// newline. JavaScript's trim() and \s treat NBSP, U+2000-U+200A, U+3000, U+2028, \v and \f as
// white space where YAML does not, so `secret: s3cret<NBSP>` would lose a character of a secret.

/** Any character outside printable ASCII, space and newline: the yaml package's to read (see above). */
const NOT_COVERED = /[^\n\x20-\x7E]/;

/** A mapping key the fast path takes: a plain identifier that no YAML schema reads as anything else. */
const KEY = /^[A-Za-z][A-Za-z0-9_-]*$/;
/** Keys YAML 1.1 readers take as booleans: left to the yaml package. */
const BOOLEAN_LIKE_KEY = /^(y|n|yes|no|on|off|true|false|null)$/i;
const SPACE = 0x20;
const HASH = 0x23;

/**
 * A key line, `key:` (a nested mapping follows) or `key: value`, between `first` and `end` (no space
 * before or after): the key up to the first colon, and the value after the spaces that follow it.
 * What the pattern /^([^:\s]+):(?: +(.*))?$/ matches, without a match object and a copy of the line.
 */
function lineOf(text: string, first: number, end: number): { key: string; rest: string | undefined } | undefined {
  const colon = text.indexOf(':', first);
  if (colon <= first || colon >= end) return undefined;
  if (colon + 1 === end) return { key: text.slice(first, colon), rest: undefined };
  if (text.charCodeAt(colon + 1) !== SPACE) return undefined;
  let value = colon + 1;
  while (text.charCodeAt(value) === SPACE) value++;
  return { key: text.slice(first, colon), rest: text.slice(value, end) };
}
/** First characters that make a plain scalar something else (YAML 1.2 c-indicator), or a number. */
const SPECIAL_START = /^[-?:,[\]{}#&*!|>'"%@`+.0-9~]/;
/** A decimal integer as the core schema reads it (no leading zero, which the fast path leaves alone). */
const INTEGER = /^-?(0|[1-9][0-9]{0,14})$/;

type Mapping = Record<string, unknown>;

/** A plain word inside a flow sequence (`scopes: [read, write:all]` has none of YAML's flow indicators). */
const FLOW_WORD = /^[A-Za-z][A-Za-z0-9_./:-]*[A-Za-z0-9_./-]$|^[A-Za-z]$/;
/** Words every YAML schema reads as something other than a string. */
const NOT_A_STRING = /^(null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|n|N|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$/;

/** A quoted scalar with nothing to unescape, and what follows its closing quote; undefined when not that simple. */
function quoted(text: string): { value: string; after: string } | undefined {
  const quote = text[0]!;
  const close = text.indexOf(quote, 1);
  if (close < 0) return undefined;
  const value = text.slice(1, close);
  // Doubled single quotes and backslash escapes are the yaml package's to read.
  if (quote === '"' ? value.includes('\\') : text[close + 1] === "'") return undefined;
  return { value, after: text.slice(close + 1) };
}

/** The end of a value: nothing, or spaces, or spaces and a comment. */
const VALUE_END = /^( +(#.*)?)?$/;

/** A flow sequence of simple items (`[read, "write"]`), or undefined. */
function flowSequence(text: string): string[] | undefined {
  const close = text.indexOf(']');
  if (close < 0 || !VALUE_END.test(text.slice(close + 1))) return undefined;
  const inner = text.slice(1, close).trim();
  if (inner === '') return [];
  const items: string[] = [];
  for (const raw of inner.split(',')) {
    const item = raw.trim();
    if (item.startsWith('"')) {
      const found = quoted(item);
      if (!found || found.after !== '' || /[[\]{},]/.test(found.value)) return undefined;
      items.push(found.value);
    } else if (FLOW_WORD.test(item) && !NOT_A_STRING.test(item)) items.push(item);
    else return undefined;
  }
  return items;
}

/** The value of a scalar (or a simple flow sequence) as the yaml package reads it, or undefined when unsure. */
function scalar(text: string): unknown {
  if (text.startsWith("'") || text.startsWith('"')) {
    const found = quoted(text);
    return found && VALUE_END.test(found.after) ? found.value : undefined;
  }
  if (text.startsWith('[')) return flowSequence(text);
  // A comment starts at a # after a space; the plain scalar ends before it, trailing spaces dropped.
  const hash = text.indexOf(' #');
  const value = (hash < 0 ? text : text.slice(0, hash)).replace(/ +$/, '');
  if (value === '') return undefined;
  if (INTEGER.test(value)) return Number(value);
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (SPECIAL_START.test(value) || value.includes(': ') || value.endsWith(':')) return undefined;
  if (NOT_A_STRING.test(value) || /^\.(inf|Inf|INF|nan|NaN|NAN)$/.test(value)) return undefined;
  return value;
}

/**
 * Parses `text` when it is a block mapping in the simple subset described above; returns undefined
 * otherwise (the caller then uses the yaml package). Never throws.
 */
export function parseSimpleYaml(text: string): Mapping | undefined {
  // Tabs, CR, a BOM and every Unicode space among them.
  if (NOT_COVERED.test(text)) return undefined;
  const root: Mapping = {};
  // Open mappings, innermost last: the indent of their keys (undefined until the first key is seen).
  const stack: Array<{ indent: number | undefined; mapping: Mapping }> = [{ indent: 0, mapping: root }];
  let pendingParent = false;
  let lines = 0;
  // Offsets into the text, not a string per line trimmed twice and matched: at a thousand providers
  // (6,000 lines) those copies made most of the parse's time a garbage collector's (~20 ms -> ~6 ms cold).
  for (let start = 0; start <= text.length;) {
    const newline = text.indexOf('\n', start);
    const lineEnd = newline < 0 ? text.length : newline;
    const lineStart = start;
    start = lineEnd + 1;
    // Only spaces can lead or trail here (NOT_COVERED above).
    let first = lineStart;
    while (first < lineEnd && text.charCodeAt(first) === SPACE) first++;
    if (first === lineEnd || text.charCodeAt(first) === HASH) continue;
    const indent = first - lineStart;
    let end = lineEnd;
    while (text.charCodeAt(end - 1) === SPACE) end--;
    const line = lineOf(text, first, end);
    if (!line) return undefined;
    const { key, rest } = line;
    if (!KEY.test(key) || BOOLEAN_LIKE_KEY.test(key)) return undefined;
    let top = stack[stack.length - 1]!;
    if (pendingParent) {
      // The first key of a nested mapping sets its indent, deeper than its parent's.
      const parentIndent = stack[stack.length - 2]!.indent!;
      if (indent <= parentIndent) return undefined;
      top.indent = indent;
      pendingParent = false;
    } else {
      while (stack.length > 1 && indent < top.indent!) {
        stack.pop();
        top = stack[stack.length - 1]!;
      }
      if (indent !== top.indent) return undefined;
    }
    if (Object.hasOwn(top.mapping, key)) return undefined;
    lines++;
    if (rest === undefined || rest.trim() === '' || rest.startsWith('#')) {
      const child: Mapping = {};
      top.mapping[key] = child;
      stack.push({ indent: undefined, mapping: child });
      pendingParent = true;
    } else {
      const value = scalar(rest);
      if (value === undefined) return undefined;
      top.mapping[key] = value;
    }
  }
  // An empty file, or a last `key:` with nothing under it (null in YAML): the yaml package decides.
  if (lines === 0 || pendingParent) return undefined;
  return root;
}
