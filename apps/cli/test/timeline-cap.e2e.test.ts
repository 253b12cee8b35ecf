import { createServer, type Server, type ServerResponse } from 'node:http';
import { createGzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { SANDBOX_ENV, runBinary, sandboxConfig, tempDir, writeConfig } from './helpers.js';

// Issue 17 hole 1 (timeline): a hostile resource server sends a gzip bomb or an endless body. The CLI
// must stop at its cap (counted after decompression), name the error, exit 3, and do it fast with
// bounded memory: the child runs with a 96 MB heap, so reading the body whole would crash it instead.

const MiB = 1024 * 1024;
let sandbox: Sandbox;
let hostile: Server;
let bytesSent = 0;

/** An endless stream of a JSON-looking array, `chunk` bytes at a time, until the client goes away. */
function endless(response: ServerResponse, chunk: Buffer): Readable {
  const source = new Readable({
    read() {
      this.push(chunk);
    },
  });
  response.on('close', () => source.destroy());
  return source;
}

beforeAll(async () => {
  sandbox = await startSandbox();
  hostile = createServer((request, response) => {
    const filler = Buffer.alloc(64 * 1024, 0x20);
    if (request.url?.startsWith('/bomb')) {
      // A gzip bomb: spaces compress ~1000:1, so a few KB on the wire inflate to gigabytes.
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      const gzip = createGzip({ level: 9 });
      gzip.on('data', (c: Buffer) => (bytesSent += c.length));
      endless(response, filler).pipe(gzip).pipe(response);
    } else if (request.url?.startsWith('/declared')) {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(3 * 1024 * MiB) });
      endless(response, filler).pipe(response);
    } else {
      // 3 GB and more, never ending, no Content-Length.
      response.writeHead(200, { 'content-type': 'application/json' });
      endless(response, filler).pipe(response);
    }
  });
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await sandbox.stop();
  hostile.closeAllConnections();
  await new Promise<void>((resolve) => hostile.close(() => resolve()));
});

function config(path: string, maxResponseBytes?: number): string {
  const { port } = hostile.address() as { port: number };
  return sandboxConfig(
    [
      [
        '  app:',
        '    strategy: client-credentials',
        `    tokenUrl: ${sandbox.endpoints.tokenUrl}`,
        `    clientId: ${'${APP_CLIENT_ID}'}`,
        '    clientSecret: ${APP_SECRET}',
        `    timeline: { url: http://127.0.0.1:${port}${path}, user: twitterapi${maxResponseBytes ? `, maxResponseBytes: ${maxResponseBytes}` : ''} }`,
        '',
      ].join('\n'),
    ],
    { store: 'memory' },
  );
}

describe('the timeline body is read through a cap (built binary, hostile local server)', () => {
  it.each([
    ['a gzip bomb', '/bomb', undefined, 4 * MiB],
    ['an endless 3 GB+ stream', '/stream', undefined, 4 * MiB],
    ['a declared 3 GB Content-Length', '/declared', undefined, 4 * MiB],
    ['a stream past a configured 64 KiB cap', '/stream', 64 * 1024, 64 * 1024],
  ])('%s fails fast with a named error and exit 3', async (_name, path, cap, expectedCap) => {
    const dir = tempDir();
    writeConfig(dir, config(path, cap));
    const started = performance.now();
    const { DEMO_CREDENTIALS } = await import('@tokensmith/sandbox');
    const result = await runBinary(['timeline', 'app'], {
      cwd: dir,
      env: {
        ...SANDBOX_ENV,
        APP_CLIENT_ID: DEMO_CREDENTIALS.app.clientId,
        TOKENSMITH_TRUSTED_VARIABLES: 'APP_SECRET,APP_CLIENT_ID',
        NODE_OPTIONS: '--max-old-space-size=96',
      },
    });
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`is larger than ${expectedCap} bytes (after decompression)`);
    expect(result.stderr).toContain('providers.app.timeline.maxResponseBytes');
    expect(result.stdout).toBe('');
  });

  it('the bomb really was one: a few KB on the wire', () => {
    expect(bytesSent).toBeGreaterThan(0);
    expect(bytesSent).toBeLessThan(1 * MiB);
  });
});
