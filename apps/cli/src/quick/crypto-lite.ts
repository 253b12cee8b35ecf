// node:crypto for the quick paths' bundle (scripts/bundle-cli.mjs aliases it there, nowhere else):
// loading node:crypto loads node:stream with it (its cipher streams), ~8 ms of a ~55 ms `node -e 0`,
// while the stored-token path only hashes a few hundred bytes (the config's digest, the store key,
// the endpoint binding). SHA-256 and HMAC-SHA-256 with hex digests are computed here (FIPS 180-4,
// RFC 2104); anything else is the real module, required on first use. The quick paths' tests
// would see a wrong digest: the stored token would not be found and the path would not answer.

type Input = string | Uint8Array;

/** Above this many bytes node:crypto hashes (its ~8 ms load is then less than the JavaScript here). */
const LARGE_INPUT_BYTES = 32 * 1024;

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

function bytesOf(input: Input): Uint8Array {
  return typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
}

/** SHA-256 of `message` (FIPS 180-4, 6.2). */
function sha256(message: Uint8Array): Uint8Array {
  const length = message.length;
  const padded = new Uint8Array((((length + 8) >> 6) + 1) << 6);
  padded.set(message);
  padded[length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(length / 0x20000000));
  view.setUint32(padded.length - 4, (length << 3) >>> 0);
  const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Uint32Array(64);
  const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(offset + t * 4);
    for (let t = 16; t < 64; t++) {
      const s0 = rotr(w[t - 15]!, 7) ^ rotr(w[t - 15]!, 18) ^ (w[t - 15]! >>> 3);
      const s1 = rotr(w[t - 2]!, 17) ^ rotr(w[t - 2]!, 19) ^ (w[t - 2]! >>> 10);
      w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = h as unknown as [number, number, number, number, number, number, number, number];
    for (let t = 0; t < 64; t++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t]! + w[t]!) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    h[0] = (h[0]! + a) >>> 0;
    h[1] = (h[1]! + b) >>> 0;
    h[2] = (h[2]! + c) >>> 0;
    h[3] = (h[3]! + d) >>> 0;
    h[4] = (h[4]! + e) >>> 0;
    h[5] = (h[5]! + f) >>> 0;
    h[6] = (h[6]! + g) >>> 0;
    h[7] = (h[7]! + hh) >>> 0;
  }
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, h[i]!);
  return out;
}

/** HMAC-SHA-256 (RFC 2104, block size 64). */
function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  const block = new Uint8Array(64);
  block.set(key.length > 64 ? sha256(key) : key);
  const inner = new Uint8Array(64 + message.length);
  const outer = new Uint8Array(64 + 32);
  for (let i = 0; i < 64; i++) {
    inner[i] = block[i]! ^ 0x36;
    outer[i] = block[i]! ^ 0x5c;
  }
  inner.set(message, 64);
  outer.set(sha256(inner), 64);
  return sha256(outer);
}

/** A hash object with node:crypto's update/digest shape, buffering its input (the inputs here are small). */
class Digest {
  #parts: Uint8Array[] = [];
  constructor(
    private readonly finish: (message: Uint8Array) => Uint8Array,
    private readonly native: (message: Uint8Array) => Buffer,
  ) {}
  update(data: Input, _encoding?: string): this {
    this.#parts.push(bytesOf(data));
    return this;
  }
  digest(): Buffer;
  digest(encoding: BufferEncoding): string;
  digest(encoding?: BufferEncoding): Buffer | string {
    const message = Buffer.concat(this.#parts);
    // A large input (a config of a thousand providers) hashes faster in node:crypto than loading it costs.
    const result = message.length > LARGE_INPUT_BYTES ? this.native(message) : Buffer.from(this.finish(message));
    return encoding === undefined ? result : result.toString(encoding);
  }
}

let real: typeof import('node:crypto') | undefined;
// Only ever bundled as CommonJS (dist/quick-token.cjs), where require() loads it on first use.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const realCrypto = (): typeof import('node:crypto') => (real ??= require('node:crypto') as typeof import('node:crypto'));

/**
 * `createHash` for SHA-256 without loading node:crypto; any other algorithm goes to node:crypto.
 *
 * @example
 * ```ts
 * createHash('sha256').update('abc', 'utf8').digest('hex'); // 'ba7816bf...'
 * ```
 */
export function createHash(algorithm: string): Digest | import('node:crypto').Hash {
  return algorithm === 'sha256'
    ? new Digest(sha256, (message) => realCrypto().createHash('sha256').update(message).digest())
    : realCrypto().createHash(algorithm);
}

/**
 * `createHmac` for HMAC-SHA-256 without loading node:crypto; anything else goes to node:crypto.
 *
 * @example
 * ```ts
 * createHmac('sha256', 'key').update('message').digest('hex');
 * ```
 */
export function createHmac(algorithm: string, key: Input): Digest | import('node:crypto').Hmac {
  const keyBytes = bytesOf(key);
  return algorithm === 'sha256'
    ? new Digest(
        (message) => hmacSha256(keyBytes, message),
        (message) => realCrypto().createHmac('sha256', keyBytes).update(message).digest(),
      )
    : realCrypto().createHmac(algorithm, keyBytes);
}

/** node:crypto's, loaded on first use. */
export const randomBytes = ((...args: unknown[]) =>
  (realCrypto().randomBytes as (...a: unknown[]) => unknown)(...args)) as typeof import('node:crypto').randomBytes;

/** node:crypto's, loaded on first use. */
export const randomInt = ((...args: unknown[]) =>
  (realCrypto().randomInt as (...a: unknown[]) => unknown)(...args)) as typeof import('node:crypto').randomInt;

// DPoP's proofs and keys (core's dpop.ts): the quick paths never sign, but core's module graph names them.

/** node:crypto's, loaded on first use. */
export const createPrivateKey = ((...args: unknown[]) =>
  (realCrypto().createPrivateKey as (...a: unknown[]) => unknown)(...args)) as typeof import('node:crypto').createPrivateKey;

/** node:crypto's, loaded on first use. */
export const generateKeyPair = ((...args: unknown[]) =>
  (realCrypto().generateKeyPair as (...a: unknown[]) => unknown)(...args)) as typeof import('node:crypto').generateKeyPair;

/** node:crypto's, loaded on first use. */
export const sign = ((...args: unknown[]) =>
  (realCrypto().sign as (...a: unknown[]) => unknown)(...args)) as typeof import('node:crypto').sign;
