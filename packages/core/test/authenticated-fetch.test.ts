import { createAuthenticatedFetch, type AuthorizeRequest, type TokenProvider, type BearerCredentials } from '../src/kit.js';

function fakeProvider() {
  let generation = 1;
  const seen: AuthorizeRequest[] = [];
  const provider: TokenProvider<BearerCredentials> & { seen: AuthorizeRequest[]; invalidations: number } = {
    strategy: 'fake',
    seen,
    invalidations: 0,
    getToken: async () => ({ type: 'bearer', accessToken: `t${generation}` }),
    authorize: async (request) => {
      seen.push(request);
      return { authorization: `Bearer t${generation}` };
    },
    invalidate: async () => {
      provider.invalidations++;
      generation++;
    },
  };
  return provider;
}

function fakeFetch(statusFor: (auth: string | null) => number) {
  const calls: Array<{ url: string; auth: string | null; accept: string | null }> = [];
  const impl = (async (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const auth = headers.get('authorization');
    calls.push({ url: String(input), auth, accept: headers.get('accept') });
    return new Response('{}', { status: statusFor(auth) });
  }) as typeof fetch;
  return { impl, calls };
}

describe('createAuthenticatedFetch', () => {
  it('adds the provider headers and keeps the caller headers', async () => {
    const provider = fakeProvider();
    const { impl, calls } = fakeFetch(() => 200);
    const api = createAuthenticatedFetch(provider, { fetch: impl });
    const res = await api('http://127.0.0.1/x?a=1', { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(calls).toEqual([{ url: 'http://127.0.0.1/x?a=1', auth: 'Bearer t1', accept: 'application/json' }]);
    expect(provider.seen).toEqual([{ method: 'GET', url: 'http://127.0.0.1/x?a=1' }]);
  });

  it('on a 401 invalidates and retries once with a fresh token', async () => {
    const provider = fakeProvider();
    const { impl, calls } = fakeFetch((auth) => (auth === 'Bearer t1' ? 401 : 200));
    const res = await createAuthenticatedFetch(provider, { fetch: impl })('http://127.0.0.1/x');
    expect(res.status).toBe(200);
    expect(calls.map((c) => c.auth)).toEqual(['Bearer t1', 'Bearer t2']);
    expect(provider.invalidations).toBe(1);
  });

  it('returns the second 401 instead of looping', async () => {
    const provider = fakeProvider();
    const { impl, calls } = fakeFetch(() => 401);
    const res = await createAuthenticatedFetch(provider, { fetch: impl })('http://127.0.0.1/x');
    expect(res.status).toBe(401);
    expect(calls).toHaveLength(2);
  });

  it('does not retry when retryOn401 is false', async () => {
    const provider = fakeProvider();
    const { impl, calls } = fakeFetch(() => 401);
    await createAuthenticatedFetch(provider, { fetch: impl, retryOn401: false })('http://127.0.0.1/x');
    expect(calls).toHaveLength(1);
    expect(provider.invalidations).toBe(0);
  });

  it('passes a form body to authorize() (OAuth 1.0a signs it) but never a JSON body', async () => {
    const provider = fakeProvider();
    const { impl } = fakeFetch(() => 200);
    const api = createAuthenticatedFetch(provider, { fetch: impl });
    await api('http://127.0.0.1/x', { method: 'post', body: new URLSearchParams({ status: 'hi there' }) });
    await api('http://127.0.0.1/x', { method: 'POST', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    await api('http://127.0.0.1/x', { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(provider.seen.map((r) => [r.method, r.body === undefined ? undefined : String(r.body)])).toEqual([
      ['POST', 'status=hi+there'],
      ['POST', 'a=1'],
      ['POST', undefined],
    ]);
  });
});

describe('createAuthenticatedFetch: token hygiene and the timeout rule', () => {
  it('replaces a header-construction error (it quotes the token) with one that names no secret (issue 17 hole 8)', async () => {
    const { inspect } = await import('node:util');
    const provider: TokenProvider<BearerCredentials> = {
      strategy: 'fake',
      getToken: async () => ({ type: 'bearer', accessToken: 'SECRET-AT\r\n' }),
      authorize: async () => ({ authorization: 'Bearer SECRET-AT\r\nX-Evil: 1' }),
      invalidate: async () => {},
    };
    const error = await createAuthenticatedFetch(provider, { fetch: fakeFetch(() => 200).impl })('https://api.example.com/x').catch(
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({ code: 'invalid_token_response' });
    expect((error as Error).message).toBe(
      'the fake credentials cannot be sent in an HTTP authorization header (a control character or non-ASCII in the stored token): log out and obtain a new token',
    );
    expect(inspect(error, { depth: 10 })).not.toContain('SECRET-AT');
  });

  it('refuses timeoutMs 0 like every strategy does', () => {
    expect(() => createAuthenticatedFetch(fakeProvider(), { timeoutMs: 0 })).toThrow(
      /^timeoutMs must be a whole number of milliseconds from 1/,
    );
  });

  it('maps a network failure through toTransportError, naming the URL', async () => {
    const failing = (async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) });
    }) as typeof fetch;
    const error = await createAuthenticatedFetch(fakeProvider(), { fetch: failing })('https://api.example.com/1.1/x.json', {
      method: 'POST',
    }).catch((e: unknown) => e as Error);
    expect(error).toMatchObject({
      code: 'network_error',
      message: 'POST request failed: connection to https://api.example.com/1.1/x.json refused: is the server running? check the URL',
    });
  });
});
