import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertionClaims, defaultSigningAlg, readSigningKey } from '../src/index.js';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = ec.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

describe('readSigningKey', () => {
  it('reads PEM text, a JWK (taking its kid) and a file path; the algorithm comes from the key', () => {
    expect(readSigningKey({ privateKey: pem }).alg).toBe('ES256');
    const jwk = { ...ec.privateKey.export({ format: 'jwk' }), kid: 'k1' };
    expect(readSigningKey({ privateKey: JSON.stringify(jwk) })).toMatchObject({ alg: 'ES256', keyId: 'k1' });
    const dir = mkdtempSync(join(tmpdir(), 'jwt-bearer-'));
    writeFileSync(join(dir, 'key.pem'), pem);
    expect(readSigningKey({ privateKey: join(dir, 'key.pem'), keyId: 'k2' })).toMatchObject({ alg: 'ES256', keyId: 'k2' });
    expect(defaultSigningAlg(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)).toBe('RS256');
    expect(defaultSigningAlg(generateKeyPairSync('ed25519').privateKey)).toBe('EdDSA');
  });

  it('refuses a public key, a wrong algorithm and garbage without quoting the key', () => {
    const publicPem = ec.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(() => readSigningKey({ privateKey: publicPem })).toThrow(/privateKey (holds a public key|is not a private key)/);
    expect(() => readSigningKey({ privateKey: pem, signingAlg: 'RS256' })).toThrow(
      'signingAlg RS256 does not fit the ec key in privateKey',
    );
    const garbage = '-----BEGIN PRIVATE KEY-----\nnot-a-key-SECRETBYTES\n-----END PRIVATE KEY-----';
    let message = '';
    try {
      readSigningKey({ privateKey: garbage });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('privateKey is not a private key');
    expect(message).not.toContain('SECRETBYTES');
    expect(() => readSigningKey({ privateKey: '/nonexistent/key.pem' })).toThrow(
      'privateKey: the file /nonexistent/key.pem cannot be read (ENOENT)',
    );
  });
});

describe('assertionClaims (RFC 7523 3)', () => {
  it('has iss, sub, aud, iat now, a short exp and a fresh jti each time', () => {
    const a = assertionClaims({ issuer: 'bot', subject: 'svc', audience: 'https://as/token', now: 1_700_000_000_500 });
    expect(a).toMatchObject({ iss: 'bot', sub: 'svc', aud: 'https://as/token', iat: 1_700_000_000, exp: 1_700_000_060 });
    expect(a.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(assertionClaims({ issuer: 'bot', subject: 'svc', audience: 'x', now: 0 }).jti).not.toBe(a.jti);
  });
});
