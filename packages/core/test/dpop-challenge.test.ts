import { createAuthenticatedFetch, parseTokenResponse, type AuthorizeRequest, type TokenProvider } from '../src/kit.js';
import { isCredentials } from '../src/store-kit.js';

// The optional observeResponse hook: a provider that signs each request (DPoP) learns the resource
// server's nonce and asks for one more attempt on `use_dpop_nonce`, which createAuthenticatedFetch
// sends once, without invalidating the token.

function dpopProvider() {
  let nonce: string | undefined;
  const provider: TokenProvider & { proofs: Array<string | undefined>; invalidations: number } = {
    strategy: 'test',
    proofs: [],
    invalidations: 0,
    getToken: () => Promise.resolve({ type: 'bearer', accessToken: 'tok', tokenType: 'DPoP' }),
    authorize: (request: AuthorizeRequest) => {
      provider.proofs.push(nonce);
      return Promise.resolve({ authorization: 'DPoP tok', dpop: `proof-for-${request.method}-${nonce ?? 'none'}` });
    },
    invalidate: () => {
      provider.invalidations++;
      return Promise.resolve();
    },
    observeResponse: (_request, response) => {
      nonce = response.headers.get('dpop-nonce') ?? nonce;
      return response.status === 401 && /use_dpop_nonce/.test(response.headers.get('www-authenticate') ?? '');
    },
  };
  return provider;
}

const challenge = () =>
  new Response('{}', { status: 401, headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': 'n1' } });

describe('createAuthenticatedFetch and DPoP nonces', () => {
  test('a use_dpop_nonce 401 is answered once with a new proof carrying the nonce; the token is not invalidated', async () => {
    const provider = dpopProvider();
    const sent: Array<Record<string, string>> = [];
    const events: string[] = [];
    const api = createAuthenticatedFetch(provider, {
      fetch: (_url, init) => {
        sent.push(init!.headers as Record<string, string>);
        return Promise.resolve(sent.length === 1 ? challenge() : new Response('ok', { status: 200 }));
      },
      onRetry: (event) => events.push(event.reason),
    });
    const response = await api('https://api.example.com/me');
    expect(response.status).toBe(200);
    expect(sent.map((headers) => headers.dpop)).toEqual(['proof-for-GET-none', 'proof-for-GET-n1']);
    expect(provider.invalidations).toBe(0);
    expect(events).toEqual(['dpop_nonce']);
  });

  test('a second nonce challenge in a row falls to the 401 rule (invalidate, one fresh attempt), never a loop', async () => {
    const provider = dpopProvider();
    let calls = 0;
    const api = createAuthenticatedFetch(provider, {
      fetch: () => {
        calls++;
        return Promise.resolve(challenge());
      },
    });
    expect((await api('https://api.example.com/me')).status).toBe(401);
    expect(calls).toBe(4);
    expect(provider.invalidations).toBe(1);
  });

  test('a provider without the hook is unaffected', async () => {
    const provider: TokenProvider = {
      strategy: 'plain',
      getToken: () => Promise.resolve({ type: 'bearer', accessToken: 'a' }),
      authorize: () => Promise.resolve({ authorization: 'Bearer a' }),
      invalidate: () => Promise.resolve(),
    };
    let calls = 0;
    const api = createAuthenticatedFetch(provider, { fetch: () => Promise.resolve(new Response(null, { status: calls++ ? 200 : 401 })) });
    expect((await api('https://api.example.com/me')).status).toBe(200);
    expect(calls).toBe(2);
  });
});

describe('DPoP-bound credentials', () => {
  test('token_type DPoP is accepted only when the request carried a proof, and recorded', () => {
    const body = { token_type: 'DPoP', access_token: 'AAAA' };
    expect(parseTokenResponse(body, { status: 200, now: 0, dpop: true })).toEqual({
      type: 'bearer',
      accessToken: 'AAAA',
      tokenType: 'DPoP',
    });
    expect(() => parseTokenResponse(body, { status: 200, now: 0 })).toThrow(/expected "bearer"/);
  });

  test('a stored record with a DPoP key reads back; a malformed key or token type does not', () => {
    const key = { alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' } };
    expect(isCredentials({ type: 'bearer', accessToken: 'a', tokenType: 'DPoP', dpopKey: key })).toBe(true);
    expect(isCredentials({ type: 'bearer', accessToken: 'a', tokenType: 'MAC' })).toBe(false);
    expect(isCredentials({ type: 'bearer', accessToken: 'a', dpopKey: 'PEM' })).toBe(false);
  });
});
