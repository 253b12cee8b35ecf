import { createHash, randomBytes } from 'node:crypto';
import { TokensmithError } from '@tokensmith/core/kit';

/** RFC 7636 4.1: 43 to 128 characters of `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/**
 * A fresh PKCE `code_verifier` (RFC 7636 4.1): `bytes` random bytes from node:crypto, base64url
 * (32 bytes, the default, give 43 characters and 256 bits of entropy). Treat it as a secret.
 *
 * @example
 * ```ts
 * const verifier = createCodeVerifier(); // e.g. 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'
 * ```
 */
export function createCodeVerifier(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 32 || bytes > 96)
    throw new TokensmithError('invalid_options', 'bytes must be an integer from 32 to 96 (RFC 7636 4.1)');
  return randomBytes(bytes).toString('base64url');
}

/**
 * Whether a string is a well-formed `code_verifier` (RFC 7636 4.1).
 *
 * @example
 * ```ts
 * isCodeVerifier('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'); // true
 * isCodeVerifier('too-short'); // false
 * ```
 */
export function isCodeVerifier(value: unknown): value is string {
  return typeof value === 'string' && VERIFIER.test(value);
}

/**
 * The S256 `code_challenge` of a verifier: `BASE64URL(SHA256(ASCII(code_verifier)))` (RFC 7636 4.2).
 * Throws `invalid_options` (without echoing the value) when the verifier is malformed.
 *
 * @example
 * ```ts
 * // RFC 7636 Appendix B
 * codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'); // 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
 * ```
 */
export function codeChallengeS256(codeVerifier: string): string {
  if (!isCodeVerifier(codeVerifier))
    throw new TokensmithError('invalid_options', 'codeVerifier must be 43-128 characters of [A-Za-z0-9._~-] (RFC 7636 4.1)');
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}

/**
 * A PKCE pair for one authorization request: a fresh verifier and its S256 challenge.
 *
 * @example
 * ```ts
 * const { codeVerifier, codeChallenge, codeChallengeMethod } = createPkcePair();
 * url.searchParams.set('code_challenge', codeChallenge);
 * url.searchParams.set('code_challenge_method', codeChallengeMethod); // 'S256'
 * ```
 */
export function createPkcePair(): { codeVerifier: string; codeChallenge: string; codeChallengeMethod: 'S256' } {
  const codeVerifier = createCodeVerifier();
  return { codeVerifier, codeChallenge: codeChallengeS256(codeVerifier), codeChallengeMethod: 'S256' };
}
