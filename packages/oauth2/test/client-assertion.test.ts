import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { SANDBOX_CLIENT_KEYS } from '@tokensmith/sandbox';
import {
  CLIENT_ASSERTION_TYPE,
  clientAssertionParams,
  defaultSigningAlg,
  parsePrivateKey,
  readClientAssertion,
} from '../src/client-assertion.js';
import { readClientAuthentication } from '../src/client-options.js';

const NOW = Date.UTC(2026, 0, 1);
const PEM = SANDBOX_CLIENT_KEYS.es256.privateKeyPem;
const JWK = createPrivateKey(PEM).export({ format: 'jwk' }) as Record<string, unknown>;

describe('client assertions (RFC 7523 2.2)', () => {
  it.each([
    ['RSA', SANDBOX_CLIENT_KEYS.rs256.privateKeyPem, 'RS256'],
    ['EC P-256', PEM, 'ES256'],
    ['EC P-384', generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }), 'ES384'],
    ['Ed25519', SANDBOX_CLIENT_KEYS.eddsa.privateKeyPem, 'EdDSA'],
  ])('defaults the algorithm from the key: %s -> %s', (_kind, pem, alg) => {
    expect(defaultSigningAlg(parsePrivateKey(String(pem)))).toBe(alg);
  });

  it('signs iss = sub = client_id, aud, a random jti, iat now and exp 60 s on, with kid and alg in the header', async () => {
    const signer = readClientAssertion({ authMethod: 'private_key_jwt', clientId: 'cli', privateKey: PEM, keyId: 'k1' });
    const first = await signer.clientAssertion('https://as.example/token', NOW);
    const second = await signer.clientAssertion('https://as.example/token', NOW);
    const claims = decodeJwt(first);
    expect(claims).toEqual({
      iss: 'cli',
      sub: 'cli',
      aud: 'https://as.example/token',
      jti: expect.any(String),
      iat: NOW / 1000,
      exp: NOW / 1000 + 60,
    });
    expect(decodeJwt(second).jti).not.toBe(claims.jti);
    expect(decodeProtectedHeader(first)).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'k1' });
    const publicKey = createPublicKey(PEM);
    await expect(jwtVerify(first, publicKey, { currentDate: new Date(NOW) })).resolves.toBeDefined();
  });

  it('takes a JWK (object or JSON text) and its kid', async () => {
    const signer = readClientAssertion({
      authMethod: 'private_key_jwt',
      clientId: 'cli',
      privateKey: JSON.stringify({ ...JWK, kid: 'jwk-kid' }),
    });
    expect(signer.keyId).toBe('jwk-kid');
    expect(readClientAssertion({ authMethod: 'private_key_jwt', clientId: 'cli', privateKey: { ...JWK, kid: 'obj' } }).keyId).toBe('obj');
  });

  it('client_secret_jwt MACs with the secret, HS256 by default; the params name the assertion type', async () => {
    const signer = readClientAssertion({ authMethod: 'client_secret_jwt', clientId: 'cli', clientSecret: 's3cret-value' });
    const params = await clientAssertionParams(signer, 'cli', 'https://as.example', NOW);
    expect(params.client_assertion_type).toBe(CLIENT_ASSERTION_TYPE);
    expect(decodeProtectedHeader(params.client_assertion).alg).toBe('HS256');
    await expect(
      jwtVerify(params.client_assertion, new TextEncoder().encode('s3cret-value'), { currentDate: new Date(NOW) }),
    ).resolves.toBeDefined();
  });

  it.each([
    [{ authMethod: 'private_key_jwt' }, 'needs privateKey'],
    [{ authMethod: 'private_key_jwt', privateKey: 'not a key' }, 'privateKey must be a private key'],
    [{ authMethod: 'private_key_jwt', privateKey: PEM, signingAlg: 'RS256' }, 'signingAlg "RS256" does not fit a P-256 key: use ES256'],
    [{ authMethod: 'private_key_jwt', privateKey: PEM, clientSecret: 'x' }, 'remove clientSecret'],
    [{ authMethod: 'client_secret_jwt' }, 'needs clientSecret'],
    [{ authMethod: 'client_secret_jwt', clientSecret: 'x', signingAlg: 'ES256' }, 'use HS256, HS384, HS512'],
  ] as const)('refuses bad options naming the field: %j', (options, message) => {
    expect(() => readClientAssertion({ clientId: 'cli', ...(options as { authMethod: 'private_key_jwt' }) })).toThrow(message);
  });

  it('never shows the key: not in inspect(), JSON or an error message', () => {
    const signer = readClientAssertion({ authMethod: 'private_key_jwt', clientId: 'cli', privateKey: PEM });
    const shown = `${inspect(signer, { showHidden: false, depth: 5 })} ${JSON.stringify(signer)}`;
    expect(shown).not.toContain(String(JWK.d));
    expect(shown).not.toContain(PEM.split('\n')[1]);
    let message = '';
    try {
      readClientAssertion({ authMethod: 'private_key_jwt', clientId: 'cli', privateKey: PEM.replace('MIG', 'XXX') });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^privateKey must be a private key/);
    expect(message).not.toContain('XXX');
  });

  it('readClientAuthentication: privateKey alone means private_key_jwt; assertion fields refused with the secret methods', () => {
    expect(readClientAuthentication({ clientId: 'cli', privateKey: PEM }).authMethod).toBe('private_key_jwt');
    expect(() => readClientAuthentication({ clientId: 'cli', clientSecret: 's', keyId: 'k' })).toThrow(
      "keyId is only for authMethod 'private_key_jwt' or 'client_secret_jwt'",
    );
  });
});
