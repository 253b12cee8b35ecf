import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import {
  DEFAULT_TIMEOUT_MS,
  MAX_AUTH_RESPONSE_BYTES,
  TokensmithError,
  limitResponseBody,
  readBodyText,
  resolveTimeoutMs,
  timeoutSignal,
  toTransportError,
} from '../src/kit.js';
import { drip, gzipBomb, startServer, streamChunks, type TestServer } from './support/hostile-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The response with its body re-streamed through a pull counter: what the reader was given, chunk by chunk. */
function countingResponse(response: Response) {
  const yielded = { total: 0, largest: 0 };
  const source = response.body!.getReader();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await source.read();
        if (done) return controller.close();
        yielded.total += value.byteLength;
        yielded.largest = Math.max(yielded.largest, value.byteLength);
        controller.enqueue(value);
      },
      cancel: (reason) => source.cancel(reason),
    },
    { highWaterMark: 0 },
  );
  return { counted: new Response(body, { status: response.status, headers: response.headers }), yielded };
}

async function rejection(promise: Promise<unknown>): Promise<TokensmithError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokensmithError);
  return error as TokensmithError;
}

describe('readBodyText: one streaming cap', () => {
  it('refuses a 1 MiB chunked body with no Content-Length after at most the cap plus one chunk, and closes the connection', async () => {
    server = await startServer((_req, res) => streamChunks(res, { totalBytes: 1024 * 1024, chunkBytes: 16 * 1024 }));
    const response = await fetch(`${server.origin}/token`);
    expect(response.headers.get('content-length')).toBeNull();
    const { counted, yielded } = countingResponse(response);
    const error = await rejection(readBodyText(counted, { what: 'token response' }));
    expect(error.code).toBe('invalid_token_response');
    expect(error.message).toBe(
      `token response (HTTP 200) is larger than ${MAX_AUTH_RESPONSE_BYTES} bytes; nothing past the limit was read`,
    );
    expect(yielded.total - yielded.largest).toBeLessThanOrEqual(MAX_AUTH_RESPONSE_BYTES);
    expect(yielded.total).toBeLessThan(1024 * 1024);
    await server.sockets[0]!.closed; // the client hung up
  });

  it('hangs up on a huge chunked body: the server cannot write it all', async () => {
    const total = 256 * 1024 * 1024;
    server = await startServer((_req, res) => streamChunks(res, { totalBytes: total, chunkBytes: 64 * 1024 }));
    await rejection(readBodyText(await fetch(`${server.origin}/token`), { what: 'token response' }));
    await server.sockets[0]!.closed;
    expect(server.sockets[0]!.bytesWritten()).toBeLessThan(total / 4);
  });

  it('limitResponseBody (for libraries that read bodies themselves) also hangs up at the cap', async () => {
    const total = 256 * 1024 * 1024;
    server = await startServer((_req, res) => streamChunks(res, { totalBytes: total, chunkBytes: 64 * 1024 }));
    const response = await limitResponseBody(fetch)(`${server.origin}/token`);
    await expect(response.text()).rejects.toMatchObject({ code: 'invalid_token_response' });
    await server.sockets[0]!.closed;
    expect(server.sockets[0]!.bytesWritten()).toBeLessThan(total / 4);
  });

  it('passes a body under the cap through, whole', async () => {
    server = await startServer((_req, res) => streamChunks(res, { totalBytes: 4 * 1024, chunkBytes: 1024 }));
    const text = await readBodyText(await fetch(`${server.origin}/`), { what: 'token response' });
    expect(text).toBe('a'.repeat(4096));
  });

  it('refuses a gzip bomb (2 MB compressed, ~2 GB inflated) cheaply, counting inflated bytes', async () => {
    server = await startServer((_req, res) => gzipBomb(res, { compressedBytes: 2_000_000 }));
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const response = await fetch(`${server.origin}/bomb`);
    const error = await rejection(readBodyText(response, { what: 'timeline response', maxBytes: 1024 * 1024, code: 'response_too_large' }));
    expect(error.code).toBe('response_too_large');
    await server.sockets[0]!.closed;
    expect(server.sockets[0]!.bytesWritten()).toBeLessThan(2_000_000);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over the cap without reading', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
      res.write('x'.repeat(1024));
    });
    const error = await rejection(readBodyText(await fetch(`${server.origin}/`), { what: 'token response', maxBytes: 1024 }));
    expect(error.message).toContain('is larger than 1024 bytes');
  });
});

describe('toTransportError', () => {
  it('names the endpoint, the field and the next step for a refused connection (a real closed port)', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const url = `http://127.0.0.1:${port}/oauth2/token`;
    const raw = await fetch(url).catch((e: unknown) => e);
    const error = toTransportError(raw, { what: 'token request', operation: 'token_request', endpoint: url, field: 'tokenUrl' });
    expect(error.code).toBe('network_error');
    expect(error.message).toBe(`token request failed: connection to ${url} refused: is the server running? check tokenUrl`);
    expect(error).toMatchObject({ operation: 'token_request', endpoint: url });
  });

  it('reports a reset when the server drops the connection mid-response', async () => {
    server = await startServer((req) => req.socket.destroy());
    const url = `${server.origin}/token`;
    const raw = await fetch(url).catch((e: unknown) => e);
    const error = toTransportError(raw, { what: 'token request', operation: 'token_request', endpoint: url });
    expect(error.code).toBe('network_error');
    expect(error.message).toBe(
      `token request failed: the connection to ${url} was closed or reset (UND_ERR_SOCKET): try again; if it persists, check the URL (is it the right port and scheme?)`,
    );
  });

  it('turns a dripping server into `timeout` within the timeout, the socket destroyed', async () => {
    server = await startServer((_req, res) => drip(res, 100));
    const url = `${server.origin}/token`;
    const signal = timeoutSignal(400);
    const started = performance.now();
    const error = await (async () => {
      try {
        const response = await fetch(url, { signal });
        await readBodyText(response, { what: 'token response' });
        return undefined;
      } catch (e) {
        return toTransportError(e, { what: 'token request', operation: 'token_request', endpoint: url, signal, timeoutMs: 400 });
      }
    })();
    expect(error?.code).toBe('timeout');
    expect(error?.message).toBe(
      `token request to ${url} timed out after 400 ms: the server is slow or not answering; try again, or raise timeoutMs`,
    );
    await server.sockets[0]!.closed;
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it.each([
    [
      { code: 'ENOTFOUND' },
      'network_error',
      'token request failed: host auth.example.com not found (DNS) for https://auth.example.com/token: check tokenUrl',
    ],
    [{ code: 'EAI_AGAIN' }, 'network_error', 'DNS lookup of auth.example.com failed for now'],
    [
      { code: 'CERT_HAS_EXPIRED' },
      'network_error',
      "TLS with https://auth.example.com/token failed (CERT_HAS_EXPIRED): check the server's certificate, or that tokenUrl uses https:// on a TLS port",
    ],
    [
      { code: 'ERR_SSL_WRONG_VERSION_NUMBER' },
      'network_error',
      'TLS with https://auth.example.com/token failed (ERR_SSL_WRONG_VERSION_NUMBER)',
    ],
    [{ code: 'EHOSTUNREACH' }, 'network_error', 'https://auth.example.com/token is unreachable (EHOSTUNREACH)'],
    [{ code: 'UND_ERR_CONNECT_TIMEOUT' }, 'timeout', 'timed out (UND_ERR_CONNECT_TIMEOUT)'],
    [{ name: 'TimeoutError' }, 'timeout', 'timed out'],
    [{ name: 'AbortError' }, 'aborted', 'was aborted'],
    // wreck's shapes: Boom 504 on its own timeout, Boom 502 keeping the socket error in `data`.
    [{ isBoom: true, output: { statusCode: 504 } }, 'timeout', 'timed out'],
    [
      { isBoom: true, output: { statusCode: 502 }, data: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) },
      'network_error',
      'connection to https://auth.example.com/token refused',
    ],
  ])('maps %j by shape (fetch wraps it as the cause)', (shape, code, fragment) => {
    const wrapped = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('x'), shape) });
    const error = toTransportError(wrapped, {
      what: 'token request',
      operation: 'token_request',
      endpoint: 'https://auth.example.com/token',
      field: 'tokenUrl',
    });
    expect(error.code).toBe(code);
    expect(error.message).toContain(fragment);
  });

  it('reads the parts of an AggregateError (happy eyeballs: one error per address)', () => {
    const parts = [
      Object.assign(new Error('connect ECONNREFUSED ::1:9'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
    ];
    const wrapped = Object.assign(new TypeError('fetch failed'), { cause: new AggregateError(parts) });
    const error = toTransportError(wrapped, {
      what: 'token request',
      operation: 'token_request',
      endpoint: 'http://localhost:9/token',
      field: 'tokenUrl',
    });
    expect(error.message).toBe(
      'token request failed: connection to http://localhost:9/token refused: is the server running? check tokenUrl',
    );
  });

  it('never copies a foreign message: a header error quoting a token leaves no trace', () => {
    const foreign = new TypeError('Headers.set: "Bearer SECRET-AT\r\n" is an invalid header value.');
    const error = toTransportError(foreign, {
      what: 'GET request',
      operation: 'resource',
      endpoint: 'https://api.example.com/x?access_token=SECRET-Q',
    });
    expect(error.message).not.toContain('SECRET');
    expect(inspect(error, { depth: 10 })).not.toContain('SECRET');
    expect(JSON.stringify(error)).not.toContain('SECRET');
    expect(error).toMatchObject({ operation: 'resource', endpoint: 'https://api.example.com/x' });
  });

  it('passes a TokensmithError through unchanged', () => {
    const original = new TokensmithError('invalid_token_response', 'x');
    expect(toTransportError(original, { what: 'op', operation: 'resource', endpoint: 'https://a.example' })).toBe(original);
  });
});

describe('resolveTimeoutMs: one rule for every strategy', () => {
  it('defaults to DEFAULT_TIMEOUT_MS and keeps a valid value', () => {
    expect(resolveTimeoutMs({})).toBe(DEFAULT_TIMEOUT_MS);
    expect(resolveTimeoutMs({ timeoutMs: 1 })).toBe(1);
  });
  it.each([0, -1, 1.5, Number.NaN, Infinity, 2 ** 31, '100'])('refuses %p, naming the field', (timeoutMs) => {
    expect(() => resolveTimeoutMs({ timeoutMs } as { timeoutMs: number })).toThrow(
      /^timeoutMs must be a whole number of milliseconds from 1 to 2147483647/,
    );
  });
});
