import { prettyJson } from '../src/api/json-output.js';

describe('api JSON on a terminal', () => {
  it('indents like JSON.stringify(_, null, 2) for ordinary values', () => {
    const value = { data: [{ id: '1', text: 'hi', n: 1.5e3, ok: true, none: null, empty: {}, list: [] }], meta: { result_count: 1 } };
    expect(prettyJson(JSON.stringify(value), false)).toBe(JSON.stringify(value, null, 2));
  });

  it('keeps 64-bit numbers as the server wrote them', () => {
    expect(prettyJson('{"next_cursor":1374004777531007833}', false)).toBe('{\n  "next_cursor": 1374004777531007833\n}');
  });

  it('makes terminal controls in strings visible, and colours keys and values apart', () => {
    const out = prettyJson('{"t":"a\u009b31m\u202eb"}', true)!;
    expect(out).toContain('\\x9b31m\\u202eb');
    // eslint-disable-next-line no-control-regex -- the colours are the point of this assertion
    expect(out).toMatch(/^\{\n {2}\u001b\[1;34m"t"\u001b\[0m: \u001b\[32m"a/);
  });

  it('declines what is not JSON', () => {
    expect(prettyJson('<html>', false)).toBeUndefined();
  });
});
