import { createPrivateKey, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { JWT_BEARER_ASSERTION_TYPE, JWT_CLIENTS, SANDBOX_CLIENT_KEYS, startSandbox, type Sandbox } from '../src/index.js';

// The token endpoint's JWT client authentication (RFC 7523 2.2 and 3), with assertions made by
// hand: each rule the sandbox enforces refuses the request with invalid_client and says which.

let sandbox: Sandbox;
let now = Date.UTC(2026, 0, 1);
beforeEach(async () => {
  now = Date.UTC(2026, 0, 1);
  sandbox = await startSandbox({ now: () => now });
});
afterEach(async () => {
  await sandbox.stop();
});

const PK = JWT_CLIENTS.privateKeyJwt.clientId;
const ES256 = SANDBOX_CLIENT_KEYS.es256;

interface Claims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  jti?: string;
}

async function assertion(claims: Claims = {}, options: { alg?: string; key?: 'es256' | 'secret' | 'unregistered'; kid?: string } = {}) {
  const seconds = Math.floor(now / 1000);
  const body = {
    iss: PK,
    sub: PK,
    aud: sandbox.endpoints.tokenUrl,
    iat: seconds,
    exp: seconds + 60,
    jti: randomBytes(12).toString('base64url'),
    ...claims,
  };
  const which = options.key ?? 'es256';
  const key =
    which === 'secret'
      ? new TextEncoder().encode(JWT_CLIENTS.clientSecretJwt.clientSecret)
      : which === 'unregistered'
        ? createPrivateKey(SANDBOX_CLIENT_KEYS.rs256.privateKeyPem)
        : createPrivateKey(ES256.privateKeyPem);
  const alg = options.alg ?? (which === 'secret' ? 'HS256' : which === 'unregistered' ? 'RS256' : 'ES256');
  return new SignJWT(body).setProtectedHeader({ alg, kid: options.kid ?? ES256.kid }).sign(key);
}

async function tokenRequest(jwt: string, extra: Record<string, string> = {}) {
  const response = await fetch(sandbox.endpoints.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
      client_assertion: jwt,
      ...extra,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('JWT client authentication at the sandbox token endpoint', () => {
  it('accepts a fresh private_key_jwt assertion with aud = token endpoint, and one with aud = issuer', async () => {
    expect((await tokenRequest(await assertion())).status).toBe(200);
    expect((await tokenRequest(await assertion({ aud: sandbox.endpoints.issuer }))).status).toBe(200);
  });

  it('refuses a replayed assertion (same jti)', async () => {
    const jwt = await assertion();
    expect((await tokenRequest(jwt)).status).toBe(200);
    expect(await tokenRequest(jwt)).toEqual({
      status: 401,
      body: { error: 'invalid_client', error_description: expect.stringContaining('already used (jti replayed)') },
    });
  });

  it.each<[string, () => Promise<string>, string]>([
    ['expired', () => assertion({ exp: Math.floor(now / 1000) - 60 }), 'has expired'],
    ['wrong aud', () => assertion({ aud: 'https://elsewhere.example/token' }), 'aud must be the token endpoint or the issuer'],
    ['exp too far', () => assertion({ exp: Math.floor(now / 1000) + 3600 }), 'lives too long'],
    ['iss not the client', () => assertion({ iss: 'someone-else' }), 'iss and sub must both be the client_id'],
    ['signed by an unregistered key under a registered kid', () => assertion({}, { key: 'unregistered' }), 'no registered key'],
    ['an HMAC for a private_key_jwt client', () => assertion({}, { key: 'secret' }), 'alg is not one this client may use'],
    ['no jti', () => assertion({ jti: undefined as unknown as string }), 'jti'],
  ])('refuses an assertion that is %s, saying why', async (_name, make, why) => {
    const { status, body } = await tokenRequest(await make());
    expect(status).toBe(401);
    expect(body.error).toBe('invalid_client');
    expect(String(body.error_description)).toContain(why);
  });

  it('refuses a wrong client_assertion_type, and a secret sent with an assertion', async () => {
    const jwt = await assertion();
    const wrongType = await tokenRequest(jwt, { client_assertion_type: 'urn:example:other' });
    expect(wrongType.body).toEqual({
      error: 'invalid_client',
      error_description: `client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}`,
    });
    // Two authentications at once are ambiguous; the client credentials grant answers as Twitter's does.
    const both = await tokenRequest(await assertion(), { client_secret: 'x' });
    expect(both.status).toBe(403);
  });

  it("refuses the JWT clients' secret as a password: a client_secret_jwt client must send an assertion", async () => {
    const response = await fetch(sandbox.endpoints.deviceAuthorizationUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: JWT_CLIENTS.clientSecretJwt.clientId,
        client_secret: JWT_CLIENTS.clientSecretJwt.clientSecret,
      }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: 'invalid_client',
      error_description: 'this client authenticates with client_secret_jwt: send a client_assertion',
    });
  });

  it('advertises both methods and their algorithms in its metadata', async () => {
    const metadata = (await (await fetch(`${sandbox.endpoints.issuer}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      string[]
    >;
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['private_key_jwt', 'client_secret_jwt']));
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256', 'RS256', 'EdDSA', 'HS256']));
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).not.toContain('none');
  });
});
