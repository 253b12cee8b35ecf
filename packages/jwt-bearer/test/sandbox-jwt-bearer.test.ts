import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { SignJWT } from 'jose';
import { MemoryStore, OAuthResponseError } from '@tokensmith/core/kit';
import { DEMO_CREDENTIALS, registerAssertionKey, startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { createJwtBearerProvider, type JwtBearerOptions } from '../src/index.js';

let clock: number;
let sandbox: Sandbox;
const robot = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = robot.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

beforeEach(async () => {
  clock = Date.UTC(2026, 0, 1);
  sandbox = await startSandbox({ now: () => clock });
  await registerAssertionKey(sandbox.state, { issuer: 'deploy-bot', publicKey: robot.publicKey, subjects: ['deploy-bot', 'svc-a'] });
});
afterEach(async () => {
  await sandbox.stop();
});

function provider(overrides: Partial<JwtBearerOptions>) {
  return createJwtBearerProvider({
    tokenUrl: sandbox.endpoints.tokenUrl,
    clientId: DEMO_CREDENTIALS.oauth2.clientId,
    claims: { issuer: 'deploy-bot' },
    store: new MemoryStore(),
    now: () => clock,
    ...overrides,
  });
}

describe('JWT bearer against the sandbox', () => {
  it('signs an assertion (aud = the token endpoint, a fresh jti each time), caches the token, renews it on expiry', async () => {
    const p = provider({ privateKey: pem });
    const first = await p.getToken();
    expect(first.accessToken).toMatch(/^wl-/);
    await p.getToken();
    expect(sandbox.stats.jwtBearerGrants).toBe(1);
    clock += 301_000;
    const second = await p.getToken();
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(sandbox.stats.jwtBearerGrants).toBe(2);
    expect(inspect(p)).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(p)).toContain('signed here (ES256)');
  });

  it('sends a ready-made assertion from a variable; the same one twice is a replay the sandbox refuses', async () => {
    const now = Math.floor(clock / 1000);
    const assertion = await new SignJWT({ jti: 'one' })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer('deploy-bot')
      .setSubject('svc-a')
      .setAudience(sandbox.endpoints.tokenUrl)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(robot.privateKey);
    const env = { ROBOT_ASSERTION: assertion };
    expect((await provider({ assertion: { env: 'ROBOT_ASSERTION' }, claims: undefined, env }).getToken()).accessToken).toMatch(/^wl-/);
    const replay = await provider({ assertion: { env: 'ROBOT_ASSERTION' }, claims: undefined, env })
      .getToken()
      .catch((error: unknown) => error);
    expect(replay).toBeInstanceOf(OAuthResponseError);
    expect(replay).toMatchObject({ error: 'invalid_grant', operation: 'token_request' });
    expect((replay as Error).message).toContain('jti was already used');
    expect((replay as Error).message).not.toContain(assertion);
  });

  it('is refused with invalid_grant for a key the server does not know, a wrong subject or a wrong audience', async () => {
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    for (const overrides of [
      { privateKey: stranger },
      { privateKey: pem, claims: { issuer: 'deploy-bot', subject: 'root' } },
      { privateKey: pem, claims: { issuer: 'deploy-bot', audience: 'https://elsewhere.example/token' } },
      { privateKey: pem, claims: { issuer: 'nobody' } },
    ]) {
      const refused = await provider(overrides)
        .getToken()
        .catch((error: unknown) => error);
      expect(refused).toMatchObject({ error: 'invalid_grant', status: 400 });
    }
  });

  it('takes exactly one of assertion and privateKey', () => {
    expect(() => provider({ claims: undefined })).toThrow('give exactly one of assertion');
    expect(() => provider({ privateKey: pem, assertion: { env: 'A' } })).toThrow('give exactly one of assertion');
    expect(() => provider({ assertion: { env: 'A' }, claims: undefined, keyId: 'k' })).toThrow('keyId applies only with privateKey');
    expect(() => provider({ assertion: { env: 'A' } })).toThrow('claims applies only with privateKey');
  });
});
