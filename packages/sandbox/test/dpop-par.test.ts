import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { DEMO_CREDENTIALS, DPOP_NONCE_TTL_MS, PAR_TTL_SECONDS, REQUEST_URI_PREFIX, oauth2Metadata, parData } from '../src/index.js';
import { FORM, sandboxPerTest } from './support/sandbox-per-test.js';

// DPoP (RFC 9449) and PAR (RFC 9126) at the sandbox's endpoints, on the test clock: proofs made
// with jose here, checked by the sandbox's own jose verification and claim checks.

const CLIENT_ID = DEMO_CREDENTIALS.oauth2.clientId;
const REDIRECT = 'http://127.0.0.1:8123/callback';
const { sandbox, clock } = sandboxPerTest();

interface Key {
  privateKey: CryptoKey;
  jwk: JWK;
}

async function newKey(): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { privateKey, jwk: await exportJWK(publicKey) };
}

function proof(key: Key, claims: { htm: string; htu: string; nonce?: string; ath?: string; iat?: number; jti?: string }, typ = 'dpop+jwt') {
  const { iat = Math.floor(clock.now / 1000), jti = randomBytes(16).toString('base64url'), ...rest } = claims;
  return new SignJWT({ ...rest, iat, jti }).setProtectedHeader({ alg: 'ES256', typ, jwk: key.jwk }).sign(key.privateKey);
}

const ath = (token: string) => createHash('sha256').update(token).digest('base64url');

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeParams(challenge: string): Record<string, string> {
  return {
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT,
    scope: 'tweet.read users.read offline.access',
    state: 'st',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
}

/** Loads the consent page at `url`, approves, returns the code. */
async function approve(url: string): Promise<string> {
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const requestId = /name="request_id" value="([^"]+)"/.exec(await page.text())![1]!;
  const body = new URLSearchParams({
    request_id: requestId,
    action: 'approve',
    username: 'twitterapi',
    password: DEMO_CREDENTIALS.user.password,
  });
  const res = await fetch(sandbox.endpoints.oauth2AuthorizeUrl, { method: 'POST', headers: FORM, body, redirect: 'manual' });
  return new URL(res.headers.get('location')!).searchParams.get('code')!;
}

function tokenRequest(params: Record<string, string>, dpop?: string): Promise<Response> {
  return fetch(sandbox.endpoints.tokenUrl, {
    method: 'POST',
    headers: { ...FORM, ...(dpop ? { dpop } : {}) },
    body: new URLSearchParams({ client_id: CLIENT_ID, ...params }),
  });
}

/** A DPoP-bound login: returns the token response, the key and the last nonce. */
async function boundLogin(key: Key) {
  const { verifier, challenge } = pkce();
  const url = new URL(sandbox.endpoints.oauth2AuthorizeUrl);
  for (const [name, value] of Object.entries(authorizeParams(challenge))) url.searchParams.set(name, value);
  const code = await approve(url.href);
  const params = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier };
  const htu = sandbox.endpoints.tokenUrl;
  const first = await tokenRequest(params, await proof(key, { htm: 'POST', htu }));
  expect(first.status).toBe(400);
  expect(((await first.json()) as { error: string }).error).toBe('use_dpop_nonce');
  const nonce = first.headers.get('dpop-nonce')!;
  expect(nonce).toBeTruthy();
  // The code was not spent by the nonce challenge.
  const second = await tokenRequest(params, await proof(key, { htm: 'POST', htu, nonce }));
  expect(second.status).toBe(200);
  const body = (await second.json()) as { token_type: string; access_token: string; refresh_token: string };
  return { body, nonce: second.headers.get('dpop-nonce') ?? nonce };
}

describe('DPoP at the token endpoint', () => {
  it('demands a nonce, then binds the tokens to the key: token_type DPoP, cnf.jkt in introspection', async () => {
    const key = await newKey();
    const { body } = await boundLogin(key);
    expect(body.token_type).toBe('DPoP');
    const introspection = await fetch(sandbox.endpoints.introspectionUrl, {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({ client_id: CLIENT_ID, token: body.access_token }),
    });
    expect(await introspection.json()).toMatchObject({
      active: true,
      token_type: 'DPoP',
      cnf: { jkt: await calculateJwkThumbprint(key.jwk) },
    });
  });

  it('a bound refresh token needs a proof by the same key', async () => {
    const key = await newKey();
    const { body, nonce } = await boundLogin(key);
    const htu = sandbox.endpoints.tokenUrl;
    const refresh = { grant_type: 'refresh_token', refresh_token: body.refresh_token };
    expect((await tokenRequest(refresh)).status).toBe(400);
    const other = await tokenRequest(refresh, await proof(await newKey(), { htm: 'POST', htu, nonce }));
    expect(other.status).toBe(400);
    expect(((await other.json()) as { error_description: string }).error_description).toMatch(/another key/);
    const same = await tokenRequest(refresh, await proof(key, { htm: 'POST', htu, nonce }));
    expect(same.status).toBe(200);
    expect(((await same.json()) as { token_type: string }).token_type).toBe('DPoP');
  });

  it('refuses a wrong typ, a stale iat, another htu and a replayed jti; an old nonce is asked for again', async () => {
    const key = await newKey();
    const { body, nonce } = await boundLogin(key);
    const htu = sandbox.endpoints.tokenUrl;
    const refresh = { grant_type: 'refresh_token', refresh_token: body.refresh_token };
    const error = async (dpop: string) => {
      const res = await tokenRequest(refresh, dpop);
      expect(res.status).toBe(400);
      return ((await res.json()) as { error: string; error_description: string }).error_description;
    };
    expect(await error(await proof(key, { htm: 'POST', htu, nonce }, 'JWT'))).toMatch(/typ/);
    expect(await error(await proof(key, { htm: 'POST', htu, nonce, iat: Math.floor(clock.now / 1000) - 120 }))).toMatch(/iat/);
    expect(await error(await proof(key, { htm: 'POST', htu: sandbox.endpoints.revocationUrl, nonce }))).toMatch(/htu/);
    const once = await proof(key, { htm: 'POST', htu, nonce });
    const rotated = await tokenRequest(refresh, once);
    expect(rotated.status).toBe(200);
    const next = { grant_type: 'refresh_token', refresh_token: ((await rotated.json()) as { refresh_token: string }).refresh_token };
    const replayed = await tokenRequest(next, once);
    expect(((await replayed.json()) as { error_description: string }).error_description).toMatch(/jti replay/);
    clock.now += DPOP_NONCE_TTL_MS + 1000;
    const stale = await tokenRequest(next, await proof(key, { htm: 'POST', htu, nonce }));
    expect(((await stale.json()) as { error: string }).error).toBe('use_dpop_nonce');
  });
});

describe('DPoP at the resource endpoints', () => {
  it('a bound token works only with the DPoP scheme and a proof by its key with ath; as Bearer it is refused', async () => {
    const key = await newKey();
    const { body, nonce } = await boundLogin(key);
    const url = `${sandbox.url.replace(/\/$/, '')}/2/users/me`;
    const call = async (authorization: string, dpop?: string) => fetch(url, { headers: { authorization, ...(dpop ? { dpop } : {}) } });
    expect((await call(`Bearer ${body.access_token}`)).status).toBe(401);
    const noNonce = await call(`DPoP ${body.access_token}`, await proof(key, { htm: 'GET', htu: url, ath: ath(body.access_token) }));
    expect(noNonce.status).toBe(401);
    expect(noNonce.headers.get('www-authenticate')).toMatch(/^DPoP error="use_dpop_nonce"/);
    const fresh = noNonce.headers.get('dpop-nonce') ?? nonce;
    expect((await call(`DPoP ${body.access_token}`, await proof(key, { htm: 'GET', htu: url, nonce: fresh, ath: 'x' }))).status).toBe(401);
    const ok = await call(
      `DPoP ${body.access_token}`,
      await proof(key, { htm: 'GET', htu: url, nonce: fresh, ath: ath(body.access_token) }),
    );
    expect(ok.status).toBe(200);
  });
});

describe('PAR', () => {
  async function push(params: Record<string, string>): Promise<Response> {
    return fetch(sandbox.endpoints.parUrl, { method: 'POST', headers: FORM, body: new URLSearchParams(params) });
  }
  const authorizeWith = (requestUri: string, clientId: string = CLIENT_ID) => {
    const url = new URL(sandbox.endpoints.oauth2AuthorizeUrl);
    url.searchParams.set('client_id', clientId);
    url.searchParams.set('request_uri', requestUri);
    return url.href;
  };

  it('answers 201 with a request_uri that works once, for its client, before it expires', async () => {
    expect(oauth2Metadata(sandbox.state)).toMatchObject({
      pushed_authorization_request_endpoint: sandbox.endpoints.parUrl,
      require_pushed_authorization_requests: false,
    });
    const pushed = await push(authorizeParams(pkce().challenge));
    expect(pushed.status).toBe(201);
    const { request_uri, expires_in } = (await pushed.json()) as { request_uri: string; expires_in: number };
    expect(request_uri.startsWith(REQUEST_URI_PREFIX)).toBe(true);
    expect(expires_in).toBe(PAR_TTL_SECONDS);
    expect((await fetch(authorizeWith(request_uri, 'another-client'))).status).toBe(400);
    // The wrong client used it up: single use is single use.
    expect((await fetch(authorizeWith(request_uri))).status).toBe(400);

    const second = (await (await push(authorizeParams(pkce().challenge))).json()) as { request_uri: string };
    expect(await approve(authorizeWith(second.request_uri))).toBeTruthy();
    expect((await fetch(authorizeWith(second.request_uri))).status).toBe(400);

    const third = (await (await push(authorizeParams(pkce().challenge))).json()) as { request_uri: string };
    clock.now += (PAR_TTL_SECONDS + 1) * 1000;
    expect((await fetch(authorizeWith(third.request_uri))).status).toBe(400);
  });

  it('refuses a pushed request_uri and an unknown client; when required, refuses unpushed requests', async () => {
    expect((await push({ ...authorizeParams(pkce().challenge), request_uri: `${REQUEST_URI_PREFIX}x` })).status).toBe(400);
    expect((await push({ ...authorizeParams(pkce().challenge), client_id: 'nobody' })).status).toBe(401);
    parData(sandbox.state).required = true;
    expect(oauth2Metadata(sandbox.state).require_pushed_authorization_requests).toBe(true);
    const url = new URL(sandbox.endpoints.oauth2AuthorizeUrl);
    for (const [name, value] of Object.entries(authorizeParams(pkce().challenge))) url.searchParams.set(name, value);
    expect((await fetch(url)).status).toBe(400);
  });
});
