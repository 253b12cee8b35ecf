import { createHash, createPublicKey, randomBytes, verify, type JsonWebKey } from 'node:crypto';
import { DEMO_CREDENTIALS, redirectUriMatches } from '../src/index.js';
import { FORM, sandboxPerTest } from './support/sandbox-per-test.js';

const CLIENT_ID = DEMO_CREDENTIALS.oauth2.clientId;
const REDIRECT = 'http://127.0.0.1:8123/callback';

const { sandbox, clock } = sandboxPerTest();

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(params: Record<string, string | undefined>): string {
  const url = new URL(sandbox.endpoints.oauth2AuthorizeUrl);
  const all: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT,
    scope: 'tweet.read users.read offline.access',
    state: 'st-123',
    code_challenge_method: 'S256',
    ...params,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) url.searchParams.set(k, v);
  return url.href;
}

/** Plays the browser: loads the consent page and submits it. Returns the POST response (not followed). */
async function consent(url: string, form: Record<string, string> = {}): Promise<Response> {
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const html = await page.text();
  const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
  expect(requestId).toBeDefined();
  const body = new URLSearchParams({
    request_id: requestId!,
    action: 'approve',
    username: 'twitterapi',
    password: DEMO_CREDENTIALS.user.password,
    ...form,
  });
  return fetch(sandbox.endpoints.oauth2AuthorizeUrl, { method: 'POST', headers: FORM, body, redirect: 'manual' });
}

async function approvedCode(challenge: string, params: Record<string, string | undefined> = {}): Promise<URL> {
  const res = await consent(authorizeUrl({ code_challenge: challenge, ...params }));
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

function token(params: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(sandbox.endpoints.tokenUrl, { method: 'POST', headers: { ...FORM, ...headers }, body: new URLSearchParams(params) });
}

async function exchange(code: string, verifier: string, redirectUri = REDIRECT): Promise<Response> {
  return token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: CLIENT_ID });
}

const timeline = (accessToken: string) =>
  fetch(`${sandbox.endpoints.timelineUrl}?count=1`, { headers: { authorization: `Bearer ${accessToken}` } });

describe('sandbox: authorization endpoint', () => {
  it('shows an accessible login + consent page with the app name and every scope, and no external assets', async () => {
    const res = await fetch(authorizeUrl({ code_challenge: pkce().challenge }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('tokensmith demo CLI');
    for (const scope of ['tweet.read', 'users.read', 'offline.access']) expect(html).toContain(`<code>${scope}</code>`);
    expect(html).toContain('<label for="username">Username</label>');
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).toMatch(/<button[^>]*value="approve">Approve<\/button>/);
    expect(html).toMatch(/<button[^>]*value="deny"[^>]*>Deny<\/button>/);
    expect(html).not.toMatch(/\s(src|href)=/);
  });

  it('redirects an approval with code, state and iss (RFC 9207), and a denial with access_denied', async () => {
    const location = await approvedCode(pkce().challenge);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get('code')).toMatch(/^[\w-]{40,}$/);
    expect(location.searchParams.get('state')).toBe('st-123');
    expect(location.searchParams.get('iss')).toBe(sandbox.endpoints.issuer);

    const denied = await consent(authorizeUrl({ code_challenge: pkce().challenge, state: 'st-deny' }), {
      action: 'deny',
      username: '',
      password: '',
    });
    expect(denied.status).toBe(302);
    const params = new URL(denied.headers.get('location')!).searchParams;
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe('st-deny');
    expect(params.get('iss')).toBe(sandbox.endpoints.issuer);
    expect(params.has('code')).toBe(false);
  });

  it('answers a wrong password with the form again (401, alert) and then accepts the right one', async () => {
    const page = await (await fetch(authorizeUrl({ code_challenge: pkce().challenge }))).text();
    const requestId = /name="request_id" value="([^"]+)"/.exec(page)![1]!;
    const wrong = await fetch(sandbox.endpoints.oauth2AuthorizeUrl, {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({ request_id: requestId, action: 'approve', username: 'twitterapi', password: 'nope' }),
      redirect: 'manual',
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('role="alert"');
    const right = await fetch(sandbox.endpoints.oauth2AuthorizeUrl, {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({
        request_id: requestId,
        action: 'approve',
        username: 'twitterapi',
        password: DEMO_CREDENTIALS.user.password,
      }),
      redirect: 'manual',
    });
    expect(right.status).toBe(302);
    const again = await fetch(sandbox.endpoints.oauth2AuthorizeUrl, {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({
        request_id: requestId,
        action: 'approve',
        username: 'twitterapi',
        password: DEMO_CREDENTIALS.user.password,
      }),
      redirect: 'manual',
    });
    expect(again.status).toBe(400);
  });

  it('never redirects to an unregistered redirect_uri; a loopback IP may change only its port (RFC 8252 7.3)', async () => {
    const { challenge } = pkce();
    for (const redirectUri of [
      'http://127.0.0.1:8123/other',
      'http://localhost:8123/callback',
      'https://127.0.0.1/callback',
      'http://127.0.0.1:8123/callback/',
      undefined,
    ]) {
      const res = await fetch(authorizeUrl({ code_challenge: challenge, redirect_uri: redirectUri }), { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('Invalid redirect URI');
    }
    expect((await fetch(authorizeUrl({ code_challenge: challenge, client_id: 'nobody' }), { redirect: 'manual' })).status).toBe(400);
    for (const port of ['', ':1', ':65535']) {
      expect((await fetch(authorizeUrl({ code_challenge: challenge, redirect_uri: `http://127.0.0.1${port}/callback` }))).status).toBe(200);
    }
    expect(redirectUriMatches('http://127.0.0.1/callback', 'http://127.0.0.1:9/callback?x=1')).toBe(false);
    expect(redirectUriMatches('https://app.example.com/cb', 'https://app.example.com:444/cb')).toBe(false);
  });

  it('requires PKCE with S256: plain, a missing method or a missing challenge are refused by redirect', async () => {
    const { verifier, challenge } = pkce();
    const cases: Array<[Record<string, string | undefined>, RegExp]> = [
      [{ code_challenge: verifier, code_challenge_method: 'plain' }, /plain is not accepted/],
      [{ code_challenge: challenge, code_challenge_method: undefined }, /must be S256/],
      [{ code_challenge: undefined }, /code_challenge is required/],
      [{ code_challenge: 'short' }, /43 characters/],
    ];
    for (const [params, description] of cases) {
      const res = await fetch(authorizeUrl(params), { redirect: 'manual' });
      expect(res.status).toBe(302);
      const query = new URL(res.headers.get('location')!).searchParams;
      expect(query.get('error')).toBe('invalid_request');
      expect(query.get('error_description')).toMatch(description);
      expect(query.get('state')).toBe('st-123');
    }
  });

  it('refuses another response_type and unknown scopes', async () => {
    const { challenge } = pkce();
    const token = await fetch(authorizeUrl({ code_challenge: challenge, response_type: 'token' }), { redirect: 'manual' });
    expect(new URL(token.headers.get('location')!).searchParams.get('error')).toBe('unsupported_response_type');
    const scope = await fetch(authorizeUrl({ code_challenge: challenge, scope: 'tweet.read admin' }), { redirect: 'manual' });
    expect(new URL(scope.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
  });
});

describe('sandbox: authorization_code and refresh_token grants', () => {
  it('issues tokens the timeline accepts, and an RS256 ID token with the nonce that verifies against /oauth2/jwks', async () => {
    const { verifier, challenge } = pkce();
    const location = await approvedCode(challenge, { scope: 'openid profile tweet.read', nonce: 'n-0S6_WzA2Mj' });
    const res = await exchange(location.searchParams.get('code')!, verifier);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, string | number>;
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 7200, scope: 'openid profile tweet.read' });
    expect((await timeline(String(body.access_token))).status).toBe(200);

    const [header, payload, signature] = String(body.id_token).split('.') as [string, string, string];
    const { keys } = (await (await fetch(new URL('/oauth2/jwks', sandbox.url))).json()) as { keys: Array<JsonWebKey & { kid: string }> };
    const jwk = keys[0]!;
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT', kid: jwk.kid });
    const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
    expect(verify('sha256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
    expect(verify('sha256', Buffer.from(`${header}.${payload}x`), publicKey, Buffer.from(signature, 'base64url'))).toBe(false);
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({
      iss: sandbox.endpoints.issuer,
      aud: CLIENT_ID,
      sub: DEMO_CREDENTIALS.user.userId,
      nonce: 'n-0S6_WzA2Mj',
      iat: Math.floor(clock.now / 1000),
    });
  });

  it('issues no ID token without openid', async () => {
    const { verifier, challenge } = pkce();
    const location = await approvedCode(challenge);
    const body = (await (await exchange(location.searchParams.get('code')!, verifier)).json()) as Record<string, unknown>;
    expect(body.access_token).toBeDefined();
    expect(body).not.toHaveProperty('id_token');
  });

  it('refuses a wrong code_verifier, and the code is burned by the attempt', async () => {
    const { verifier, challenge } = pkce();
    const code = (await approvedCode(challenge)).searchParams.get('code')!;
    const wrong = await exchange(code, pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/code_verifier/) });
    expect((await exchange(code, verifier)).status).toBe(400);
  });

  it('refuses a redirect_uri that differs from the authorization request, even by port', async () => {
    const { verifier, challenge } = pkce();
    const code = (await approvedCode(challenge)).searchParams.get('code')!;
    const res = await exchange(code, verifier, 'http://127.0.0.1:8124/callback');
    expect(await res.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/redirect_uri/) });
  });

  it('refuses a code older than 60 s (sandbox clock)', async () => {
    const { verifier, challenge } = pkce();
    const code = (await approvedCode(challenge)).searchParams.get('code')!;
    clock.now += 60_001;
    const res = await exchange(code, verifier);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/expired/) });
  });

  it('refuses a reused code and revokes the tokens issued from it', async () => {
    const { verifier, challenge } = pkce();
    const code = (await approvedCode(challenge)).searchParams.get('code')!;
    const first = (await (await exchange(code, verifier)).json()) as { access_token: string; refresh_token: string };
    expect((await timeline(first.access_token)).status).toBe(200);
    const second = await exchange(code, verifier);
    expect(await second.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/already used/) });
    expect((await timeline(first.access_token)).status).toBe(401);
    const refresh = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: CLIENT_ID });
    expect(refresh.status).toBe(400);
  });

  it('rotates refresh tokens: the old one is invalid after use, and every refresh is counted', async () => {
    const { verifier, challenge } = pkce();
    const code = (await approvedCode(challenge)).searchParams.get('code')!;
    const first = (await (await exchange(code, verifier)).json()) as { access_token: string; refresh_token: string };
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: CLIENT_ID });
    expect(refreshed.status).toBe(200);
    const second = (await refreshed.json()) as { access_token: string; refresh_token: string; scope: string };
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.scope).toBe('tweet.read users.read offline.access');
    expect((await timeline(second.access_token)).status).toBe(200);
    const reused = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: CLIENT_ID });
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await token({ grant_type: 'refresh_token', refresh_token: second.refresh_token, client_id: CLIENT_ID })).status).toBe(200);
    expect(sandbox.stats.refreshRequests).toBe(3);
  });

  it('expires user tokens after state.extensions.userTokenTtlSeconds (default 2 h)', async () => {
    sandbox.state.extensions.userTokenTtlSeconds = 60;
    const { verifier, challenge } = pkce();
    const code = (await approvedCode(challenge)).searchParams.get('code')!;
    const body = (await (await exchange(code, verifier)).json()) as { access_token: string; expires_in: number };
    expect(body.expires_in).toBe(60);
    clock.now += 61_000;
    expect((await timeline(body.access_token)).status).toBe(401);
  });

  it('authenticates clients strictly: a public client sends no secret; a confidential one needs its secret (RFC 6749 2.3.1 Basic)', async () => {
    const secret = "s3cr:t w!th'(odd)*";
    await sandbox.restart({
      oauth2Clients: [
        { ...DEMO_CREDENTIALS.oauth2, redirectUris: [REDIRECT] },
        { clientId: 'web app', clientSecret: secret, redirectUris: [REDIRECT], name: 'Web' },
      ],
    });
    const { verifier, challenge } = pkce();
    const withSecret = await token({
      grant_type: 'authorization_code',
      code: 'x',
      redirect_uri: REDIRECT,
      code_verifier: verifier,
      client_id: CLIENT_ID,
      client_secret: 'x',
    });
    expect(withSecret.status).toBe(401);
    expect(await withSecret.json()).toMatchObject({ error: 'invalid_client' });

    const code = (await approvedCode(challenge, { client_id: 'web app' })).searchParams.get('code')!;
    const noSecret = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
      client_id: 'web app',
    });
    expect(noSecret.status).toBe(401);
    const basic = `Basic ${Buffer.from(
      `web+app:${encodeURIComponent(secret)
        .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/%20/g, '+')}`,
    ).toString('base64')}`;
    const ok = await token(
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier },
      { authorization: basic },
    );
    expect(ok.status).toBe(200);
  });
});

describe('sandbox: revocation (RFC 7009) and discovery', () => {
  it('revokes a refresh token with its whole grant, answers 200 for unknown tokens, and requires the client', async () => {
    const { verifier, challenge } = pkce();
    const code = (await approvedCode(challenge)).searchParams.get('code')!;
    const tokens = (await (await exchange(code, verifier)).json()) as { access_token: string; refresh_token: string };
    const revoke = (body: Record<string, string>) =>
      fetch(sandbox.endpoints.revocationUrl, { method: 'POST', headers: FORM, body: new URLSearchParams(body) });
    expect((await revoke({ token: tokens.refresh_token })).status).toBe(401);
    expect((await revoke({ token: tokens.refresh_token, token_type_hint: 'refresh_token', client_id: CLIENT_ID })).status).toBe(200);
    expect((await timeline(tokens.access_token)).status).toBe(401);
    expect((await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: CLIENT_ID })).status).toBe(400);
    expect((await revoke({ token: 'never-issued', client_id: CLIENT_ID })).status).toBe(200);
    expect((await revoke({ client_id: CLIENT_ID })).status).toBe(400);
  });

  it('revokes a single access token', async () => {
    const { verifier, challenge } = pkce();
    const code = (await approvedCode(challenge)).searchParams.get('code')!;
    const tokens = (await (await exchange(code, verifier)).json()) as { access_token: string; refresh_token: string };
    const res = await fetch(sandbox.endpoints.revocationUrl, {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({ token: tokens.access_token, token_type_hint: 'access_token', client_id: CLIENT_ID }),
    });
    expect(res.status).toBe(200);
    expect((await timeline(tokens.access_token)).status).toBe(401);
  });

  it('publishes RFC 8414 and OpenID discovery documents with S256 only and the iss response parameter', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const doc = (await (await fetch(new URL(path, sandbox.url))).json()) as Record<string, unknown>;
      expect(doc).toMatchObject({
        issuer: sandbox.endpoints.issuer,
        authorization_endpoint: sandbox.endpoints.oauth2AuthorizeUrl,
        token_endpoint: sandbox.endpoints.tokenUrl,
        revocation_endpoint: sandbox.endpoints.revocationUrl,
        jwks_uri: `${sandbox.url}/oauth2/jwks`,
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
  });
});
