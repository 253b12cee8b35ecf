// Real hostile HTTP servers on 127.0.0.1 for transport tests: they count what they send and
// record when the client closes the connection, so a test can prove a body was cut at the cap
// or a stalled request was abandoned (the socket destroyed), not merely rejected.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createGzip } from 'node:zlib';

export interface SocketRecord {
  /** Bytes the server wrote on this connection, headers included (final once `closed` resolves). */
  bytesWritten: () => number;
  /** Resolves when the connection closes (the client or the server ended it). */
  closed: Promise<void>;
}

export interface TestServer {
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  /** One record per accepted connection, in order. */
  sockets: SocketRecord[];
  /** Requests received (method and url). */
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }>;
  close(): Promise<void>;
}

export async function startServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const sockets: SocketRecord[] = [];
  const open = new Set<Socket>();
  const requests: TestServer['requests'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res);
    });
  });
  server.on('connection', (socket) => {
    open.add(socket);
    let final: number | undefined;
    const closed = new Promise<void>((resolve) =>
      socket.once('close', () => {
        final = socket.bytesWritten;
        open.delete(socket);
        resolve();
      }),
    );
    sockets.push({ bytesWritten: () => final ?? socket.bytesWritten, closed });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    sockets,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Streams `totalBytes` of `fill` in `chunkBytes` chunks with no Content-Length (chunked), honouring backpressure. */
export function streamChunks(
  res: ServerResponse,
  options: { totalBytes: number; chunkBytes: number; headers?: Record<string, string>; fill?: string },
): void {
  res.writeHead(200, { 'content-type': 'application/json', ...options.headers });
  const chunk = Buffer.alloc(options.chunkBytes, options.fill ?? 'a');
  let sent = 0;
  const pump = () => {
    while (sent < options.totalBytes && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  res.on('error', () => undefined);
  pump();
}

/** A gzip bomb: zeros gzipped on the fly (about 1000:1), `compressedBytes` of it at most. */
export function gzipBomb(res: ServerResponse, options: { compressedBytes: number; headers?: Record<string, string> }): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', ...options.headers });
  const gzip = createGzip({ level: 9 });
  const zeros = Buffer.alloc(1024 * 1024, 0x20);
  let compressed = 0;
  gzip.on('data', (data: Buffer) => {
    compressed += data.length;
    if (res.destroyed) return;
    if (!res.write(data)) {
      gzip.pause();
      res.once('drain', () => gzip.resume());
    }
  });
  const feed = () => {
    while (compressed < options.compressedBytes && !res.destroyed) {
      if (!gzip.write(zeros)) return void gzip.once('drain', feed);
    }
    gzip.end(() => res.end());
  };
  res.on('close', () => gzip.destroy());
  res.on('error', () => undefined);
  feed();
}

/** Sends the headers, then one byte every `intervalMs`, forever (until the client leaves). */
export function drip(
  res: ServerResponse,
  intervalMs: number,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): void {
  res.writeHead(200, headers);
  res.flushHeaders();
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    res.write(' ');
  }, intervalMs);
  res.on('close', () => clearInterval(timer));
}
