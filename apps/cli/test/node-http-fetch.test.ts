import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { isRetryableNetworkError, readBodyText } from '@tokensmith/core/kit';
import { nodeHttpFetch } from '../src/http/fetch.js';

// A real loopback server: what the CLI's own fetch sends and how it reads answers is the point.
let server: Server;
let base: string;
let seen: IncomingMessage[];
let handler: (req: IncomingMessage, res: ServerResponse) => void;
beforeEach(async () => {
  seen = [];
  server = createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const manual = { redirect: 'manual' } as const;

describe('nodeHttpFetch (the CLI timeline request over node:http)', () => {
  it('sends the method, the caller headers and fetch-like defaults, and reads status, headers and body', async () => {
    handler = (_req, res) => res.writeHead(201, 'Made', { 'content-type': 'application/json', 'x-twice': ['a', 'b'] }).end('{"ok":true}');
    const response = await nodeHttpFetch(`${base}/x?q=1`, {
      ...manual,
      headers: { Authorization: 'Bearer abc', accept: 'application/json' },
    });
    expect(seen[0]!.url).toBe('/x?q=1');
    expect(seen[0]!.headers).toMatchObject({ authorization: 'Bearer abc', accept: 'application/json', 'accept-encoding': 'gzip, deflate' });
    expect([response.status, response.statusText, response.ok]).toEqual([201, 'Made', true]);
    expect(response.headers.get('Content-Type')).toBe('application/json');
    expect(response.headers.get('x-twice')).toBe('a, b');
    expect(await response.json()).toEqual({ ok: true });
  });

  it('posts a form body with its content type and length', async () => {
    let body = '';
    handler = (req, res) => {
      req.on('data', (chunk: Buffer) => (body += String(chunk)));
      req.on('end', () => res.end('done'));
    };
    const response = await nodeHttpFetch(base, { ...manual, method: 'POST', body: new URLSearchParams({ a: '1', b: 'x y' }) });
    expect(await response.text()).toBe('done');
    expect(body).toBe('a=1&b=x+y');
    expect(seen[0]!.headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', 'content-length': '9' });
  });

  it("reads a whole body through the kit's resource cap: a stream past 4 MiB is cut off, not buffered", async () => {
    let sent = 0;
    let closed = false;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no length to refuse up front
      res.on('close', () => (closed = true));
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (!closed && sent < 64 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
        if (!closed && sent < 64 * 1024 * 1024) res.once('drain', pump);
      };
      pump();
    };
    const response = await nodeHttpFetch(base, manual);
    await expect(response.json()).rejects.toMatchObject({ code: 'response_too_large' });
    // The server was stopped well short of its 64 MiB: the read was cancelled at the cap.
    expect(sent).toBeLessThan(16 * 1024 * 1024);
  });

  it('decodes a gzip body, and the kit reads it through its cap', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('x'.repeat(10_000)));
    const response = await nodeHttpFetch(base, manual);
    expect(await readBodyText(response, { what: 'test', maxBytes: 20_000 })).toBe('x'.repeat(10_000));
  });

  it('returns a redirect as it is under redirect: manual; other requests go to the global fetch, which follows it', async () => {
    handler = (req, res) => (req.url === '/from' ? res.writeHead(302, { location: '/to' }).end() : res.end(`at ${req.url}`));
    const manualResponse = await nodeHttpFetch(`${base}/from`, manual);
    expect([manualResponse.status, manualResponse.headers.get('location')]).toEqual([302, '/to']);
    const followed = await nodeHttpFetch(`${base}/from`);
    expect([followed.status, await followed.text()]).toEqual([200, 'at /to']);
  });

  it('clones: both copies read the whole body', async () => {
    handler = (_req, res) => res.end('same');
    const response = await nodeHttpFetch(base, manual);
    const copy = response.clone();
    expect([await copy.text(), await response.text()]).toEqual(['same', 'same']);
  });

  it('fails like fetch when nothing listens: TypeError fetch failed, the socket error as cause (retryable)', async () => {
    const port = (server.address() as AddressInfo).port;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    const error = (await nodeHttpFetch(`http://127.0.0.1:${port}/`, manual).catch((e: unknown) => e)) as TypeError & {
      cause: { code: string };
    };
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('fetch failed');
    expect(error.cause.code).toBe('ECONNREFUSED');
    expect(isRetryableNetworkError(error)).toBe(true);
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  it('stops with the signal reason, before the answer or while reading the body', async () => {
    handler = () => undefined; // never answers
    const before = new AbortController();
    const pending = nodeHttpFetch(base, { ...manual, signal: before.signal });
    await new Promise<void>((resolve) => server.once('request', () => resolve()));
    const reason = new DOMException('stop', 'TimeoutError');
    before.abort(reason);
    await expect(pending).rejects.toBe(reason);

    handler = (_req, res) => res.writeHead(200).write('partial');
    const during = new AbortController();
    const response = await nodeHttpFetch(base, { ...manual, signal: during.signal });
    const reader = response.body!.getReader();
    await reader.read();
    during.abort(reason);
    await expect(reader.read()).rejects.toBe(reason);
  });

  it('refuses a header value with CR/LF as Headers does, sending nothing', async () => {
    handler = (_req, res) => res.end();
    await expect(nodeHttpFetch(base, { ...manual, headers: { authorization: 'Bearer a\r\nX-Injected: 1' } })).rejects.toBeInstanceOf(
      TypeError,
    );
    expect(seen).toHaveLength(0);
  });
});
