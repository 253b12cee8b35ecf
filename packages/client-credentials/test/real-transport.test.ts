import { inspect } from 'node:util';
import { createAuthenticatedFetch, createLoggingFetch, MAX_AUTH_RESPONSE_BYTES, MemoryStore, TokensmithError } from '@tokensmith/core/kit';
import { startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { drip, gzipBomb, startServer, streamChunks, type TestServer } from '../../core/test/support/hostile-server.js';
import { createClientCredentialsProvider, type ClientCredentialsOptions } from '../src/index.js';

const APP = { clientId: 'cc-real-key', clientSecret: 'CC-REAL-SECRET-0xC0FFEE' };
let server: TestServer | undefined;
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await server?.close();
  await sandbox?.stop();
  server = undefined;
  sandbox = undefined;
});

async function rejection(promise: Promise<unknown>): Promise<TokensmithError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokensmithError);
  return error as TokensmithError;
}

const against = (origin: string, extra: Partial<ClientCredentialsOptions> = {}) =>
  createClientCredentialsProvider({ tokenUrl: `${origin}/oauth2/token`, ...APP, ...extra });

describe('the token request through simple-oauth2, bounded and logged (real sockets)', () => {
  it('is logged by --verbose (the injected logging fetch) with Authorization and secrets masked', async () => {
    sandbox = await startSandbox({ apps: [APP] });
    const lines: string[] = [];
    const provider = createClientCredentialsProvider({
      tokenUrl: sandbox.endpoints.tokenUrl,
      ...APP,
      fetch: createLoggingFetch((line) => lines.push(line)),
    });
    const { accessToken } = await provider.getToken();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(
        `^→ POST ${sandbox.endpoints.tokenUrl} headers=\\{.*"authorization":"Basic \\[redacted\\]".*\\} body=grant_type=client_credentials$`,
      ),
    );
    expect(lines[1]).toMatch(new RegExp(`^← 200 POST ${sandbox.endpoints.tokenUrl} in \\d+ ms$`));
    const all = lines.join('\n');
    expect(all).not.toContain(APP.clientSecret);
    expect(all).not.toContain(Buffer.from(`${APP.clientId}:${APP.clientSecret}`).toString('base64'));
    expect(all).not.toContain(accessToken);
  });

  it('masks client_secret in the logged form body with authMethod "body"', async () => {
    server = await startServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"token_type":"bearer","access_token":"AT-1"}'),
    );
    const lines: string[] = [];
    await against(server.origin, { authMethod: 'body', fetch: createLoggingFetch((line) => lines.push(line)) }).getToken();
    expect(lines[0]).toContain('body=grant_type=client_credentials&client_id=cc-real-key&client_secret=[redacted]');
    expect(server.requests[0]!.body).toContain(`client_secret=${encodeURIComponent(APP.clientSecret)}`);
  });

  it('refuses a huge chunked token response with no Content-Length, hanging up early', async () => {
    const total = 256 * 1024 * 1024;
    server = await startServer((_req, res) => streamChunks(res, { totalBytes: total, chunkBytes: 16 * 1024 }));
    const error = await rejection(against(server.origin).getToken());
    expect(error.code).toBe('invalid_token_response');
    expect(error.message).toBe(
      `token response (HTTP 200) is larger than ${MAX_AUTH_RESPONSE_BYTES} bytes; nothing past the limit was read`,
    );
    await server.sockets[0]!.closed;
    expect(server.sockets[0]!.bytesWritten()).toBeLessThan(total / 4);
  });

  it('refuses a gzip bomb cheaply (its bytes are never inflated)', async () => {
    server = await startServer((_req, res) => gzipBomb(res, { compressedBytes: 2_000_000 }));
    const before = process.memoryUsage().rss;
    const error = await rejection(against(server.origin).getToken());
    expect(error.code).toBe('invalid_token_response');
    await server.sockets[0]!.closed;
    expect(server.sockets[0]!.bytesWritten()).toBeLessThan(2_000_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('ends a token endpoint dripping one byte at a time in `timeout` within timeoutMs, and destroys the socket (issue 17 hole 5)', async () => {
    server = await startServer((_req, res) => drip(res, 100));
    const lines: string[] = [];
    const started = performance.now();
    const error = await rejection(
      against(server.origin, { timeoutMs: 600, fetch: createLoggingFetch((line) => lines.push(line)) }).getToken(),
    );
    expect(error.code).toBe('timeout');
    expect(error.message).toBe(
      `client credentials token request to ${server.origin}/oauth2/token timed out after 600 ms: the server is slow or not answering; try again, or raise timeoutMs`,
    );
    await server.sockets[0]!.closed; // the server sees the client go: nothing keeps the process alive
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('names the endpoint and tokenUrl when the connection is refused, with no wreck wording', async () => {
    server = await startServer(() => undefined);
    const origin = server.origin;
    await server.close();
    server = undefined;
    const error = await rejection(against(origin).getToken());
    expect(error).toMatchObject({ code: 'network_error', operation: 'token_request', endpoint: `${origin}/oauth2/token` });
    expect(error.message).toBe(
      `client credentials token request failed: connection to ${origin}/oauth2/token refused: is the server running? check tokenUrl`,
    );
    expect(error.message).not.toMatch(/Client request error/);
  });

  it('refuses an access token with CR/LF and a JSON body error without echoing the token', async () => {
    server = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(server!.requests.length === 1 ? '{"token_type":"bearer","access_token":"SECRET-AT\\r\\nX-Evil: 1"}' : 'SECRET-AT-NOT-JSON');
    });
    const provider = against(server.origin);
    const first = await rejection(provider.getToken());
    expect(first.code).toBe('invalid_token_response');
    const second = await rejection(provider.getToken());
    expect(second).toMatchObject({ code: 'invalid_token_response', message: 'token response (HTTP 200) is not valid JSON' });
    for (const error of [first, second]) expect(`${error.message}\n${inspect(error, { depth: 10 })}`).not.toContain('SECRET-AT');
  });

  it('names tokenUrl when the token endpoint redirects (a wrong URL), never following it', async () => {
    server = await startServer((_req, res) => res.writeHead(301, { location: '/oauth2/token/' }).end());
    const error = await rejection(against(server.origin).getToken());
    expect(error).toMatchObject({ code: 'http_error', operation: 'token_request', endpoint: `${server.origin}/oauth2/token` });
    expect(error.message).toBe(
      `client credentials token request to ${server.origin}/oauth2/token was answered with a redirect, which a token request never follows: tokenUrl must be the token endpoint's exact URL (check tokenUrl: scheme, host and path)`,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('clamps expires_in: 1e306 to one year instead of storing Infinity', async () => {
    server = await startServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"token_type":"bearer","access_token":"AT","expires_in":1e306}'),
    );
    const token = await against(server.origin, { now: () => 0 }).getToken();
    expect(token.expiresAt).toBe(365 * 24 * 3600 * 1000);
  });
});

describe('expiry skew (issue 12)', () => {
  it('uses a token living 10 s for 9 s instead of renewing it on every call', async () => {
    let clock = Date.UTC(2026, 11, 1);
    sandbox = await startSandbox({ apps: [APP], appTokenTtlSeconds: 10, now: () => clock });
    const provider = createClientCredentialsProvider({ tokenUrl: sandbox.endpoints.tokenUrl, ...APP, now: () => clock });
    const first = await provider.getToken();
    for (let i = 0; i < 8; i++) {
      clock += 1_000;
      expect((await provider.getToken()).accessToken).toBe(first.accessToken);
    }
    expect(sandbox.stats.tokenRequests).toBe(1);
    clock += 1_000; // 9 s in: inside the 1 s skew (a tenth of 10 s)
    await provider.getToken();
    expect(sandbox.stats.tokenRequests).toBe(2);
  });
});

describe('token identity (issue 12)', () => {
  it('never serves a wrong secret the token obtained with the right one', async () => {
    sandbox = await startSandbox({ apps: [APP] });
    const store = new MemoryStore();
    const right = createClientCredentialsProvider({ tokenUrl: sandbox.endpoints.tokenUrl, ...APP, store });
    await right.getToken();
    const wrong = createClientCredentialsProvider({
      tokenUrl: sandbox.endpoints.tokenUrl,
      clientId: APP.clientId,
      clientSecret: 'wrong-secret',
      store,
    });
    await expect(wrong.getToken()).rejects.toMatchObject({ code: 'oauth_response', status: 403 });
    const narrower = createClientCredentialsProvider({ tokenUrl: sandbox.endpoints.tokenUrl, ...APP, scope: 'read', store });
    expect(await narrower.peek()).toBeUndefined();
  });
});

describe('logout with invalidateUrl (Twitter oauth2/invalidate_token)', () => {
  it('invalidates the token at the provider, then forgets it locally', async () => {
    sandbox = await startSandbox({ apps: [APP] });
    const store = new MemoryStore();
    const progress: string[] = [];
    const provider = createClientCredentialsProvider({
      tokenUrl: sandbox.endpoints.tokenUrl,
      invalidateUrl: sandbox.endpoints.invalidateTokenUrl,
      ...APP,
      store,
      onProgress: (m) => progress.push(m),
    });
    const { accessToken } = await provider.getToken();
    const timeline = `${sandbox.endpoints.timelineUrl}?screen_name=twitterapi&count=1`;
    expect((await fetch(timeline, { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(200);
    await provider.logout();
    expect((await fetch(timeline, { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(401);
    expect(await store.entries()).toEqual([]);
    expect(progress).toEqual([`Invalidated the token at ${sandbox.url}`]);
    // The next call gets a new token (the old one is dead at the provider too).
    expect((await provider.getToken()).accessToken).not.toBe(accessToken);
    expect((await createAuthenticatedFetch(provider)(timeline)).status).toBe(200);
  });

  it('reports a failed invalidation through onProgress, never throws, and still forgets locally', async () => {
    sandbox = await startSandbox({ apps: [APP] });
    const store = new MemoryStore();
    const progress: string[] = [];
    const provider = createClientCredentialsProvider({
      tokenUrl: sandbox.endpoints.tokenUrl,
      invalidateUrl: `${sandbox.url}/oauth2/nowhere`,
      ...APP,
      store,
      onProgress: (m) => progress.push(m),
    });
    const { accessToken } = await provider.getToken();
    await expect(provider.logout()).resolves.toMatchObject({ revocation: 'failed', endpoint: sandbox.url });
    expect(await store.entries()).toEqual([]);
    expect(progress).toHaveLength(1);
    expect(progress[0]).toMatch(
      /^Could not invalidate the token at http:\/\/127\.0\.0\.1:\d+ \(token invalidation failed with HTTP 404 .*\); it was forgotten here$/,
    );
    expect(progress[0]).not.toContain(accessToken);
  });

  it('without invalidateUrl, only forgets locally', async () => {
    sandbox = await startSandbox({ apps: [APP] });
    const lines: string[] = [];
    const provider = createClientCredentialsProvider({
      tokenUrl: sandbox.endpoints.tokenUrl,
      ...APP,
      fetch: createLoggingFetch((line) => lines.push(line)),
    });
    await provider.getToken();
    await provider.logout();
    expect(lines.filter((line) => line.startsWith('→'))).toHaveLength(1); // the token request only
    expect(await provider.peek()).toBeUndefined();
  });
});

describe("simple-oauth2's own debug output (DEBUG=*)", () => {
  it('never prints the client secret, while other debug namespaces stay enabled', async () => {
    const { createRequire } = await import('node:module');
    const { format } = await import('node:util');
    const require = createRequire(import.meta.url);
    const debug = require(require.resolve('debug', { paths: [require.resolve('simple-oauth2')] })) as {
      enable(ns: string): void;
      disable(): string;
      log: (...args: unknown[]) => void;
      enabled(ns: string): boolean;
    };
    const printed: string[] = [];
    const originalLog = debug.log;
    debug.log = (...args: unknown[]) => void printed.push(format(...args));
    debug.enable('*');
    try {
      server = await startServer((_req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"token_type":"bearer","access_token":"AT"}'),
      );
      await against(server.origin).getToken();
      await against(server.origin, { authMethod: 'body' }).getToken();
      const all = printed.join('\n');
      expect(all).not.toContain(APP.clientSecret);
      expect(all).not.toContain(Buffer.from(`${APP.clientId}:${APP.clientSecret}`).toString('base64'));
      expect(debug.enabled('express:router')).toBe(true);
      expect(debug.enabled('simple-oauth2:client')).toBe(false);
    } finally {
      debug.log = originalLog;
      debug.disable();
    }
  });
});
