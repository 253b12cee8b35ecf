import { Writable } from 'node:stream';
import { bodyForTerminal, compactJson, statusAndHeaders, stdoutWriter } from '../src/api/output.js';

describe('api output', () => {
  it('compactJson puts a page on one line, keeping 64-bit digits and the whitespace inside strings', () => {
    expect(compactJson('{\n  "id": 1374004777531007833,\n  "text": "a  b\\n c"\n}\n')).toBe(
      '{"id":1374004777531007833,"text":"a  b\\n c"}',
    );
    expect(compactJson('["say \\"hi\\"  ", 1]')).toBe('["say \\"hi\\"  ",1]');
  });

  it('bodyForTerminal shows escape sequences of a non-JSON body instead of obeying them', () => {
    expect(bodyForTerminal('plain \u001b]0;x\u0007 text', false)).toBe('plain \\x1b]0;x\\x07 text\n');
  });

  it('statusAndHeaders neutralises a header value on a terminal', () => {
    const response = new Response('', { status: 200, statusText: 'OK', headers: { 'x-note': 'a\u009b31mb' } });
    expect(statusAndHeaders(response, true)).toContain('x-note: a\\x9b31mb');
  });

  it('stdoutWriter ends quietly once the reader is gone (EPIPE), writing nothing more', async () => {
    let writes = 0;
    const stream = new Writable({
      write(_chunk, _encoding, callback) {
        writes++;
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const out = stdoutWriter(stream);
    await out.write('first\n');
    expect(out.closed).toBe(true);
    await out.write('second\n');
    expect(writes).toBe(1);
  });
});
