import { createHash, createPrivateKey, randomBytes, sign, webcrypto } from 'node:crypto';
import * as oidc from 'openid-client';
import { TokensmithError, type DPoPKey } from '@tokensmith/core/kit';

// RFC 9449 (DPoP) and RFC 7638 (JWK thumbprint), pure where they can be: the proof a resource
// request carries is built here with node:crypto (no per-request import of a CryptoKey); the token
// endpoint's proofs come from openid-client's DPoP handle, over the same stored key.

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
 * A fresh DPoP key pair (openid-client's `randomDPoPKeyPair`), as the JWK the store keeps.
 *
 * @example
 * ```ts
 * const key = await generateDPoPKey('ES256'); // { alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256', x, y, d } }
 * ```
 */
export async function generateDPoPKey(alg: DPoPAlgorithm = 'ES256'): Promise<DPoPKey> {
  const pair = await oidc.randomDPoPKeyPair(alg, { extractable: true });
  const jwk = (await webcrypto.subtle.exportKey('jwk', pair.privateKey)) as Record<string, unknown>;
  const kept: Record<string, string> = {};
  for (const name of ['kty', 'crv', 'x', 'y', 'd']) if (typeof jwk[name] === 'string') kept[name] = jwk[name];
  return { alg, jwk: kept };
}

/**
 * The stored key as the CryptoKeyPair openid-client's DPoP handle signs with (the private key not
 * extractable).
 *
 * @example
 * ```ts
 * declare const config: oidc.Configuration;
 * const dpopKey = await generateDPoPKey();
 * const DPoP = oidc.getDPoPHandle(config, await dpopKeyPair(dpopKey));
 * ```
 */
export async function dpopKeyPair(key: DPoPKey): Promise<CryptoKeyPair> {
  if (!isAlgorithm(key.alg))
    throw new TokensmithError('config_error', `the stored DPoP key uses ${key.alg}, which tokensmith does not sign with; log in again`);
  const algorithm = { name: 'ECDSA', namedCurve: CURVES[key.alg].crv };
  const privateKey = await webcrypto.subtle.importKey('jwk', { ...key.jwk, ext: false } as webcrypto.JsonWebKey, algorithm, false, [
    'sign',
  ]);
  const publicKey = await webcrypto.subtle.importKey('jwk', publicJwkOf(key.jwk) as webcrypto.JsonWebKey, algorithm, true, ['verify']);
  return { privateKey, publicKey };
}
