import { createHash, randomBytes } from 'node:crypto';
import {
  MASTODON_SANDBOX_MODULES,
  decideOnAuthorizePage,
  mastodonRecords,
  redirectUriProblem,
  registrationRecords,
  startSandbox,
  type Sandbox,
  type SandboxOptions,
} from '../src/index.js';

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  for (const sandbox of sandboxes.splice(0)) await sandbox.stop();
});
async function start(modules?: SandboxOptions['modules']): Promise<Sandbox> {
  const sandbox = await startSandbox(modules ? { modules } : {});
  sandboxes.push(sandbox);
  return sandbox;
}

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describe('redirect URIs, as both registration endpoints judge them', () => {
  it('takes https, loopback IP http and the oob URN; refuses localhost, fragments, user info, other schemes and relative URIs', () => {
    for (const ok of ['https://app.example/cb', 'http://127.0.0.1/callback', 'http://127.0.0.1:8080/cb', 'urn:ietf:wg:oauth:2.0:oob'])
      expect(redirectUriProblem(ok)).toBeUndefined();
    expect(redirectUriProblem('http://localhost/cb')).toMatch(/127\.0\.0\.1, not localhost/);
    expect(redirectUriProblem('https://app.example/cb#x')).toMatch(/fragment/);
    expect(redirectUriProblem('https://u:p@app.example/cb')).toMatch(/user info/);
    expect(redirectUriProblem('http://app.example/cb')).toMatch(/https/);
    expect(redirectUriProblem('/callback')).toMatch(/absolute/);
  });
});

describe('RFC 7591 registration on the OAuth 2 server', () => {
  it('is advertised in discovery, registers a client the authorize endpoint then knows, and supports RFC 7592 read and delete', async () => {
    const sandbox = await start();
    const metadata = (await (await fetch(`${sandbox.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(metadata.registration_endpoint).toBe(`${sandbox.url}/oauth2/register`);
    const answer = await fetch(`${sandbox.url}/oauth2/register`, json({ redirect_uris: ['http://127.0.0.1/callback'], client_name: 'x' }));
    expect(answer.status).toBe(201);
    const client = (await answer.json()) as Record<string, string>;
    expect(client).toMatchObject({
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code'],
      client_secret_expires_at: 0,
    });
    expect(sandbox.state.oauth2Clients.some((c) => c.clientId === client.client_id && c.clientSecret === client.client_secret)).toBe(true);
    const read = await fetch(client.registration_client_uri!, { headers: { authorization: `Bearer ${client.registration_access_token}` } });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ client_id: client.client_id, redirect_uris: ['http://127.0.0.1/callback'] });
    const wrong = await fetch(client.registration_client_uri!, { method: 'DELETE', headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const deleted = await fetch(client.registration_client_uri!, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${client.registration_access_token}` },
    });
    expect(deleted.status).toBe(204);
    expect(sandbox.state.oauth2Clients.some((c) => c.clientId === client.client_id)).toBe(false);
    expect(registrationRecords(sandbox.state)).toMatchObject({ requests: 1, deletions: 1 });
  });

  it('refuses strictly: not JSON, bad redirect URIs, unknown scopes, grant/response mismatch, a wrong auth method, a missing initial access token', async () => {
    const sandbox = await start();
    const register = async (body: unknown, init: RequestInit = json(body)) => {
      const answer = await fetch(`${sandbox.url}/oauth2/register`, init);
      return { status: answer.status, body: (await answer.json()) as { error: string; error_description: string } };
    };
    expect(
      await register(undefined, {
        method: 'POST',
        body: 'redirect_uris=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid_client_metadata' },
    });
    expect(await register({ redirect_uris: [] })).toMatchObject({ body: { error: 'invalid_redirect_uri' } });
    expect(await register({ redirect_uris: ['http://localhost/cb'] })).toMatchObject({ body: { error: 'invalid_redirect_uri' } });
    expect(await register({ redirect_uris: ['http://127.0.0.1/cb'], scope: 'admin' })).toMatchObject({
      body: { error: 'invalid_client_metadata', error_description: expect.stringMatching(/^scope/) as string },
    });
    expect(await register({ redirect_uris: ['http://127.0.0.1/cb'], response_types: [] })).toMatchObject({
      body: { error: 'invalid_client_metadata' },
    });
    expect(await register({ redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'private_key_jwt' })).toMatchObject({
      body: { error: 'invalid_client_metadata' },
    });
    registrationRecords(sandbox.state)!.initialAccessToken = 'iat';
    expect((await register({ redirect_uris: ['http://127.0.0.1/cb'] })).status).toBe(401);
    expect((await register(undefined, json({ redirect_uris: ['http://127.0.0.1/cb'] }, { authorization: 'Bearer iat' }))).status).toBe(201);
  });
});

describe('the Mastodon-style instance', () => {
  async function registerApp(instance: Sandbox, redirect: string): Promise<{ client_id: string; client_secret: string }> {
    const answer = await fetch(`${instance.url}/api/v1/apps`, {
      method: 'POST',
      body: new URLSearchParams({ client_name: 'test', redirect_uris: redirect, scopes: 'read' }),
    });
    expect(answer.status).toBe(200);
    return (await answer.json()) as { client_id: string; client_secret: string };
  }

  it('names app_registration_endpoint, shows the oob code on a page, takes client_secret_post only, issues no refresh or expiry, and revokes', async () => {
    const instance = await start(MASTODON_SANDBOX_MODULES);
    const metadata = (await (await fetch(`${instance.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      app_registration_endpoint: `${instance.url}/api/v1/apps`,
      token_endpoint_auth_methods_supported: ['client_secret_post'],
    });
    const app = await registerApp(instance, 'urn:ietf:wg:oauth:2.0:oob');
    const verifier = randomBytes(32).toString('base64url');
    const authorize = new URL(`${instance.url}/oauth/authorize`);
    for (const [k, v] of Object.entries({
      client_id: app.client_id,
      redirect_uri: 'urn:ietf:wg:oauth:2.0:oob',
      response_type: 'code',
      scope: 'read',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }))
      authorize.searchParams.set(k, v);
    const { html } = await decideOnAuthorizePage(authorize.href, 'approve');
    const code = /<output id="code">([^<]+)<\/output>/.exec(html)![1]!;
    const form = { grant_type: 'authorization_code', code, redirect_uri: 'urn:ietf:wg:oauth:2.0:oob', code_verifier: verifier };
    const basic = await fetch(`${instance.url}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${app.client_id}:${app.client_secret}`).toString('base64')}` },
      body: new URLSearchParams(form),
    });
    expect(basic.status).toBe(401);
    expect(mastodonRecords(instance.state).basicAuthAttempts).toBe(1);
    const post = await fetch(`${instance.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ ...form, client_id: app.client_id, client_secret: app.client_secret }),
    });
    // The refused Basic request never reached the code: it is still good for the body-authenticated one.
    const tokens = (await post.json()) as Record<string, unknown>;
    expect(post.status).toBe(200);
    expect(Object.keys(tokens).sort()).toEqual(['access_token', 'created_at', 'scope', 'token_type']);
    const me = await fetch(`${instance.url}/api/v1/accounts/verify_credentials`, {
      headers: { authorization: `Bearer ${String(tokens.access_token)}` },
    });
    expect(((await me.json()) as { username: string }).username).toBe('twitterapi');
    const home = await fetch(`${instance.url}/api/v1/timelines/home?limit=2`, {
      headers: { authorization: `Bearer ${String(tokens.access_token)}` },
    });
    expect(home.status).toBe(200);
    expect(home.headers.get('link')).toMatch(/rel="next"/);
    expect((await home.json()) as unknown[]).toHaveLength(2);
    const revoked = await fetch(`${instance.url}/oauth/revoke`, {
      method: 'POST',
      body: new URLSearchParams({ token: String(tokens.access_token), client_id: app.client_id, client_secret: app.client_secret }),
    });
    expect(revoked.status).toBe(200);
    const after = await fetch(`${instance.url}/api/v1/timelines/home`, {
      headers: { authorization: `Bearer ${String(tokens.access_token)}` },
    });
    expect(after.status).toBe(401);
  });

  it("answers a refused registration with Mastodon's 422 sentence, and counts every request", async () => {
    const instance = await start(MASTODON_SANDBOX_MODULES);
    const refuse = async (params: Record<string, string>) => {
      const answer = await fetch(`${instance.url}/api/v1/apps`, { method: 'POST', body: new URLSearchParams(params) });
      return { status: answer.status, body: (await answer.json()) as { error: string } };
    };
    expect(await refuse({ redirect_uris: 'http://127.0.0.1/cb' })).toEqual({
      status: 422,
      body: { error: "Validation failed: Application name can't be blank" },
    });
    expect((await refuse({ client_name: 'x', redirect_uris: 'http://localhost/cb' })).body.error).toMatch(
      /^Validation failed: Redirect URI/,
    );
    expect((await refuse({ client_name: 'x', redirect_uris: 'http://127.0.0.1/cb', scopes: 'all' })).body.error).toMatch(
      /^Validation failed: Scopes/,
    );
    expect(mastodonRecords(instance.state).appRegistrations).toBe(3);
    expect(mastodonRecords(instance.state).apps).toHaveLength(0);
  });
});
