import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '../src/index.js';
import { findTokenEntry } from '../src/token-lookup.js';

// findTokenEntry must either decline (undefined: the store parses the whole file) or return exactly
// what JSON.parse(text).tokens[key] is. Every case is checked against JSON.parse itself: hostile
// texts by hand, then generated files and texts edited to fool a lookup by text.

/** The lookup's answer, checked against the whole parse: 'found' (and equal) or 'declined'. */
function agreesWithParse(text: string, key: string): 'found' | 'declined' {
  const found = findTokenEntry(text, key);
  if (found === undefined) return 'declined';
  const parsed = JSON.parse(text) as { version: unknown; tokens: Record<string, unknown> };
  expect(parsed.version).toBe(1);
  expect(Object.hasOwn(parsed.tokens, key)).toBe(true);
  expect(found.value).toEqual(parsed.tokens[key]);
  return 'found';
}

const entry = (accessToken: string) => ({ type: 'bearer', accessToken, expiresAt: 1_900_000_000_000, scope: ['read'] });
const file = (tokens: Record<string, unknown>, indent?: number | string) => JSON.stringify({ version: 1, tokens }, null, indent);
const KEY = 'v2:client-credentials:app@127.0.0.1:9:abc#endpoints:0123';

describe('token file lookup without parsing the whole file', () => {
  it('finds every entry of files as the store writes them, and compact or tab-indented ones', () => {
    const tokens = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`${KEY}-${i}`, entry(`token-${i}`)]));
    for (const indent of [2, undefined, '\t']) {
      const text = `${file(tokens, indent)}\n`;
      for (const key of Object.keys(tokens)) expect(agreesWithParse(text, key)).toBe('found');
    }
  });

  it.each([
    ['the key only inside a string value', file({ 'x#': { note: KEY } })],
    ['the key as a value and as a member name', file({ 'x#': { note: KEY }, [KEY]: entry('real') })],
    ['the key as a member name of a nested object', file({ 'x#': { [KEY]: entry('nested') } })],
    ['the key nested in an array', file({ 'x#': [{ [KEY]: entry('in-array') }] })],
    ['the key spelled with escaped quotes inside a value', file({ 'x#': { note: `"${KEY}": {"type":"bearer"}` } })],
    ['the key after a value that ends in a backslash', file({ 'x#': { note: 'ends in \\' }, [KEY]: entry('after-backslash') })],
    ['brackets and braces inside strings before the key', file({ 'x#': { note: '}}]]{"' }, [KEY]: entry('after-brackets') })],
    [
      'a duplicate key (JSON.parse takes the last)',
      `{"version":1,"tokens":{"${KEY}":${JSON.stringify(entry('first'))},"${KEY}":${JSON.stringify(entry('last'))}}}`,
    ],
    ['the key spelled with a \\u escape', `{"version":1,"tokens":{"${KEY.replace('#', '\\u0023')}":${JSON.stringify(entry('escaped'))}}}`],
    ['the key spelled with an escaped slash', `{"version":1,"tokens":{"a\\/b#":${JSON.stringify(entry('slash'))}}}`],
    [
      'a \\u escape elsewhere duplicating the key',
      `{"version":1,"tokens":{"${KEY}":${JSON.stringify(entry('a'))},"${KEY.replace('v', '\\u0076')}":${JSON.stringify(entry('b'))}}}`,
    ],
    ['the key at the top level, after tokens', `{"version":1,"tokens":{},"${KEY}":${JSON.stringify(entry('top'))}}`],
    ['a second tokens member', `{"version":1,"tokens":{"${KEY}":${JSON.stringify(entry('a'))}},"tokens":{}}`],
    ['a second version member', `{"version":1,"tokens":{"${KEY}":${JSON.stringify(entry('a'))}},"version":2}`],
    ['version 2', file({ [KEY]: entry('a') }).replace('"version":1', '"version":2')],
    ['version 1.5', file({ [KEY]: entry('a') }).replace('"version":1', '"version":1.5')],
    ['version "1"', file({ [KEY]: entry('a') }).replace('"version":1', '"version":"1"')],
    ['tokens first', `{"tokens":{"${KEY}":${JSON.stringify(entry('a'))}},"version":1}`],
    ['a value that is not an object', file({ [KEY]: 'just a string' })],
    ['a null value', file({ [KEY]: null })],
    ['no such key', file({ 'other#': entry('a') })],
    ['a blank file', '   \n'],
    ['an empty tokens object', file({})],
    [
      'the key past the first 32 KB (the whole file is parsed)',
      file({ ...Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`other#${i}`, entry(`t${i}`)])), [KEY]: entry('far') }, 2),
    ],
    ['a space JSON does not allow before the object', `\u00a0${file({ [KEY]: entry('a') })}`],
  ])('declines or agrees with JSON.parse: %s', (_name, text) => {
    agreesWithParse(text, KEY);
  });

  it('declines where a lookup by text would be fooled, and still finds the real entry when it is unambiguous', () => {
    // Nested or in-value spellings of the key are never taken for it.
    expect(agreesWithParse(file({ 'x#': { note: KEY } }), KEY)).toBe('declined');
    expect(agreesWithParse(file({ 'x#': { [KEY]: entry('nested') } }), KEY)).toBe('declined');
    expect(agreesWithParse(file({ 'x#': { note: `"${KEY}": {` } }), KEY)).toBe('declined');
    expect(agreesWithParse(`{"version":1,"tokens":{},"${KEY}":${JSON.stringify(entry('top'))}}`, KEY)).toBe('declined');
    // Duplicates: the last one wins in JSON.parse, so neither is taken.
    expect(agreesWithParse(`{"version":1,"tokens":{"${KEY}":{"a":1},"${KEY}":{"a":2}}}`, KEY)).toBe('declined');
    // Strings with brackets, escaped quotes and backslashes before the entry: found, and equal.
    expect(agreesWithParse(file({ 'x#': { note: '}}]]{"\\' }, [KEY]: entry('after') }), KEY)).toBe('found');
    // Keys holding quotes, backslashes and brackets themselves.
    for (const key of ['a"b#', 'a\\b#', '{"a":1}#', 'a\\"#', '"', '\\', ' : ', '}']) {
      const text = file({ before: { x: 'a"b\\c' }, [key]: entry('odd-key'), after: ['after'] }, 2);
      expect(agreesWithParse(text, key)).toBe('found');
    }
  });

  it('agrees with JSON.parse on 3,000 generated token files and edits made to fool it', () => {
    const random = seeded(27);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    // Characters a key or a value may hold: the structural ones, escapes, non-ASCII, a control character.
    // (A control character, escaped as \u00XX, makes the lookup decline the whole file: rare here.)
    const alphabet = ['a', 'b', 'c', 'd', '#', ':', ',', '"', '\\', '{', '}', '[', ']', ' ', '/', 'é', '\n', 'v2', '@'];
    const character = () => (random() < 0.002 ? '\u0001' : pick(alphabet));
    const word = () => Array.from({ length: 1 + Math.floor(random() * 8) }, character).join('');
    const value = (depth: number, keys: string[]): unknown => {
      const kind = Math.floor(random() * (depth > 2 ? 3 : 6));
      if (kind === 0) return pick(keys); // another entry's key, as a value
      if (kind === 1) return Math.floor(random() * 1e6);
      if (kind === 2) return word();
      if (kind === 3) return Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1, keys));
      // An object that may name an entry's key as a member.
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 4) }, () => [random() < 0.3 ? pick(keys) : word(), value(depth + 1, keys)]),
      );
    };
    let found = 0;
    for (let round = 0; round < 3_000; round++) {
      const keys = Array.from({ length: 1 + Math.floor(random() * 6) }, word);
      const tokens = Object.fromEntries(keys.map((key) => [key, random() < 0.8 ? entry(word()) : value(0, keys)]));
      let text = file(tokens, pick([2, undefined, '\t', 1]));
      // Edits a lookup by text could be fooled by: a duplicate entry, an escaped spelling, the key in a value.
      const edit = Math.floor(random() * 5);
      const target = pick(keys);
      const spelled = JSON.stringify(target);
      if (edit === 1) text = text.replace(/\}\s*\}\s*$/, `,${spelled}:{"dup":true}}}`);
      if (edit === 2)
        text = text.replace(
          spelled,
          spelled.replace(/[a-z#]/, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
        );
      if (edit === 3) text = text.replace(/\}\s*\}\s*$/, `,"wrapper#":{${spelled}:{"inner":true}}}}`);
      if (edit === 4) text = text.replace(/\}\s*$/, `,${spelled}:{"outside":true}}`);
      JSON.parse(text); // every edit keeps the text valid JSON
      for (const key of [...keys, word()]) if (agreesWithParse(text, key) === 'found') found++;
    }
    // The lookup must answer for most unedited entries, or this test proves nothing.
    expect(found).toBeGreaterThan(3_000);
  });
});

describe('FileStore.get with the lookup', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tokensmith-lookup-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('answers as the whole parse: 1,000 entries, a duplicate (the last wins), an unreadable entry (absent, warned once)', async () => {
    const path = join(dir, 'tokens.json');
    const warnings: string[] = [];
    const store = new FileStore({ path, onWarning: (message) => warnings.push(message) });
    const tokens = Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`${KEY}-${i}`, entry(`token-${i}`)]));
    await writeFile(path, `${file({ ...tokens, 'bad#': { type: 'bearer', expiresAt: null } }, 2)}\n`, { mode: 0o600 });
    for (const i of [0, 500, 999]) expect(await store.get(`${KEY}-${i}`)).toEqual(entry(`token-${i}`));
    expect(warnings).toEqual([]); // the other entries, the unreadable one among them, are not judged
    expect(await store.get('bad#')).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('has an unreadable entry (key "bad#")');
    const duplicated = `{"version":1,"tokens":{"${KEY}":${JSON.stringify(entry('first'))},"${KEY}":${JSON.stringify(entry('last'))}}}`;
    await writeFile(path, duplicated, { mode: 0o600 });
    expect(await store.get(KEY)).toEqual(entry('last'));
  });
});

/** A small seeded generator (mulberry32): the same cases on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
