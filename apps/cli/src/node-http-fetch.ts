// A fetch for the CLI's own requests (the timeline call through createAuthenticatedFetch) over
// node:http and node:https. Node's built-in fetch is undici: its first use costs ~30 ms of CPU
// and, with its llhttp WebAssembly, ~35 MiB of peak memory, which is most of what a stored-token
// `tokensmith timeline` would spend. This client covers the requests that call makes (string or
// URL input, `redirect: 'manual'`, a string/URLSearchParams/bytes body) and hands every other
// request to the global fetch unchanged, so a caller never sees a difference in what it may pass.
//
// What it keeps of fetch: the Response shape (status, statusText, ok, headers.get, a web
// ReadableStream body, text/json/arrayBuffer, clone), gzip/deflate/br decoding, the signal (the
// request and the body reading stop with `signal.reason`), `TypeError: fetch failed` with the
// socket error as `cause` (what isRetryableNetworkError and toTransportError read), and the
// header checks of `Headers` (a value with CR/LF/NUL is a TypeError, nothing is sent).
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import { headerRecord, isValidHeaderValue } from '@tokensmith/core/kit';

/** Statuses whose response has no body (Fetch standard, "null body status"). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
/** A header name is an HTTP token (RFC 9110 5.6.2). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

type FetchInput = string | URL | Request;

/** The request parts this client sends itself; undefined when the global fetch must take it. */
function simpleRequest(
  input: FetchInput,
  init: RequestInit,
): { url: URL; body: Uint8Array | undefined; contentType: string | undefined } | undefined {
  if (typeof input !== 'string' && !(input instanceof URL)) return undefined;
  if (init.redirect !== 'manual') return undefined;
  const url = new URL(input);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password) return undefined;
  const body = init.body;
  if (body === undefined || body === null) return { url, body: undefined, contentType: undefined };
  if (typeof body === 'string') return { url, body: new TextEncoder().encode(body), contentType: 'text/plain;charset=UTF-8' };
  if (body instanceof URLSearchParams)
    return { url, body: new TextEncoder().encode(body.toString()), contentType: 'application/x-www-form-urlencoded;charset=UTF-8' };
  if (body instanceof Uint8Array) return { url, body, contentType: undefined };
  return undefined;
}

/** The response headers, read-only, with the lookups callers use (`get`, `has`, iteration). */
class ResponseHeaders {
  readonly #values = new Map<string, string[]>();

  constructor(raw: string[]) {
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!.toLowerCase();
      const list = this.#values.get(name);
      if (list) list.push(raw[i + 1]!);
      else this.#values.set(name, [raw[i + 1]!]);
    }
  }

  get(name: string): string | null {
    return this.#values.get(name.toLowerCase())?.join(', ') ?? null;
  }

  has(name: string): boolean {
    return this.#values.has(name.toLowerCase());
  }

  getSetCookie(): string[] {
    return [...(this.#values.get('set-cookie') ?? [])];
  }

  forEach(fn: (value: string, name: string, headers: this) => void): void {
    for (const [name, value] of this.entries()) fn(value, name, this);
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of [...this.#values.keys()].sort()) yield [name, this.get(name)!];
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/** A fetch Response over a node stream's bytes. */
class NodeResponse {
  readonly type = 'basic';
  readonly redirected = false;
  #body: ReadableStream<Uint8Array> | null;
  #used = false;

  constructor(
    body: ReadableStream<Uint8Array> | null,
    readonly status: number,
    readonly statusText: string,
    readonly headers: ResponseHeaders,
    readonly url: string,
  ) {
    this.#body = body;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.#body;
  }

  get bodyUsed(): boolean {
    return this.#body !== null && (this.#body.locked || this.#used);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array> {
    if (this.bodyUsed) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    if (!this.#body) return new Uint8Array(0);
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = this.#body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
    }
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return bytes;
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  clone(): NodeResponse {
    if (this.bodyUsed) throw new TypeError('Response.clone: Body has already been consumed.');
    let copy: ReadableStream<Uint8Array> | null = null;
    if (this.#body) [this.#body, copy] = this.#body.tee();
    return new NodeResponse(copy, this.status, this.statusText, this.headers, this.url);
  }
}

/** The decoded body stream of a response (gzip, deflate and br, as fetch decodes them). */
async function decoded(response: IncomingMessage): Promise<Readable> {
  const coding = (response.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (!['gzip', 'x-gzip', 'deflate', 'br'].includes(coding)) return response;
  const zlib = await import('node:zlib');
  // Lenient at the end, as undici is: a body cut short after its last full block still decodes.
  const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const decoder =
    coding === 'br'
      ? zlib.createBrotliDecompress({
          flush: zlib.constants.BROTLI_OPERATION_FLUSH,
          finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
        })
      : coding === 'deflate'
        ? zlib.createInflate(flush)
        : zlib.createGunzip(flush);
  pipeline(response, decoder, () => undefined);
  return decoder;
}

/** A web stream over a node stream, with backpressure; cancelling it destroys the connection. */
function webStream(source: Readable, signal: AbortSignal | undefined): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const onAbort = () => {
        source.destroy();
        controller.error(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      source.on('data', (chunk: Buffer) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) source.pause();
      });
      source.once('end', () => {
        signal?.removeEventListener('abort', onAbort);
        controller.close();
      });
      source.once('error', (error) => {
        signal?.removeEventListener('abort', onAbort);
        if (!signal?.aborted) controller.error(new TypeError('terminated', { cause: error }));
      });
    },
    pull() {
      source.resume();
    },
    cancel() {
      source.destroy();
    },
  });
}

/**
 * A `fetch` for the CLI's own requests: node:http(s) for the plain ones (see the file comment),
 * the global fetch for the rest.
 */
export const nodeHttpFetch = async (input: FetchInput, init: RequestInit = {}): Promise<Response> => {
  const simple = simpleRequest(input, init);
  if (!simple) return globalThis.fetch(input, init);
  const { url, body, contentType } = simple;
  const signal = init.signal ?? undefined;
  signal?.throwIfAborted();
  const headers = headerRecord(init.headers);
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) throw new TypeError(`Headers.append: "${name}" is an invalid header name.`);
    if (!isValidHeaderValue(value)) throw new TypeError(`Headers.append: the value of the ${name} header is invalid.`);
  }
  const defaults: Record<string, string> = {
    accept: '*/*',
    'accept-language': '*',
    'sec-fetch-mode': 'cors',
    'user-agent': 'node',
    'accept-encoding': 'gzip, deflate',
  };
  if (contentType) defaults['content-type'] = contentType;
  const sent: Record<string, string> = { ...defaults, ...headers };
  if (body) sent['content-length'] = String(body.byteLength);
  const method = (init.method ?? 'GET').toUpperCase();
  const send = url.protocol === 'https:' ? (await import('node:https')).request : httpRequest;
  const options: RequestOptions = { method, headers: sent, ...(signal ? { signal } : {}) };
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const request = send(url, options, resolve);
    request.once('error', (error) => reject(signal?.aborted ? (signal.reason as Error) : new TypeError('fetch failed', { cause: error })));
    request.end(body);
  });
  const status = response.statusCode ?? 0;
  const noBody = NULL_BODY_STATUSES.has(status) || method === 'HEAD';
  if (noBody) response.resume();
  const stream = noBody ? null : webStream(await decoded(response), signal);
  return new NodeResponse(
    stream,
    status,
    response.statusMessage ?? '',
    new ResponseHeaders(response.rawHeaders),
    url.href,
  ) as unknown as Response;
};
