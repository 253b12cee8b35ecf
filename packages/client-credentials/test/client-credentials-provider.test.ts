import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import nock from 'nock';
import { OAuthResponseError, TokensmithError, createAuthenticatedFetch } from '@tokensmith/core/kit';
import { basicAuthorization, createClientCredentialsProvider } from '../src/index.js';

const TOKEN_URL = 'https://api.twitter.com/oauth2/token';
// Twitter's documented app-only example (see shared/CONVENTIONS.md).
const KEY = 'xvz1evFS4wEEPTGEFPHBog';
const SECRET = 'L8qq9PZyRg6ieKGEKhZolGC0vJWLw8iEJ88DRdyOg';
const BASIC = 'Basic eHZ6MWV2RlM0d0VFUFRHRUZQSEJvZzpMOHFxOVBaeVJnNmllS0dFS2hab2xHQzB2SldMdzhpRUo4OERSZHlPZw==';
const ACCESS = 'AAAA%2FAAA%3DAAAAAAAAxxxx';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => {
  nock.enableNetConnect();
  nock.restore(); // unpatch node:http so later test files in this worker reach real sockets
});

const twitterToken = () =>
  nock('https://api.twitter.com')
    .post('/oauth2/token', 'grant_type=client_credentials')
    .matchHeader('authorization', BASIC)
    .matchHeader('content-type', /^application\/x-www-form-urlencoded/);

describe('basicAuthorization', () => {
  it("matches Twitter's app-only example header", () => {
    expect(basicAuthorization(KEY, SECRET)).toBe(BASIC);
  });
  it('form-urlencodes id and secret before base64 (RFC 6749 2.3.1)', () => {
    const decoded = Buffer.from(basicAuthorization('a b', "p:s!w'(d)*").slice(6), 'base64').toString();
    expect(decoded).toBe('a+b:p%3As%21w%27%28d%29%2A');
  });
});

describe('createClientCredentialsProvider', () => {
  it("sends Twitter's exact Basic header and form body, and returns a bearer without expiry", async () => {
    const scope = twitterToken().reply(200, { token_type: 'bearer', access_token: ACCESS });
    const provider = createClientCredentialsProvider({ tokenUrl: TOKEN_URL, clientId: KEY, clientSecret: SECRET });
    await expect(provider.getToken()).resolves.toEqual({ type: 'bearer', accessToken: ACCESS });
    expect(scope.isDone()).toBe(true);
  });

  it('sends the same encoded credentials the helper computes for awkward secrets', async () => {
    const secret = "p:s!w'(d)* +%";
    const scope = nock('https://auth.example.com')
      .post('/token', 'grant_type=client_credentials')
      .matchHeader('authorization', basicAuthorization('id with space', secret))
      .reply(200, { token_type: 'bearer', access_token: 'x' });
    await createClientCredentialsProvider({
      tokenUrl: 'https://auth.example.com/token',
      clientId: 'id with space',
      clientSecret: secret,
    }).getToken();
    expect(scope.isDone()).toBe(true);
  });

  it('puts credentials in the body with authMethod "body" and sends the scope', async () => {
    const scope = nock('https://auth.example.com')
      .post(
        '/token',
        (body: Record<string, string>) =>
          body.grant_type === 'client_credentials' &&
          body.client_id === 'id' &&
          body.client_secret === 'sec' &&
          body.scope === 'read write',
      )
      .matchHeader('authorization', (value) => value === undefined)
      .reply(200, { token_type: 'Bearer', access_token: 'x', expires_in: 3600, scope: 'read write' });
    const token = await createClientCredentialsProvider({
      tokenUrl: 'https://auth.example.com/token',
      clientId: 'id',
      clientSecret: 'sec',
      authMethod: 'body',
      scope: ['read', 'write'],
      now: () => 0,
    }).getToken();
    expect(token).toEqual({ type: 'bearer', accessToken: 'x', expiresAt: 3_600_000, obtainedAt: 0, scope: ['read', 'write'] });
    expect(scope.isDone()).toBe(true);
  });

  it('makes one token request for 1,000 concurrent cold callers', async () => {
    const scope = twitterToken().once().reply(200, { token_type: 'bearer', access_token: ACCESS });
    const provider = createClientCredentialsProvider({ tokenUrl: TOKEN_URL, clientId: KEY, clientSecret: SECRET });
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => provider.getToken()));
    expect(scope.isDone()).toBe(true);
    expect(tokens.every((t) => t.accessToken === ACCESS)).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('renews an expiring token within the skew window (injected clock)', async () => {
    let clock = 0;
    nock('https://auth.example.com').post('/token').reply(200, { token_type: 'bearer', access_token: 'one', expires_in: 120 });
    nock('https://auth.example.com').post('/token').reply(200, { token_type: 'bearer', access_token: 'two', expires_in: 120 });
    const provider = createClientCredentialsProvider({
      tokenUrl: 'https://auth.example.com/token',
      clientId: 'id',
      clientSecret: 'sec',
      now: () => clock,
      refreshSkewSeconds: 30,
    });
    expect((await provider.getToken()).accessToken).toBe('one');
    clock = 89_000;
    expect((await provider.getToken()).accessToken).toBe('one');
    clock = 91_000;
    expect((await provider.getToken()).accessToken).toBe('two');
  });

  it('keeps a token without expires_in until the resource says 401, then fetches a new one once', async () => {
    twitterToken().reply(200, { token_type: 'bearer', access_token: 'old' });
    twitterToken().reply(200, { token_type: 'bearer', access_token: 'new' });
    const timeline = nock('https://api.twitter.com')
      .get('/1.1/statuses/user_timeline.json')
      .query({ screen_name: 'twitterapi' })
      .matchHeader('authorization', 'Bearer old')
      .reply(401, { errors: [{ code: 89, message: 'Invalid or expired token.' }] })
      .get('/1.1/statuses/user_timeline.json')
      .query({ screen_name: 'twitterapi' })
      .matchHeader('authorization', 'Bearer new')
      .reply(200, []);
    const provider = createClientCredentialsProvider({ tokenUrl: TOKEN_URL, clientId: KEY, clientSecret: SECRET });
    const api = createAuthenticatedFetch(provider);
    const res = await api('https://api.twitter.com/1.1/statuses/user_timeline.json?screen_name=twitterapi');
    expect(res.status).toBe(200);
    expect(timeline.isDone()).toBe(true);
    expect((await provider.getToken()).accessToken).toBe('new');
  });

  it('turns invalid_client into an OAuthResponseError without the secret', async () => {
    nock('https://auth.example.com')
      .post('/token')
      .reply(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    const provider = createClientCredentialsProvider({
      tokenUrl: 'https://auth.example.com/token',
      clientId: 'id',
      clientSecret: 'THE-SECRET',
    });
    const error = await provider.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthResponseError);
    expect(error).toMatchObject({
      status: 401,
      error: 'invalid_client',
      error_description: 'Client authentication failed',
      operation: 'token_request',
      endpoint: 'https://auth.example.com/token',
    });
    expect((error as Error).message).toBe(
      'client credentials token request failed with HTTP 401 invalid_client: Client authentication failed',
    );
    expect(inspect(error, { depth: 10 })).not.toContain('THE-SECRET');
  });

  it("turns Twitter's 403 error shape into an OAuthResponseError", async () => {
    nock('https://api.twitter.com')
      .post('/oauth2/token')
      .reply(403, { errors: [{ code: 99, label: 'authenticity_token_error', message: 'Unable to verify your credentials' }] });
    const provider = createClientCredentialsProvider({ tokenUrl: TOKEN_URL, clientId: KEY, clientSecret: 'wrong' });
    await expect(provider.getToken()).rejects.toMatchObject({ code: 'oauth_response', status: 403, error: 'authenticity_token_error' });
  });

  it('rejects an HTML 200 and a token_type other than bearer with invalid_token_response', async () => {
    nock('https://auth.example.com').post('/token').reply(200, '<html>login</html>', { 'content-type': 'text/html' });
    nock('https://auth.example.com').post('/token').reply(200, { token_type: 'mac', access_token: 'LEAKED' });
    const provider = createClientCredentialsProvider({ tokenUrl: 'https://auth.example.com/token', clientId: 'id', clientSecret: 'sec' });
    await expect(provider.getToken()).rejects.toMatchObject({
      code: 'invalid_token_response',
      message: 'token response (HTTP 200) is not JSON (content-type text/html)',
      operation: 'token_request',
      endpoint: 'https://auth.example.com/token',
      status: 200,
    });
    const second = await provider.getToken().catch((e: unknown) => e as Error);
    expect(second).toMatchObject({
      code: 'invalid_token_response',
      operation: 'token_request',
      endpoint: 'https://auth.example.com/token',
    });
    expect((second as Error).message).not.toContain('LEAKED');
  });

  it('reports a connection reset (real loopback socket) as network_error', async () => {
    // nock 14's replyWithError never reaches wreck, so a real server resets the connection instead.
    nock.enableNetConnect('127.0.0.1');
    const server = createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const provider = createClientCredentialsProvider({ tokenUrl: `http://127.0.0.1:${port}/token`, clientId: 'id', clientSecret: 'sec' });
      await expect(provider.getToken()).rejects.toMatchObject({
        code: 'network_error',
        message: expect.stringContaining(
          `client credentials token request failed: the connection to http://127.0.0.1:${port}/token was closed or reset (ECONNRESET)`,
        ),
      });
    } finally {
      server.close();
      nock.disableNetConnect();
    }
  });

  describe('bad options', () => {
    const good = { tokenUrl: TOKEN_URL, clientId: KEY, clientSecret: SECRET };
    it.each([
      [{ ...good, tokenUrl: '' }, /^tokenUrl must be a URL/],
      [{ ...good, tokenUrl: 'http://api.twitter.com/oauth2/token' }, /^tokenUrl must use https:\/\//],
      [{ ...good, clientId: '' }, /^clientId must be a non-empty string$/],
      [{ ...good, clientSecret: undefined }, /^clientSecret must be a non-empty string$/],
      [{ ...good, clientSecret: 'sécret' }, /^clientSecret must be printable ASCII/],
      [{ ...good, authMethod: 'digest' }, /^authMethod must be 'basic', 'body', 'private_key_jwt' or 'client_secret_jwt'$/],
      [{ ...good, timeoutMs: -5 }, /^timeoutMs must be a whole number of milliseconds from 1/],
      [{ ...good, timeoutMs: 0 }, /^timeoutMs must be a whole number of milliseconds from 1/],
      [{ ...good, refreshSkewSeconds: -1 }, /^refreshSkewSeconds must be a number of seconds/],
      [{ ...good, invalidateUrl: 'http://api.twitter.com/oauth2/invalidate_token' }, /^invalidateUrl must use https:\/\//],
      [{ ...good, clientSecret: 'SEC\nRET' }, /^clientSecret must be printable ASCII/],
      [{ ...good, scope: 'read\r\nwrite' }, /^scope must be printable ASCII/],
    ])('throws a TokensmithError naming the field (%#)', (options, message) => {
      let caught: unknown;
      try {
        createClientCredentialsProvider(options as never);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TokensmithError);
      expect((caught as Error).message).toMatch(message);
      expect((caught as Error).message).not.toContain(SECRET);
      expect((caught as Error).message).not.toContain('sécret');
    });
  });

  it('shows no secret in inspect() or JSON.stringify()', async () => {
    twitterToken().reply(200, { token_type: 'bearer', access_token: ACCESS });
    const provider = createClientCredentialsProvider({ tokenUrl: TOKEN_URL, clientId: KEY, clientSecret: SECRET });
    await provider.getToken();
    for (const text of [inspect(provider, { depth: 10, showHidden: true }), JSON.stringify(provider)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(ACCESS);
      expect(text).toContain('client-credentials');
    }
  });
});
