import { fieldsToJson, parseFields, type ReadFieldSource } from '../src/api/fields.js';
import { parseHeaderArgs, planApiRequest, resolveApiUrl } from '../src/api/request.js';

const read: ReadFieldSource = async (source) => (source === '-' ? 'from stdin' : `contents of ${source}`);
const x = { provider: 'x', baseUrl: 'https://api.x.com' };

describe('api fields (gh api semantics)', () => {
  it('-f is a string as written; -F types literals and numbers and reads @file and @-', async () => {
    const fields = await parseFields(
      ['n=5', 'flag=true'],
      ['count=5', 'ok=true', 'none=null', 'ratio=0.5', 'big=1e3', 'f=@a.txt', 'in=@-', 'word=five'],
      read,
    );
    expect(Object.fromEntries(fields.map((f) => [f.name, f.value]))).toEqual({
      n: '5',
      flag: 'true',
      count: 5,
      ok: true,
      none: null,
      ratio: 0.5,
      big: 1000,
      f: 'contents of a.txt',
      in: 'from stdin',
      word: 'five',
    });
  });

  it('nests key[sub] and appends key[] in a JSON body', async () => {
    const fields = await parseFields(
      ['labels[]=bug', 'labels[]=ui', 'poll[options][]=a', 'poll[options][]=b'],
      ['poll[duration_minutes]=60'],
      read,
    );
    expect(fieldsToJson(fields)).toEqual({ labels: ['bug', 'ui'], poll: { options: ['a', 'b'], duration_minutes: 60 } });
  });

  it('refuses malformed and conflicting fields, naming them', async () => {
    await expect(parseFields(['novalue'], [], read)).rejects.toThrow(/key=value/);
    await expect(parseFields(['a[b=1'], [], read)).rejects.toThrow(/field name/);
    expect(() =>
      fieldsToJson([
        { name: 'a', path: ['a'], value: 1 },
        { name: 'a', path: ['a'], value: 2 },
      ]),
    ).toThrow(/a\[\]/);
    expect(() =>
      fieldsToJson([
        { name: 'a', path: ['a'], value: 1 },
        { name: 'a[b]', path: ['a', 'b'], value: 2 },
      ]),
    ).toThrow(/conflicts/);
  });
});

describe('api URL (a token never leaves the provider)', () => {
  it('resolves a path under baseUrl, its path a prefix, query kept', () => {
    expect(resolveApiUrl('/2/users/me?user.fields=id', x).href).toBe('https://api.x.com/2/users/me?user.fields=id');
    expect(resolveApiUrl('projects', { provider: 'gl', baseUrl: 'https://gitlab.com/api/v4/' }).href).toBe(
      'https://gitlab.com/api/v4/projects',
    );
    expect(resolveApiUrl('//evil.example/x', x).href).toBe('https://api.x.com/evil.example/x');
  });

  it('allows an absolute URL only on baseUrl or allowedOrigins', () => {
    expect(resolveApiUrl('https://api.x.com/2/users/me', x).origin).toBe('https://api.x.com');
    expect(resolveApiUrl('https://upload.x.com/1.1/media', { ...x, allowedOrigins: ['https://upload.x.com'] }).origin).toBe(
      'https://upload.x.com',
    );
    expect(() => resolveApiUrl('https://evil.example/steal', x)).toThrow(/not x's API .*allowedOrigins/);
    expect(() => resolveApiUrl('https://api.x.com.evil.example/', x)).toThrow(/not x's API/);
    expect(() => resolveApiUrl('https://user:pw@api.x.com/', x)).toThrow(/user name or password/);
    expect(() => resolveApiUrl('http://api.x.com/2/users/me', x)).toThrow(/https only/);
    expect(() => resolveApiUrl('file:///etc/passwd', x)).toThrow(/https only/);
    expect(() => resolveApiUrl('/2/users/me', { provider: 'p' })).toThrow(/providers\.p\.baseUrl/);
  });
});

describe('api request plan', () => {
  it('GET by default; POST with fields, as a JSON body', () => {
    expect(planApiRequest({ target: '/2/users/me', api: x, headers: [], fields: [] })).toMatchObject({
      method: 'GET',
      body: { kind: 'none' },
    });
    const post = planApiRequest({ target: '/2/tweets', api: x, headers: [], fields: [{ name: 'text', path: ['text'], value: 'hi' }] });
    expect(post).toMatchObject({
      method: 'POST',
      body: { kind: 'json', text: '{"text":"hi"}' },
      headers: { 'content-type': 'application/json' },
    });
  });

  it('puts fields in the query for GET and DELETE and with --input', () => {
    const get = planApiRequest({
      target: '/2/tweets/search/recent',
      api: x,
      method: 'get',
      headers: [],
      fields: [{ name: 'query', path: ['query'], value: 'a b' }],
    });
    expect([get.method, get.url.search, get.body.kind]).toEqual(['GET', '?query=a+b', 'none']);
    const input = planApiRequest({ target: '/x', api: x, headers: [], fields: [{ name: 'dry', path: ['dry'], value: true }], input: true });
    expect([input.method, input.url.search, input.body.kind, input.headers['content-type']]).toEqual([
      'POST',
      '?dry=true',
      'input',
      'application/json',
    ]);
  });

  it('--form sends the fields form-encoded (what OAuth 1.0a signs)', () => {
    const plan = planApiRequest({
      target: '/1.1/statuses/update.json',
      api: x,
      headers: [],
      fields: [{ name: 'status', path: ['status'], value: 'Hello Ladies + Gentlemen' }],
      form: true,
    });
    expect(plan.body).toEqual({ kind: 'form', params: new URLSearchParams({ status: 'Hello Ladies + Gentlemen' }) });
    expect(plan.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(() => planApiRequest({ target: '/x', api: x, method: 'GET', headers: [], fields: [], form: true })).toThrow(/-X POST/);
  });

  it('headers: later wins, Authorization and multi-line values refused', () => {
    expect(parseHeaderArgs(['Accept: a', 'accept: b', 'X-Thing:  v '])).toEqual({ accept: 'b', 'x-thing': 'v' });
    expect(() => parseHeaderArgs(['Authorization: Bearer stolen'])).toThrow(/strategy authenticates/);
    expect(() => parseHeaderArgs(['X-A: one\r\nX-B: two'])).toThrow(/one line/);
    expect(() => parseHeaderArgs(['no colon'])).toThrow(/Name: value/);
  });
});
