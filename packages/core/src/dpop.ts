import { createHash, createPrivateKey, generateKeyPair, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { BearerCredentials, DPoPKey } from './credentials.js';
import { TokensmithError } from './errors.js';
import type { AuthorizeRequest } from './provider.js';

// RFC 9449 (DPoP) and RFC 7638 (JWK thumbprint) for every strategy that binds tokens to a key:
// proofs built with node:crypto (no per-request import of a CryptoKey), the resource servers'
// nonces kept per origin. The token endpoint's proofs come from each strategy's own library.

/** The DPoP signing algorithms tokensmith generates keys for (ECDSA, RFC 7518 3.4). ES256 is the default. */
export const DPOP_ALGORITHMS = ['ES256', 'ES384', 'ES512'] as const;

/** One of {@link DPOP_ALGORITHMS}. */
export type DPoPAlgorithm = (typeof DPOP_ALGORITHMS)[number];

const CURVES: Record<DPoPAlgorithm, { crv: string; hash: string }> = {
  ES256: { crv: 'P-256', hash: 'sha256' },
  ES384: { crv: 'P-384', hash: 'sha384' },
  ES512: { crv: 'P-521', hash: 'sha512' },
};

/** RFC 7638 3.2: the members of each key type that a thumbprint covers, in lexicographic order. */
const THUMBPRINT_MEMBERS: Record<string, readonly string[]> = {
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
  OKP: ['crv', 'kty', 'x'],
};

function isAlgorithm(alg: string): alg is DPoPAlgorithm {
  return (DPOP_ALGORITHMS as readonly string[]).includes(alg);
}

/**
 * The RFC 7638 JWK thumbprint (SHA-256, base64url) of a public (or private: only the public
 * members count) key: what a DPoP-bound token's `cnf.jkt` holds (RFC 9449 6.1).
 *
 * @example
 * ```ts
 * declare const rfc7638Key: { kty: 'RSA'; n: string; e: 'AQAB' }; // RFC 7638 3.1's example key
 * jwkThumbprint(rfc7638Key); // 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'
 * ```
 */
export function jwkThumbprint(jwk: Record<string, unknown>): string {
  const members = THUMBPRINT_MEMBERS[String(jwk.kty)];
  if (!members) throw new TypeError('jwkThumbprint supports EC, RSA and OKP keys');
  const required: Record<string, string> = {};
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== 'string') throw new TypeError(`the JWK lacks its "${name}" member`);
    required[name] = value;
  }
  // JSON.stringify keeps insertion order: the members were added sorted, with no whitespace.
  return createHash('sha256').update(JSON.stringify(required), 'utf8').digest('base64url');
}

/**
 * The `ath` claim of a resource request's proof (RFC 9449 4.2): the base64url SHA-256 of the
 * ASCII access token.
 *
 * @example
 * ```ts
 * accessTokenHash('Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU'); // 'fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo'
 * ```
 */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

/**
 * The `htu` of a proof (RFC 9449 4.2): the request URL without its query and fragment.
 *
 * @example
 * ```ts
 * proofTarget('https://api.example.com/1.1/x.json?count=5#top'); // 'https://api.example.com/1.1/x.json'
 * ```
 */
export function proofTarget(url: string | URL): string {
  const target = new URL(url);
  target.search = '';
  target.hash = '';
  return target.href;
}

/**
 * The public half of a stored key's JWK (what a proof's header carries): the thumbprint members only.
 *
 * @example
 * ```ts
 * const dpopKey = await generateDPoPKey();
 * publicJwkOf(dpopKey.jwk); // { kty: 'EC', crv: 'P-256', x: '...', y: '...' } (no d)
 * ```
 */
export function publicJwkOf(jwk: Record<string, string>): Record<string, string> {
  const members = THUMBPRINT_MEMBERS[jwk.kty ?? ''] ?? [];
  return Object.fromEntries(members.filter((name) => typeof jwk[name] === 'string').map((name) => [name, jwk[name]!]));
}

/** What one proof covers besides its key. */
export interface ProofClaims {
  /** The HTTP method (`htm`). */
  method: string;
  /** The request URL; its query and fragment are dropped (`htu`). */
  url: string | URL;
  /** The access token a resource request presents (`ath`). */
  accessToken?: string;
  /** The server's last `DPoP-Nonce`, when it asked for one. */
  nonce?: string;
  /** Epoch ms for `iat`. */
  now: number;
}

/**
 * A DPoP proof JWT (RFC 9449 4.2) for one request: header `typ: dpop+jwt`, `alg`, the public
 * `jwk`; claims `jti` (random), `htm`, `htu`, `iat`, and `ath`/`nonce` when given.
 *
 * @example
 * ```ts
 * const dpopKey = await generateDPoPKey();
 * const proof = createDPoPProof(dpopKey, { method: 'GET', url: 'https://api.example.com/me', accessToken: token, now: Date.now() });
 * await fetch('https://api.example.com/me', { headers: { authorization: `DPoP ${token}`, dpop: proof } });
 * ```
 */
export function createDPoPProof(key: DPoPKey, claims: ProofClaims): string {
  if (!isAlgorithm(key.alg))
    throw new TokensmithError('config_error', `the stored DPoP key uses ${key.alg}, which tokensmith does not sign with; log in again`);
  const header = { typ: 'dpop+jwt', alg: key.alg, jwk: publicJwkOf(key.jwk) };
  const payload: Record<string, string | number> = {
    jti: randomBytes(16).toString('base64url'),
    htm: claims.method.toUpperCase(),
    htu: proofTarget(claims.url),
    iat: Math.floor(claims.now / 1000),
  };
  if (claims.accessToken !== undefined) payload.ath = accessTokenHash(claims.accessToken);
  if (claims.nonce !== undefined) payload.nonce = claims.nonce;
  const encode = (part: object) => Buffer.from(JSON.stringify(part), 'utf8').toString('base64url');
  const input = `${encode(header)}.${encode(payload)}`;
  const privateKey = createPrivateKey({ key: key.jwk, format: 'jwk' });
  const signature = sign(CURVES[key.alg].hash, Buffer.from(input, 'ascii'), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/**
 * A fresh DPoP key pair from node:crypto, as the JWK the store keeps (strategies on openid-client
 * use its `randomDPoPKeyPair` instead; the stored shape is the same).
 *
 * @example
 * ```ts
 * const key = await createDPoPKey('ES256'); // { alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256', x, y, d } }
 * ```
 */
export async function createDPoPKey(alg: DPoPAlgorithm = 'ES256'): Promise<DPoPKey> {
  const privateKey = await new Promise<KeyObject>((resolve, reject) =>
    generateKeyPair('ec', { namedCurve: CURVES[alg].crv }, (error, _publicKey, key) => (error ? reject(error) : resolve(key))),
  );
  const jwk = privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const kept: Record<string, string> = {};
  for (const name of ['kty', 'crv', 'x', 'y', 'd']) if (typeof jwk[name] === 'string') kept[name] = jwk[name];
  return { alg, jwk: kept };
}

/**
 * Whether a resource server's answer asks for the request again with its nonce (RFC 9449 9): a
 * 401 whose `WWW-Authenticate` has a `DPoP` challenge with `error="use_dpop_nonce"`.
 *
 * @example
 * ```ts
 * isNonceChallenge(new Response(null, { status: 401, headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"' } })); // true
 * ```
 */
export function isNonceChallenge(response: Response): boolean {
  if (response.status !== 401) return false;
  const challenge = response.headers.get('www-authenticate') ?? '';
  return /(^|,)\s*DPoP\b[^]*\berror\s*=\s*"?use_dpop_nonce"?/i.test(challenge);
}

/** What {@link createResourceSigner} gives a provider: its `authorize()` headers and its `observeResponse`. */
export interface ResourceSigner {
  /** `Authorization: Bearer` for a bearer token; `Authorization: DPoP` and a fresh proof for a DPoP-bound one. */
  headers(credentials: BearerCredentials, request: AuthorizeRequest): Record<string, string>;
  /** Keeps the origin's `DPoP-Nonce`; true on a `use_dpop_nonce` challenge (send once more). */
  observeResponse(request: AuthorizeRequest, response: Response): boolean;
}

/**
 * The resource side of DPoP for one provider (RFC 9449 7): proofs with `ath` over the stored key,
 * and each origin's last `DPoP-Nonce` (in memory: a new process is asked once).
 *
 * @example
 * ```ts
 * declare const tokens: TokenManager<BearerCredentials>;
 * const signer = createResourceSigner(Date.now);
 * const authorize = async (request: AuthorizeRequest) => signer.headers(await tokens.get(), request);
 * const observeResponse = (request: AuthorizeRequest, response: Response) => signer.observeResponse(request, response);
 * ```
 */
export function createResourceSigner(now: () => number): ResourceSigner {
  const nonces = new Map<string, string>();
  return {
    headers(credentials, request): Record<string, string> {
      if (credentials.tokenType !== 'DPoP') return { authorization: `Bearer ${credentials.accessToken}` };
      if (!credentials.dpopKey)
        throw new TokensmithError('login_required', 'the stored DPoP-bound token has no key to prove it with; obtain a new token', {
          operation: 'resource',
        });
      const nonce = nonces.get(new URL(request.url).origin);
      const proof = createDPoPProof(credentials.dpopKey, {
        method: request.method,
        url: request.url,
        accessToken: credentials.accessToken,
        now: now(),
        ...(nonce === undefined ? {} : { nonce }),
      });
      return { authorization: `DPoP ${credentials.accessToken}`, dpop: proof };
    },
    observeResponse(request, response) {
      const nonce = response.headers.get('dpop-nonce');
      if (nonce) nonces.set(new URL(request.url).origin, nonce);
      return nonce !== null && isNonceChallenge(response);
    },
  };
}

/**
 * Reads a strategy's `dpop` option: `true` (ES256), `{ alg }`, or off (`false`, absent). Anything
 * else throws `invalid_options` naming the field.
 *
 * @example
 * ```ts
 * readDPoPOption(true); // { alg: 'ES256' }
 * readDPoPOption(undefined); // undefined
 * ```
 */
export function readDPoPOption(value: unknown): { alg: DPoPAlgorithm } | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { alg: 'ES256' };
  const alg = value && typeof value === 'object' ? ((value as { alg?: unknown }).alg ?? 'ES256') : undefined;
  if (typeof alg !== 'string' || !isAlgorithm(alg))
    throw new TokensmithError(
      'invalid_options',
      `dpop must be true, false or { alg: ${DPOP_ALGORITHMS.map((a) => `'${a}'`).join(' | ')} }`,
    );
  return { alg };
}
