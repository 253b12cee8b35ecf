import { parse } from 'yaml';
import { DEMO_CREDENTIALS } from '@tokensmith/sandbox';
import { parseSimpleYaml } from '../src/config/yaml-fast-path.js';
import { demoConfigYaml } from '../src/demo/config.js';
import { starterConfig } from '../src/commands/init.js';

// The fast path must either decline (undefined: the yaml package parses) or return exactly what
// the yaml package returns. Every case below is checked against yaml.parse itself.
function agreesWithYaml(text: string): 'fast' | 'declined' {
  const fast = parseSimpleYaml(text);
  if (fast === undefined) return 'declined';
  expect(fast).toEqual(parse(text));
  return 'fast';
}

const usual = `store: file
defaultProvider: sandbox
providers:
  sandbox:
    strategy: client-credentials
    tokenUrl: http://127.0.0.1:8080/oauth2/token
    clientId: demo-app
    clientSecret: \${APP_SECRET}
    timeoutMs: 5000
    timeline:
      url: http://127.0.0.1:8080/1.1/statuses/user_timeline.json
      user: twitterapi

  # a comment line, quoted values, comments after values, a flow sequence
  other: # the second one
    strategy: 'oauth1-pin'   # quoted
    consumerKey: "key with spaces"
    scopes: [read, "write", tweet.read] # flow
    empty: []
    note: a#b c # d
    consumerSecret: it's-fine
`;

describe('YAML fast path', () => {
  it('reads the usual config (nested mappings, comments, quotes, integers) exactly as the yaml package does', () => {
    expect(agreesWithYaml(usual)).toBe('fast');
    expect(parseSimpleYaml(usual)).toMatchObject({ providers: { sandbox: { timeoutMs: 5000, timeline: { user: 'twitterapi' } } } });
  });

  it.each([
    ['spaces after a colon that ends a line', 'a:   \n  b: c  \n'],
    ['a value after several spaces', 'a:     b\n'],
    ['a colon with no space after it', 'a:b\n'],
    ['a line that starts with a colon', ':a\n'],
    ['a key with a space', 'a b: c\n'],
    ['a comment after a parent key', 'a:   # note\n  b: c\n'],
    ['no newline at the end', 'a:\n  b: c'],
    ['blank and space-only lines', '\n   \na: b\n  \n'],
  ])('reads key lines by offsets exactly as the yaml package does: %s', (_name, text) => {
    agreesWithYaml(text);
  });

  it('reads the demo config the sandbox writes', () => {
    expect(agreesWithYaml(demoConfigYaml('http://127.0.0.1:4000', DEMO_CREDENTIALS))).toBe('fast');
  });

  it.each(['client-credentials', 'oauth1-pin', 'authorization-code', 'device-code'] as const)(
    'agrees on the %s starter config',
    (strategy) => {
      expect(agreesWithYaml(starterConfig(strategy))).toBe('fast');
    },
  );

  it.each([
    ['a sequence', 'scopes:\n  - read\n  - write\n'],
    ['a flow mapping', 'params: { prompt: consent }\n'],
    ['a nested flow sequence', 'scopes: [[read]]\n'],
    ['a flow sequence with a null', 'scopes: [read, null]\n'],
    ['null', 'store: null\n'],
    ['~', 'store: ~\n'],
    ['an empty value at the end', 'providers:\n'],
    ['an empty mapping before a dedent', 'providers:\nstore: file\n'],
    ['a float', 'timeoutMs: 1.5\n'],
    ['an octal-looking number', 'timeoutMs: 0o17\n'],
    ['a leading zero', 'timeoutMs: 010\n'],
    ['a boolean in capitals', 'x: True\n'],
    ['a yes (YAML 1.1 boolean)', 'yes: 1\n'],
    ['an anchor', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['a tab', 'a:\n\tb: 1\n'],
    ['CRLF line ends', 'a: 1\r\nb: 2\r\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['an odd dedent', 'a:\n    b: 1\n  c: 2\n'],
    ['a continuation line', 'a: some\n  text\n'],
    ['a nested mapping in a value', 'a: b: c\n'],
    ['a document marker', '---\na: 1\n'],
    ['an escape in double quotes', 'a: "x\\ty"\n'],
    ['a quote inside single quotes', "a: 'it''s'\n"],
    ['a __proto__ key', '__proto__: 1\n'],
    ['an indented root', '  a: 1\n'],
    ['an empty file', ''],
    ['only comments', '# nothing\n'],
    ['a NBSP at the end of a secret', 'clientSecret: s3cret\u00A0\n'],
    ['a NBSP as indentation', 'a:\n\u00A0 b: 1\n'],
    ['an ideographic space as indentation', 'a:\n\u3000b: 1\n'],
    ['an en quad in a value', 'a: x\u2000\n'],
    ['a hair space after a key', 'a:\u200A1\n'],
    ['a line separator', 'a: 1\u2028\nb: 2\n'],
    ['a vertical tab', 'a: 1\v\n'],
    ['a form feed', 'a: 1\f\n'],
    ['a non-ASCII letter', 'user: café\n'],
  ])('declines %s (the yaml package decides)', (_what, text) => {
    expect(parseSimpleYaml(text)).toBeUndefined();
  });

  it('keeps a secret that ends in a Unicode space whole, as the yaml package does', () => {
    const text = 'providers:\n  x:\n    clientSecret: s3cret\u00A0\n';
    expect(parseSimpleYaml(text)).toBeUndefined();
    expect(parse(text)).toEqual({ providers: { x: { clientSecret: 's3cret\u00A0' } } });
  });

  it('agrees with the yaml package on 4,000 mutations of the usual config', () => {
    // Deterministic mutations (a fixed linear congruential sequence): insert, delete or replace one character.
    // Besides YAML's indicators: every character JavaScript counts as white space and YAML does not.
    const unicodeSpaces = [
      '\u00A0',
      '\u2000',
      '\u2005',
      '\u200A',
      '\u3000',
      '\u2028',
      '\u2029',
      '\u1680',
      '\u202F',
      '\u205F',
      '\v',
      '\f',
      '\t',
      '\r',
      '\uFEFF',
    ];
    const alphabet = [
      ' ',
      ':',
      '#',
      "'",
      '"',
      '-',
      '0',
      '1',
      '.',
      'a',
      '\n',
      '{',
      '[',
      '&',
      '*',
      '!',
      '|',
      '>',
      '%',
      '@',
      '~',
      '?',
      ',',
      ...unicodeSpaces,
    ];
    let seed = 12345;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let fast = 0;
    for (let i = 0; i < 4_000; i++) {
      const at = next(usual.length);
      const char = alphabet[next(alphabet.length)]!;
      const op = next(3);
      const text =
        op === 0
          ? usual.slice(0, at) + char + usual.slice(at)
          : op === 1
            ? usual.slice(0, at) + usual.slice(at + 1)
            : usual.slice(0, at) + char + usual.slice(at + 1);
      let expected: unknown;
      try {
        expected = parse(text);
      } catch {
        // The yaml package refuses it: the fast path must not accept it.
        expect(parseSimpleYaml(text)).toBeUndefined();
        continue;
      }
      const got = parseSimpleYaml(text);
      if (got !== undefined) {
        fast++;
        expect(got).toEqual(expected);
      }
    }
    // Most single-character edits of a plain config stay plain: the fast path is actually taken.
    expect(fast).toBeGreaterThan(500);
  });
});
