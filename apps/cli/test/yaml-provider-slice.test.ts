import { parse } from 'yaml';
import { sliceToProviders } from '../src/config/yaml-provider-slice.js';
import { parseSimpleYaml } from '../src/config/yaml-fast-path.js';

// The slice must either decline (undefined, or a slice the fast path declines: the caller parses
// the whole file) or give exactly what the yaml package gives for the whole file, with the
// providers outside the slice (those not in use and not `defaultProvider`) left out. Every case is
// checked against yaml.parse of the whole text.

type Config = { defaultProvider?: unknown; providers?: Record<string, unknown> } & Record<string, unknown>;

/** The slice's parse, checked against the whole parse: 'sliced' (and equal) or 'declined'. */
function agreesWithYaml(text: string, inUse: string[]): 'sliced' | 'declined' {
  const slice = sliceToProviders(text, inUse);
  const sliced = slice === undefined ? undefined : parseSimpleYaml(slice);
  if (sliced === undefined) return 'declined';
  const whole = parse(text) as Config;
  const kept = new Set([...inUse, ...(typeof whole.defaultProvider === 'string' ? [whole.defaultProvider] : [])]);
  const providers = Object.fromEntries(Object.entries(whole.providers ?? {}).filter(([name]) => kept.has(name)));
  expect(sliced).toEqual({ ...whole, providers });
  return 'sliced';
}

const provider = (name: string, id = name) =>
  `  ${name}:\n    strategy: client-credentials\n    tokenUrl: http://127.0.0.1:9/oauth/token\n    clientId: ${id}\n    clientSecret: \${SECRET}\n`;
const MANY = `store: file\nproviders:\n${Array.from({ length: 30 }, (_, i) => provider(`p${i}`)).join('')}`;

describe('YAML provider slice', () => {
  it('reads the provider in use and the default one out of many, exactly as the whole parse', () => {
    expect(agreesWithYaml(MANY, ['p0'])).toBe('sliced');
    expect(agreesWithYaml(MANY, ['p29'])).toBe('sliced');
    expect(agreesWithYaml(`defaultProvider: p7\n${MANY}`, [])).toBe('sliced');
    expect(agreesWithYaml(`defaultProvider: p7\n${MANY}`, ['p3'])).toBe('sliced');
    expect(agreesWithYaml(`${MANY}defaultProvider: 'p7' # quoted, after\n`, ['p3'])).toBe('sliced');
    expect(sliceToProviders(MANY, ['p1'])).toBe(`store: file\nproviders:\n${provider('p1')}`);
  });

  it('keeps comments, blank lines, quoted values, flow sequences and nested settings as the fast path reads them', () => {
    const text = `# tokensmith\nstore: "file" # here\n\nproviders: # all of them\n  # first\n  a:\n    strategy: client-credentials\n    scopes: [read, "write"]\n\n    timeline:\n      url: http://127.0.0.1:9/x\n      # nested comment\n  b: # second\n    strategy: 'device-code'\n    clientId: x#y\n# a comment at the top level between providers\n  c:\n    strategy: oauth1-pin\ntimeoutMs: 5000\n`;
    for (const name of ['a', 'b', 'c']) expect(agreesWithYaml(text, [name])).toBe('sliced');
  });

  it.each([
    ['an anchor and an alias', `${MANY}  x:\n    clientId: &id shared\n  y:\n    clientId: *id\n`],
    ['a flow mapping', `${MANY}  x:\n    params: { prompt: consent }\n`],
    ['a quoted provider key', `store: file\nproviders:\n  "p0":\n    strategy: client-credentials\n`],
    ['a quoted key elsewhere', `${MANY}  x:\n    'clientId': a\n`],
    ['a block sequence', `${MANY}  x:\n    scopes:\n      - read\n`],
    ['a block scalar', `${MANY}  x:\n    note: |\n      p0: not a provider\n`],
    ['a tag', `${MANY}  x:\n    timeoutMs: !!str 5\n`],
    ['a tab', `${MANY}  x:\n\tclientId: a\n`],
    ['a string left open at the end of its line', `${MANY}  x:\n    note: "one\n  p0: two"\n`],
    ['a single-quoted string left open', `${MANY}  x:\n    note: 'one\n  p0: two'\n`],
    ['a flow sequence left open', `${MANY}  x:\n    scopes: [read,\n  p0]\n`],
    ['a nested mapping in a value', `${MANY}  x:\n    clientId: a: b\n`],
    ['a value ending in a colon', `${MANY}  x:\n    clientId: a:\n`],
    ['a document marker', `---\n${MANY}`],
    ['a non-ASCII character', `${MANY}  x:\n    user: café\n`],
    ['CRLF line ends', MANY.replace(/\n/g, '\r\n')],
    ['the provider in use named twice', `${MANY}${provider('p0', 'again')}`],
    ['providers named twice at the top level', `${MANY}providers:\n${provider('q')}`],
    ['no providers mapping', 'store: file\n'],
    ['providers with nothing under it', 'store: file\nproviders:\n'],
    ['a provider indented less than the first one', `${MANY} q:\n    strategy: x\n`],
    ['a provider line with more after its colon', `store: file\nproviders:\n  p0: {}\n`],
    ['a provider with nothing under it', `store: file\nproviders:\n  p0:\n  p1:\n    strategy: x\n`],
    ['no provider in use and no default', MANY],
    ['defaultProvider from a variable', `defaultProvider: \${DEFAULT}\n${MANY}`],
    ['defaultProvider twice', `defaultProvider: p1\ndefaultProvider: p2\n${MANY}`],
  ])('declines or agrees with the yaml package: %s', (_what, text) => {
    let whole: unknown;
    try {
      whole = parse(text);
    } catch {
      whole = undefined; // the whole parse fails: the slice must decline
    }
    const inUse = /no provider in use/.test(_what) ? [] : ['p0'];
    if (whole === undefined) expect(sliceToProviders(text, inUse) && parseSimpleYaml(sliceToProviders(text, inUse)!)).toBeFalsy();
    else agreesWithYaml(text, inUse);
  });

  it.each([
    ['a key one space deeper in another provider', `${MANY}  x:\n     strategy: x\n`],
    ['a key one space shallower in another provider', `${MANY}  x:\n    strategy: x\n   clientId: y\n`],
    ['a key deeper than a value line in another provider', `${MANY}  x:\n    strategy: x\n\n    # note\n      other: y\n`],
    ['providers indented by one space', MANY.replace(/^ {2}/gm, ' ')],
  ])('declines the usual indentation typos in the providers it does not read: %s', (_what, text) => {
    expect(sliceToProviders(text, ['p0'])).toBeUndefined();
  });

  it('reads past what it cannot see by design, which the whole parse reports (see the module comment)', () => {
    // Each of these makes the yaml package throw for the whole file; the slice of p0 is still read.
    for (const [text, error] of [
      [`${MANY}  x:\n    strategy: x\n    strategy: y\n`, /Map keys must be unique/],
      [`${MANY}${provider('x')}${provider('x')}`, /Map keys must be unique/],
      [`${MANY}  x:\n    timeline:\n        url: x\n      user: y\n`, /must start at the same column/],
    ] as const) {
      expect(() => parse(text)).toThrow(error);
      expect(parseSimpleYaml(sliceToProviders(text, ['p0'])!)).toEqual({
        store: 'file',
        providers: { p0: (parse(MANY) as Config).providers!.p0 },
      });
    }
  });

  it('declines every case above that the fast path could not read whole (where the yaml package decides)', () => {
    for (const text of [
      `${MANY}  x:\n    clientId: &id shared\n`,
      `${MANY}  x:\n    params: { prompt: consent }\n`,
      `store: file\nproviders:\n  "p0":\n    strategy: client-credentials\n`,
      `${MANY}  x:\n    note: |\n      p0: not a provider\n`,
      `${MANY}${provider('p0', 'again')}`,
    ])
      expect(sliceToProviders(text, ['p0'])).toBeUndefined();
  });

  it('agrees with the yaml package on 2,000 mutated configs', () => {
    const random = seeded(15);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const fragments = [
      ' ',
      ':',
      ': ',
      '#',
      ' #',
      '"',
      "'",
      '[',
      ']',
      '{',
      '}',
      '&a',
      '*a',
      '!',
      '|',
      '>',
      '-',
      '\n',
      '\n  ',
      '\n    ',
      '\t',
      'p0',
      'p1:',
      '  p0:',
      'x',
      '?',
      ',',
      '%',
      '@',
      '`',
      '\r',
    ];
    let sliced = 0;
    let unseen = 0;
    for (let round = 0; round < 2_000; round++) {
      const names = Array.from({ length: 2 + Math.floor(random() * 5) }, (_, i) => `p${i}`);
      let text = `${random() < 0.3 ? 'defaultProvider: p1\n' : ''}store: file\nproviders:\n${names.map((name) => provider(name)).join('')}`;
      // One to three edits anywhere: insert, delete or replace a piece.
      for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
        const at = Math.floor(random() * text.length);
        const kind = Math.floor(random() * 3);
        const piece = pick(fragments);
        text =
          kind === 0
            ? text.slice(0, at) + piece + text.slice(at)
            : kind === 1
              ? text.slice(0, at) + text.slice(at + 1)
              : text.slice(0, at) + piece + text.slice(at + 1);
      }
      const inUse = [pick(names)];
      let whole: Config | undefined;
      try {
        whole = parse(text) as Config;
      } catch (error) {
        // The whole parse fails. The slice may read the file only when the error is one the module
        // comment names as unseen by design (a duplicate key inside another provider's block).
        const slice = sliceToProviders(text, inUse);
        if (slice !== undefined && parseSimpleYaml(slice) !== undefined) {
          expect((error as Error).message).toMatch(/Map keys must be unique/);
          unseen++;
        }
        continue;
      }
      if (whole === null || typeof whole !== 'object') continue;
      if (agreesWithYaml(text, inUse) === 'sliced') sliced++;
    }
    // Most mutations leave a config the slice reads, or this test proves nothing.
    expect(sliced).toBeGreaterThan(400);
    expect(unseen).toBeLessThan(10);
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
