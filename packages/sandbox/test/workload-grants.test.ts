import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import {
  DEMO_CREDENTIALS,
  JWT_BEARER_GRANT_TYPE,
  TOKEN_EXCHANGE_GRANT_TYPE,
  mintCiToken,
  registerAssertionKey,
  startSandbox,
  type Sandbox,
} from '../src/index.js';

let clock: number;
let sandbox: Sandbox;
beforeEach(async () => {
  clock = Date.UTC(2026, 0, 1);
  sandbox = await startSandbox({ now: () => clock });
});
afterEach(async () => {
  await sandbox.stop();
});

async function token(params: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(sandbox.endpoints.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: DEMO_CREDENTIALS.oauth2.clientId, ...params }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const JWT = 'urn:ietf:params:oauth:token-type:jwt';
const ACCESS = 'urn:ietf:params:oauth:token-type:access_token';

describe('workload grants', () => {
  it('advertises both grant types in discovery', async () => {
    const metadata = (await (await fetch(`${sandbox.url}/.well-known/oauth-authorization-server`)).json()) as {
      grant_types_supported: string[];
    };
    expect(metadata.grant_types_supported).toEqual(expect.arrayContaining([TOKEN_EXCHANGE_GRANT_TYPE, JWT_BEARER_GRANT_TYPE]));
  });

  it('exchanges a CI token, then the access token it gave (with an actor), answering issued_token_type and a short expires_in', async () => {
    const ci = await mintCiToken(sandbox.state);
    const first = await token({ grant_type: TOKEN_EXCHANGE_GRANT_TYPE, subject_token: ci, subject_token_type: JWT });
    expect(first).toMatchObject({ status: 200, body: { issued_token_type: ACCESS, token_type: 'Bearer', expires_in: 300 } });
    const second = await token({
      grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
      subject_token: first.body.access_token as string,
      subject_token_type: ACCESS,
      actor_token: ci,
      actor_token_type: JWT,
    });
    expect(second.status).toBe(200);
    clock += 301_000;
    const stale = await token({
      grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
      subject_token: first.body.access_token as string,
      subject_token_type: ACCESS,
    });
    expect(stale).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses what RFC 8693 refuses: no subject_token_type, an actor token without its type, another issuer, an unknown audience or resource', async () => {
    const ci = await mintCiToken(sandbox.state);
    expect((await token({ grant_type: TOKEN_EXCHANGE_GRANT_TYPE, subject_token: ci })).body.error).toBe('invalid_request');
    expect(
      (await token({ grant_type: TOKEN_EXCHANGE_GRANT_TYPE, subject_token: ci, subject_token_type: JWT, actor_token: ci })).body.error,
    ).toBe('invalid_request');
    const foreign = await new SignJWT({ sub: 'x', aud: sandbox.url })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(`${sandbox.url}/ci`)
      .setExpirationTime(Math.floor(clock / 1000) + 60)
      .sign(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const signature = await token({ grant_type: TOKEN_EXCHANGE_GRANT_TYPE, subject_token: foreign, subject_token_type: JWT });
    expect(signature.body).toMatchObject({
      error: 'invalid_grant',
      error_description: 'the subject token was refused: its signature does not verify',
    });
    expect(
      (await token({ grant_type: TOKEN_EXCHANGE_GRANT_TYPE, subject_token: ci, subject_token_type: JWT, audience: 'nope' })).body.error,
    ).toBe('invalid_target');
    expect(
      (
        await token({
          grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
          subject_token: ci,
          subject_token_type: JWT,
          resource: 'https://nope.example/',
        })
      ).body.error,
    ).toBe('invalid_target');
  });

  it('JWT bearer: an assertion from a registered key once; exp too far ahead, a missing jti and a replay are refused', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await registerAssertionKey(sandbox.state, { issuer: 'bot', publicKey: publicKey.export({ format: 'jwk' }) });
    const now = Math.floor(clock / 1000);
    const sign = (claims: Record<string, unknown>, exp = now + 60) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer('bot')
        .setSubject('bot')
        .setAudience(sandbox.endpoints.tokenUrl)
        .setExpirationTime(exp)
        .sign(privateKey);
    const assertion = await sign({ jti: 'a1' });
    const ok = await token({ grant_type: JWT_BEARER_GRANT_TYPE, assertion });
    expect(ok).toMatchObject({ status: 200, body: { token_type: 'Bearer', expires_in: 300 } });
    expect((await token({ grant_type: JWT_BEARER_GRANT_TYPE, assertion })).body.error_description).toBe(
      'the assertion jti was already used (replay)',
    );
    expect((await token({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await sign({}) })).body.error).toBe('invalid_grant');
    expect(
      (await token({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await sign({ jti: 'a2' }, now + 7200) })).body.error_description,
    ).toBe('the assertion exp is more than 3600 s ahead');
  });
});
