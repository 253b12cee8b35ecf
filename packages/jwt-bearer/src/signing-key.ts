import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TokensmithError } from '@tokensmith/core/kit';

/** The JWS algorithms an assertion may be signed with (RFC 7518 3.1, RFC 8037), by key type. */
export const SIGNING_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

/** A JWS algorithm of {@link SIGNING_ALGS}. */
export type SigningAlg = (typeof SIGNING_ALGS)[number];

/** A private key read once: the key itself (never printed), its default algorithm and its `kid` if the JWK had one. */
export interface SigningKey {
  key: KeyObject;
  alg: SigningAlg;
  keyId?: string | undefined;
}

function invalid(message: string): TokensmithError {
  return new TokensmithError('invalid_options', message);
}

/**
 * The algorithm a key signs with unless told otherwise: RS256 for RSA, ES256/384/512 by the EC
 * curve, EdDSA for Ed25519/Ed448 (RFC 7518 3.1, RFC 8037 3.1).
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from 'node:crypto';
 * defaultSigningAlg(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey); // 'ES256'
 * ```
 */
export function defaultSigningAlg(key: KeyObject): SigningAlg {
  const type = key.asymmetricKeyType;
  if (type === 'rsa' || type === 'rsa-pss') return 'RS256';
  if (type === 'ed25519' || type === 'ed448') return 'EdDSA';
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1' || curve === 'P-256') return 'ES256';
    if (curve === 'secp384r1' || curve === 'P-384') return 'ES384';
    if (curve === 'secp521r1' || curve === 'P-521') return 'ES512';
  }
  throw invalid(`privateKey: a ${type ?? 'symmetric'} key cannot sign an assertion (use an RSA, EC P-256/384/521 or Ed25519 key)`);
}

function algFits(alg: SigningAlg, key: KeyObject): boolean {
  const type = key.asymmetricKeyType;
  if (alg.startsWith('RS') || alg.startsWith('PS')) return type === 'rsa' || type === 'rsa-pss';
  if (alg === 'EdDSA') return type === 'ed25519' || type === 'ed448';
  return type === 'ec' && defaultSigningAlg(key) === alg;
}

/**
 * Reads the private key an assertion is signed with: PEM text (PKCS#8, PKCS#1 or SEC1), a JWK as
 * JSON text, or the path of a file holding either. The algorithm is `signingAlg` when given (it
 * must fit the key), else the key's default; `keyId` is `keyId` when given, else the JWK's `kid`.
 * Errors name the option and never hold the key.
 *
 * @example
 * ```ts
 * const signing = readSigningKey({ privateKey: '/etc/robot/key.pem', keyId: 'robot-2026' });
 * signing.alg; // 'ES256' for a P-256 key
 * ```
 */
export function readSigningKey(options: { privateKey?: unknown; keyId?: unknown; signingAlg?: unknown }): SigningKey {
  if (typeof options.privateKey !== 'string' || options.privateKey.trim() === '')
    throw invalid('privateKey must be a PEM or JWK private key, or the path of a file holding one');
  let text = options.privateKey.trim();
  if (!text.startsWith('-----BEGIN') && !text.startsWith('{')) {
    try {
      text = readFileSync(text, 'utf8').trim();
    } catch (error) {
      throw invalid(`privateKey: the file ${options.privateKey} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  let key: KeyObject;
  let jwkKid: string | undefined;
  try {
    if (text.startsWith('{')) {
      const jwk = JSON.parse(text) as Record<string, unknown>;
      if (typeof jwk.kid === 'string') jwkKid = jwk.kid;
      key = createPrivateKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    } else {
      key = createPrivateKey(text);
    }
  } catch {
    // The parser's message could quote the key material: only the field is named.
    throw invalid('privateKey is not a private key (PEM PKCS#8/PKCS#1/SEC1, or a JWK with its private part)');
  }
  if (key.type !== 'private') throw invalid('privateKey holds a public key: the assertion needs the private key');
  let alg: SigningAlg;
  if (options.signingAlg === undefined) alg = defaultSigningAlg(key);
  else {
    if (!SIGNING_ALGS.includes(options.signingAlg as SigningAlg)) throw invalid(`signingAlg must be one of ${SIGNING_ALGS.join(', ')}`);
    alg = options.signingAlg as SigningAlg;
    if (!algFits(alg, key)) throw invalid(`signingAlg ${alg} does not fit the ${key.asymmetricKeyType ?? ''} key in privateKey`);
  }
  if (options.keyId !== undefined && (typeof options.keyId !== 'string' || options.keyId === ''))
    throw invalid('keyId must be a non-empty string');
  const keyId = options.keyId ?? jwkKid;
  return { key, alg, ...(keyId === undefined ? {} : { keyId }) };
}
