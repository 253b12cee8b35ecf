import { TokensmithError } from '@tokensmith/core/kit';
import { codeChallengeS256, createCodeVerifier, createPkcePair, isCodeVerifier } from '../src/index.js';

describe('PKCE helpers (RFC 7636)', () => {
  it('computes the Appendix B S256 challenge through the public API', () => {
    expect(codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('creates 43-character base64url verifiers with 256 bits from node:crypto, all different', () => {
    const verifiers = new Set(Array.from({ length: 50 }, () => createCodeVerifier()));
    expect(verifiers.size).toBe(50);
    for (const verifier of verifiers) {
      expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(isCodeVerifier(verifier)).toBe(true);
    }
    expect(createCodeVerifier(96)).toHaveLength(128);
    expect(() => createCodeVerifier(16)).toThrow(TokensmithError);
  });

  it('pairs a verifier with its S256 challenge', () => {
    const pair = createPkcePair();
    expect(pair.codeChallengeMethod).toBe('S256');
    expect(pair.codeChallenge).toBe(codeChallengeS256(pair.codeVerifier));
    expect(pair.codeChallenge).not.toBe(pair.codeVerifier);
  });

  it('refuses malformed verifiers (RFC 7636 4.1) without echoing them', () => {
    for (const bad of ['short-verifier-x', `${'a'.repeat(42)}`, `${'a'.repeat(129)}`, `${'a'.repeat(42)} `, `${'a'.repeat(42)}+`]) {
      expect(isCodeVerifier(bad)).toBe(false);
      let caught: unknown;
      try {
        codeChallengeS256(bad);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TokensmithError);
      expect((caught as TokensmithError).code).toBe('invalid_options');
      expect((caught as Error).message).not.toContain(bad.trim());
    }
    expect(isCodeVerifier('a'.repeat(43))).toBe(true);
    expect(isCodeVerifier(`${'a'.repeat(40)}._~`)).toBe(true);
  });
});
