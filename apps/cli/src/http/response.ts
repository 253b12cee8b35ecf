import { DEFAULT_MAX_RESOURCE_BYTES, readBodyBytes } from '@tokensmith/core/kit';

// The Response a fetch caller reads, without undici: status, statusText, ok, case-insensitive
// headers, a web ReadableStream body read once (text, json, arrayBuffer, bytes) and clone().

/** The response headers, read-only, with the lookups callers use (`get`, `has`, iteration). */
export class ResponseHeaders {
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
export class NodeResponse {
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

  /**
   * The whole body, read through core's capped reader like every remote body tokensmith reads: at
   * most {@link DEFAULT_MAX_RESOURCE_BYTES} (decompressed), past which the read is cancelled (the
   * connection closed) and `response_too_large` thrown. A caller with another cap reads `body` with
   * readBodyBytes/readBodyText itself, as the timeline does.
   */
  async bytes(): Promise<Uint8Array> {
    if (this.bodyUsed) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    const host = URL.canParse(this.url) ? new URL(this.url).host : 'the server';
    return readBodyBytes(this as unknown as Response, {
      what: `response from ${host}`,
      maxBytes: DEFAULT_MAX_RESOURCE_BYTES,
      code: 'response_too_large',
    });
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
