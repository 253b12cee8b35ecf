import { createPublicKey, verify } from 'node:crypto';
import {
  accessTokenHash,
  createDPoPProof,
  generateDPoPKey,
  jwkThumbprint,
  proofTarget,
  publicJwkOf,
  isNonceChallenge,
} from '../src/index.js';

// RFC 7638 3.1's example key and thumbprint, RFC 9449 7.1's access token and `ath`.
const RFC7638_KEY = {
  kty: 'RSA',
  n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  e: 'AQAB',
  alg: 'RS256',
  kid: '2011-04-29',
};

describe('RFC test vectors', () => {
  test('RFC 7638 3.1: the JWK thumbprint of the example RSA key', () => {
    expect(jwkThumbprint(RFC7638_KEY)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  test('RFC 9449 7.1: the ath of the example access token', () => {
    expect(accessTokenHash('Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU')).toBe('fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo');
  });
});

describe('DPoP proofs', () => {
  const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

  test('a proof carries typ, alg and the public jwk only; htm, htu without query or fragment, iat, jti, ath, nonce; and verifies', async () => {
    const key = await generateDPoPKey();
    const proof = createDPoPProof(key, {
      method: 'get',
      url: 'https://api.example.com/1.1/x.json?count=5#top',
      accessToken: 'Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU',
      nonce: 'n-1',
      now: 1_700_000_000_123,
    });
    const [header, payload, signature] = proof.split('.') as [string, string, string];
    const head = decode(header);
    expect(head).toEqual({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicJwkOf(key.jwk) });
    expect(JSON.stringify(head)).not.toContain(key.jwk.d!);
    const claims = decode(payload);
    expect(claims).toMatchObject({
      htm: 'GET',
      htu: 'https://api.example.com/1.1/x.json',
      iat: 1_700_000_000,
      ath: 'fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo',
      nonce: 'n-1',
    });
    expect(claims.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const publicKey = createPublicKey({ key: publicJwkOf(key.jwk), format: 'jwk' });
    expect(
      verify(
        'sha256',
        Buffer.from(`${header}.${payload}`),
        { key: publicKey, dsaEncoding: 'ieee-p1363' },
        Buffer.from(signature, 'base64url'),
      ),
    ).toBe(true);
  });

  test('two proofs never share a jti', async () => {
    const key = await generateDPoPKey('ES384');
    const jti = (proof: string) => decode(proof.split('.')[1]!).jti;
    const claims = { method: 'POST', url: 'https://as.example.com/token', now: 0 };
    expect(jti(createDPoPProof(key, claims))).not.toBe(jti(createDPoPProof(key, claims)));
  });

  test('proofTarget drops query and fragment, keeps the path', () => {
    expect(proofTarget('https://a.example/p/q?x=1#f')).toBe('https://a.example/p/q');
  });

  test('a nonce challenge is a 401 with a DPoP use_dpop_nonce error, nothing else', () => {
    const response = (status: number, challenge: string) => new Response(null, { status, headers: { 'www-authenticate': challenge } });
    expect(
      isNonceChallenge(response(401, 'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"')),
    ).toBe(true);
    expect(isNonceChallenge(response(401, 'DPoP error="invalid_token"'))).toBe(false);
    expect(isNonceChallenge(response(400, 'DPoP error="use_dpop_nonce"'))).toBe(false);
  });
});
