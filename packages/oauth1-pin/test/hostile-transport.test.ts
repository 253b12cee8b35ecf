import { inspect } from 'node:util';
import { createAuthenticatedFetch, MAX_AUTH_RESPONSE_BYTES, MemoryStore, tokenKey, type OAuth1Credentials } from '@tokensmith/core/kit';
import { drip, gzipBomb, startServer, streamChunks, type TestServer } from '../../core/test/support/hostile-server.js';
import { createOAuth1PinProvider, requestToken } from '../src/index.js';
import { rejection } from './helpers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const client = (origin: string) => ({
  consumerKey: 'ck',
  consumerSecret: 'CONSUMER-SECRET-42',
  requestTokenUrl: `${origin}/oauth/request_token`,
  authorizeUrl: `${origin}/oauth/authorize`,
  accessTokenUrl: `${origin}/oauth/access_token`,
});

describe('OAuth 1.0a requests against hostile servers (real sockets)', () => {
  it('refuses a huge chunked request-token response with no Content-Length, hanging up early', async () => {
    const total = 256 * 1024 * 1024;
    server = await startServer((_req, res) =>
      streamChunks(res, { totalBytes: total, chunkBytes: 16 * 1024, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    );
    const error = await rejection(requestToken(client(server.origin)));
    expect(error.code).toBe('invalid_token_response');
    expect(error.message).toBe(
      `OAuth 1.0a request token request response (HTTP 200) is larger than ${MAX_AUTH_RESPONSE_BYTES} bytes; nothing past the limit was read`,
    );
    await server.sockets[0]!.closed;
    expect(server.sockets[0]!.bytesWritten()).toBeLessThan(total / 4);
  });

  it('refuses a gzip bomb (2 MB compressed) on the request-token call cheaply', async () => {
    server = await startServer((_req, res) =>
      gzipBomb(res, { compressedBytes: 2_000_000, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    );
    const before = process.memoryUsage().rss;
    const error = await rejection(requestToken(client(server.origin)));
    expect(error.code).toBe('invalid_token_response');
    await server.sockets[0]!.closed;
    expect(server.sockets[0]!.bytesWritten()).toBeLessThan(2_000_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('ends a dripping response with `timeout` within timeoutMs, and the server sees the socket closed', async () => {
    server = await startServer((_req, res) => drip(res, 100, { 'content-type': 'application/x-www-form-urlencoded' }));
    const started = performance.now();
    const error = await rejection(requestToken({ ...client(server.origin), timeoutMs: 500 }));
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('timed out after 500 ms');
    await server.sockets[0]!.closed;
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('names the endpoint and its option when the connection is refused', async () => {
    server = await startServer(() => undefined);
    const origin = server.origin;
    await server.close();
    server = undefined;
    const error = await rejection(requestToken(client(origin)));
    expect(error).toMatchObject({ code: 'network_error', operation: 'request_token', endpoint: `${origin}/oauth/request_token` });
    expect(error.message).toBe(
      `OAuth 1.0a request token request failed: connection to ${origin}/oauth/request_token refused: is the server running? check requestTokenUrl`,
    );
  });

  it('names the field when an endpoint redirects (a wrong URL), never following it', async () => {
    server = await startServer((_req, res) => res.writeHead(302, { location: 'https://elsewhere.example/login' }).end());
    const error = await rejection(requestToken(client(server.origin)));
    expect(error.code).toBe('http_error');
    expect(error.message).toBe(
      `OAuth 1.0a request token request to ${server.origin}/oauth/request_token was answered with a redirect (HTTP 302), which a signed request never follows: requestTokenUrl must be the endpoint's exact URL (check requestTokenUrl: scheme, host and path)`,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('refuses an oauth_token with CR/LF, never echoing it', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded' });
      res.end('oauth_token=EVIL%0D%0AX-Injected%3A%201&oauth_token_secret=s&oauth_callback_confirmed=true');
    });
    const error = await rejection(requestToken(client(server.origin)));
    expect(error.code).toBe('invalid_token_response');
    expect(`${error.message} ${inspect(error)}`).not.toContain('EVIL');
  });
});

describe('a 401 with Twitter code 135 (timestamp out of bounds)', () => {
  it('does not invalidate the token: no new login for a clock problem', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"errors":[{"code":135,"message":"Timestamp out of bounds."}]}');
    });
    const store = new MemoryStore();
    let prompts = 0;
    const provider = createOAuth1PinProvider({ ...client(server.origin), store, promptPin: async () => (prompts++, '1') });
    const credentials: OAuth1Credentials = { type: 'oauth1', token: 'tok', tokenSecret: 'sec' };
    const { requestTokenUrl, accessTokenUrl } = client(server.origin);
    await store.set(
      tokenKey({ strategy: 'oauth1-pin', endpoints: [requestTokenUrl, accessTokenUrl], clientId: 'ck', secret: 'CONSUMER-SECRET-42' }),
      credentials,
    );
    const api = createAuthenticatedFetch(provider);
    const response = await api(`${server.origin}/1.1/statuses/home_timeline.json`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ errors: [{ code: 135, message: 'Timestamp out of bounds.' }] });
    expect(server.requests).toHaveLength(1); // no retry with a "fresh" token
    expect(prompts).toBe(0);
    await expect(provider.getToken()).resolves.toEqual(credentials); // still usable
  });
});
