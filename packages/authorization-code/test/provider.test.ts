import { inspect } from 'node:util';
import { jest } from '@jest/globals';
import nock from 'nock';
import { MemoryStore, OAuthResponseError, TokensmithError } from '@tokensmith/core/kit';
import { createAuthorizationCodeProvider, type AuthorizationCodeOptions, type PendingAuthorization } from '../src/index.js';

const AS = 'https://auth.example.com';
const ENDPOINTS = { authorizationUrl: `${AS}/authorize`, tokenUrl: `${AS}/token`, revocationUrl: `${AS}/revoke` };
// Known values, so the tests can prove none of them leaks.
const CLIENT_SECRET = 'S3CRET-client-secret-value';
const ACCESS = 'AT-secret-access-token-1';
const REFRESH = 'RT-secret-refresh-token-1';
const CODE = 'CODE-secret-authorization-code';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => {
  nock.enableNetConnect();
  nock.restore(); // unpatch node:http for the next test file in this worker
});

let clock = 1_800_000_000_000;
beforeEach(() => {
  clock = 1_800_000_000_000;
});

function provider(overrides: Partial<AuthorizationCodeOptions> = {}) {
  return createAuthorizationCodeProvider({
    ...ENDPOINTS,
    clientId: 'my-cli',
    scopes: ['tweet.read', 'offline.access'],
    now: () => clock,
    ...overrides,
  });
}

function callback(pending: PendingAuthorization, code = CODE): string {
  return `${pending.redirectUri}?code=${code}&state=${pending.state}`;
}

/** Logs in through the two-step API against a nock'ed token endpoint. */
async function loggedIn(
  p: ReturnType<typeof provider>,
  tokenBody: Record<string, unknown> = { token_type: 'Bearer', access_token: ACCESS, refresh_token: REFRESH, expires_in: 60 },
  clientId: string | null = 'my-cli',
) {
  const pending = await p.startAuthorization();
  const scope = nock(AS)
    .post(
      '/token',
      (body: Record<string, string>) =>
        body.grant_type === 'authorization_code' &&
        body.code === CODE &&
        body.code_verifier === pending.codeVerifier &&
        body.redirect_uri === pending.redirectUri &&
        (body.client_id ?? null) === clientId,
    )
    .reply(200, tokenBody);
  const token = await p.completeAuthorization(pending, callback(pending));
  expect(scope.isDone()).toBe(true);
  return { pending, token };
}

describe('createAuthorizationCodeProvider: options', () => {
  const base = { clientId: 'c', scopes: ['a'] };
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return error instanceof TokensmithError ? `${error.code}: ${error.message}` : String(error);
    }
    return 'no error';
  };

  it('refuses plain http:// endpoints except on loopback, naming the field', () => {
    expect(code(() => createAuthorizationCodeProvider({ ...base, issuer: 'http://auth.example.com' }))).toMatch(
      /^insecure_endpoint: issuer must use https:\/\//,
    );
    expect(code(() => createAuthorizationCodeProvider({ ...base, ...ENDPOINTS, tokenUrl: 'http://auth.example.com/token' }))).toMatch(
      /^insecure_endpoint: tokenUrl /,
    );
    expect(code(() => createAuthorizationCodeProvider({ ...base, ...ENDPOINTS, redirectUri: 'http://app.example.com/cb' }))).toMatch(
      /^insecure_endpoint: redirectUri /,
    );
    expect(code(() => createAuthorizationCodeProvider({ ...base, issuer: 'http://127.0.0.1:8080' }))).toBe('no error');
  });

  it('asks for 127.0.0.1 instead of localhost (RFC 8252 7.3, 8.3), and refuses a query in the redirect URI', () => {
    expect(code(() => createAuthorizationCodeProvider({ ...base, ...ENDPOINTS, redirectUri: 'http://localhost:8080/callback' }))).toMatch(
      /^invalid_options: redirectUri must use 127\.0\.0\.1, not localhost/,
    );
    expect(code(() => createAuthorizationCodeProvider({ ...base, ...ENDPOINTS, redirectUri: 'http://127.0.0.1/cb?x=1' }))).toMatch(
      /query or fragment/,
    );
  });

  it('names every bad option without echoing secrets', () => {
    expect(code(() => createAuthorizationCodeProvider({ ...base, clientId: '' }))).toBe(
      'invalid_options: clientId must be a non-empty string',
    );
    expect(code(() => createAuthorizationCodeProvider({ ...base, clientId: 'c' }))).toMatch(
      /authorizationUrl and tokenUrl are required unless issuer/,
    );
    expect(code(() => createAuthorizationCodeProvider({ ...base, ...ENDPOINTS, scopes: ['openid'] }))).toMatch(/scope openid needs issuer/);
    expect(code(() => createAuthorizationCodeProvider({ ...base, ...ENDPOINTS, scopes: ['two words'] }))).toMatch(
      /^invalid_options: scopes must be/,
    );
    expect(code(() => createAuthorizationCodeProvider({ ...base, ...ENDPOINTS, clientSecret: 'bad\nsecret-VALUE' }))).toBe(
      'invalid_options: clientSecret must be printable ASCII (RFC 6749 Appendix A)',
    );
    expect(code(() => createAuthorizationCodeProvider({ ...base, ...ENDPOINTS, callbackTimeoutMs: 0 }))).toMatch(
      /callbackTimeoutMs must be a number > 0/,
    );
    expect(
      code(() =>
        createAuthorizationCodeProvider({ ...base, ...ENDPOINTS, openBrowser: () => undefined, redirectUri: 'https://app.example.com/cb' }),
      ),
    ).toMatch(/promptRedirect is required/);
    expect(code(() => createAuthorizationCodeProvider({ ...base, ...ENDPOINTS, redirectMode: 'paste' }))).toMatch(
      /promptRedirect is required with redirectMode 'paste'/,
    );
  });
});

describe('createAuthorizationCodeProvider: token endpoint (nock)', () => {
  it('sends a public client_id in the body and a confidential client as RFC 6749 2.3.1 HTTP Basic', async () => {
    await loggedIn(provider());
    const secret = "p:s!w'(d)*";
    const p = provider({ clientId: 'my client', clientSecret: secret });
    const pending = await p.startAuthorization();
    const scope = nock(AS)
      .post(
        '/token',
        (body: Record<string, string>) => body.client_id === undefined && body.client_secret === undefined && body.code === CODE,
      )
      .matchHeader('authorization', `Basic ${Buffer.from('my+client:p%3As%21w%27%28d%29%2A').toString('base64')}`)
      .reply(200, { token_type: 'bearer', access_token: ACCESS });
    await p.completeAuthorization(pending, callback(pending));
    expect(scope.isDone()).toBe(true);
  });

  it('keeps the old refresh token when a refresh response has none, and refreshes once for many callers', async () => {
    const p = provider();
    const { token } = await loggedIn(p);
    expect(token).toEqual({ type: 'bearer', accessToken: ACCESS, refreshToken: REFRESH, expiresAt: clock + 60_000, obtainedAt: clock });

    clock += 55_000; // within the default skew window: min(30 s, a tenth of the 60 s lifetime) = 6 s
    const first = nock(AS)
      .post(
        '/token',
        (body: Record<string, string>) =>
          body.grant_type === 'refresh_token' && body.refresh_token === REFRESH && body.client_id === 'my-cli',
      )
      .once()
      .reply(200, { token_type: 'bearer', access_token: 'AT-2', expires_in: 60, scope: 'tweet.read' });
    const results = await Promise.all(Array.from({ length: 5 }, () => p.getToken()));
    expect(first.isDone()).toBe(true);
    for (const result of results)
      expect(result).toEqual({
        type: 'bearer',
        accessToken: 'AT-2',
        refreshToken: REFRESH,
        expiresAt: clock + 60_000,
        obtainedAt: clock,
        scope: ['tweet.read'],
      });
    expect((await p.peek())?.refreshToken).toBe(REFRESH);

    clock += 60_000;
    const second = nock(AS)
      .post('/token', (body: Record<string, string>) => body.refresh_token === REFRESH)
      .reply(200, { token_type: 'bearer', access_token: 'AT-3', refresh_token: 'RT-3', expires_in: 60 });
    expect(await p.getToken()).toMatchObject({ accessToken: 'AT-3', refreshToken: 'RT-3' });
    expect(second.isDone()).toBe(true);
  });

  it('drops the tokens and throws login_required on invalid_grant, without opening a browser', async () => {
    const openBrowser = jest.fn();
    const store = new MemoryStore();
    const p = provider({ openBrowser, store, promptRedirect: async () => 'unused' });
    await loggedIn(p);
    clock += 120_000;
    nock(AS).post('/token').reply(400, { error: 'invalid_grant', error_description: 'Refresh token expired' });
    const error = await p.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokensmithError);
    expect(error).toMatchObject({
      code: 'login_required',
      message: expect.stringContaining('log in again'),
      operation: 'refresh',
      endpoint: `${AS}/token`,
      status: 400,
      error: 'invalid_grant',
    });
    expect((error as Error).message).not.toContain('tokensmith');
    expect(((error as Error).cause as OAuthResponseError).error).toBe('invalid_grant');
    expect(await p.peek()).toBeUndefined();
    expect(openBrowser).not.toHaveBeenCalled();
  });

  it('keeps the tokens when a refresh fails for another reason', async () => {
    const p = provider();
    await loggedIn(p);
    clock += 120_000;
    nock(AS).post('/token').reply(503, { error: 'temporarily_unavailable' });
    await expect(p.getToken()).rejects.toMatchObject({
      status: 503,
      error: 'temporarily_unavailable',
      message: 'refresh token request failed with HTTP 503 temporarily_unavailable',
      operation: 'refresh',
      endpoint: `${AS}/token`,
    });
    expect((await p.peek())?.refreshToken).toBe(REFRESH);
  });

  it('never shows the client secret, tokens, code or verifier in messages, progress, errors or inspect()', async () => {
    const shown: string[] = [];
    const p = provider({ clientSecret: CLIENT_SECRET, onProgress: (message, event) => shown.push(message, JSON.stringify(event)) });
    const { pending, token } = await loggedIn(
      p,
      { token_type: 'bearer', access_token: ACCESS, refresh_token: REFRESH, expires_in: 60 },
      null,
    );
    shown.push(inspect(p), JSON.stringify(p), inspect(pending, { depth: 5 }));
    expect(inspect(pending)).toContain('[redacted]');
    expect(JSON.parse(JSON.stringify(pending)).codeVerifier).toBe(pending.codeVerifier);

    const failures: unknown[] = [];
    // A token response the client refuses, which carries the tokens in its body.
    const other = await p.startAuthorization();
    nock(AS).post('/token').reply(200, { token_type: 'mac', access_token: ACCESS, refresh_token: REFRESH });
    failures.push(await p.completeAuthorization(other, callback(other)).catch((e: unknown) => e));
    // An error response that echoes secrets back.
    const third = await p.startAuthorization();
    nock(AS).post('/token').reply(400, { error: 'invalid_grant', code: CODE, refresh_token: REFRESH });
    failures.push(await p.completeAuthorization(third, callback(third)).catch((e: unknown) => e));
    // A callback with the wrong state, and a refresh that is refused.
    failures.push(await p.completeAuthorization(third, `${third.redirectUri}?code=${CODE}&state=nope`).catch((e: unknown) => e));
    clock += 120_000;
    nock(AS).post('/token').reply(400, { error: 'invalid_grant' });
    failures.push(await p.getToken().catch((e: unknown) => e));
    // Revocation that fails at logout.
    await p.completeAuthorization(third, callback(third)).catch(() => undefined);
    expect(failures.every((f) => f instanceof TokensmithError)).toBe(true);
    for (const failure of failures) shown.push((failure as Error).message, inspect(failure, { depth: 10 }), JSON.stringify(failure));

    const fourth = await p.startAuthorization();
    nock(AS).post('/token').reply(200, { token_type: 'bearer', access_token: ACCESS, refresh_token: REFRESH });
    await p.completeAuthorization(fourth, callback(fourth));
    nock(AS).post('/revoke').times(2).reply(500, { error: 'server_error', refresh_token: REFRESH });
    await p.logout();
    expect(shown.some((s) => s.includes('Could not revoke the refresh token'))).toBe(true);

    const secrets = [CLIENT_SECRET, ACCESS, REFRESH, CODE, pending.codeVerifier, other.codeVerifier, third.codeVerifier, token.accessToken];
    for (const text of shown) for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('checks discovered endpoints too: a plain http:// one off loopback is refused', async () => {
    const metadata = {
      issuer: AS,
      authorization_endpoint: `${AS}/authorize`,
      token_endpoint: 'http://tokens.example.net/token',
      code_challenge_methods_supported: ['S256'],
    };
    const fetchImpl = jest.fn(async (url: string | URL | Request) => {
      expect(String(url)).toBe(`${AS}/.well-known/oauth-authorization-server`);
      return new Response(JSON.stringify(metadata), { headers: { 'content-type': 'application/json' } });
    });
    const p = createAuthorizationCodeProvider({ issuer: AS, clientId: 'c', scopes: ['tweet.read'], fetch: fetchImpl });
    await expect(p.startAuthorization()).rejects.toMatchObject({
      code: 'insecure_endpoint',
      message: expect.stringMatching(/^token_endpoint \(from discovery\) must use https:\/\/.*http:\/\/tokens\.example\.net/),
    });
  });

  it('refuses a server that does not support S256', async () => {
    const metadata = {
      issuer: AS,
      authorization_endpoint: `${AS}/authorize`,
      token_endpoint: `${AS}/token`,
      code_challenge_methods_supported: ['plain'],
    };
    const fetchImpl = async () => new Response(JSON.stringify(metadata), { headers: { 'content-type': 'application/json' } });
    const p = createAuthorizationCodeProvider({ issuer: AS, clientId: 'c', scopes: ['tweet.read'], fetch: fetchImpl });
    await expect(p.startAuthorization()).rejects.toMatchObject({
      code: 'config_error',
      message: expect.stringContaining('S256'),
      operation: 'discovery',
    });
  });

  it('refuses an authorization response from another issuer, or without the iss the server promises (RFC 9207)', async () => {
    const metadata = {
      issuer: AS,
      authorization_endpoint: `${AS}/authorize`,
      token_endpoint: `${AS}/token`,
      authorization_response_iss_parameter_supported: true,
    };
    const fetchImpl = async () => new Response(JSON.stringify(metadata), { headers: { 'content-type': 'application/json' } });
    const p = createAuthorizationCodeProvider({ issuer: AS, clientId: 'c', scopes: ['tweet.read'], fetch: fetchImpl });
    const pending = await p.startAuthorization();
    await expect(
      p.completeAuthorization(pending, `${callback(pending)}&iss=${encodeURIComponent('https://evil.example')}`),
    ).rejects.toMatchObject({ code: 'oauth_response', message: expect.stringContaining('another issuer'), operation: 'authorization' });
    await expect(p.completeAuthorization(pending, callback(pending))).rejects.toMatchObject({
      code: 'oauth_response',
      message: expect.stringContaining('lacks the iss'),
      operation: 'authorization',
    });
    expect(await p.peek()).toBeUndefined();
  });

  it('reports network failures as network_error', async () => {
    const p = provider();
    const pending = await p.startAuthorization();
    nock(AS).post('/token').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    await expect(p.completeAuthorization(pending, callback(pending))).rejects.toMatchObject({
      code: 'network_error',
      message: 'authorization code exchange failed: error ECONNRESET',
      operation: 'token_request',
      endpoint: `${AS}/token`,
    });
  });
});

describe('createAuthorizationCodeProvider: refreshSkewSeconds', () => {
  const refreshed = () =>
    nock(AS)
      .post('/token', (body: Record<string, string>) => body.grant_type === 'refresh_token')
      .reply(200, { token_type: 'bearer', access_token: 'AT-2', expires_in: 60 });

  it('uses a 60 s token until its last 6 s by default (a tenth of its lifetime)', async () => {
    const p = provider();
    await loggedIn(p);
    clock += 50_000;
    expect((await p.getToken()).accessToken).toBe(ACCESS);
    const scope = refreshed();
    clock += 5_000;
    expect((await p.getToken()).accessToken).toBe('AT-2');
    expect(scope.isDone()).toBe(true);
  });

  it('refreshes refreshSkewSeconds before expiry when configured', async () => {
    const p = provider({ refreshSkewSeconds: 20 });
    await loggedIn(p);
    const scope = refreshed();
    clock += 41_000;
    expect((await p.getToken()).accessToken).toBe('AT-2');
    expect(scope.isDone()).toBe(true);
  });
});
