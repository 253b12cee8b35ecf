import { createHash, randomBytes } from 'node:crypto';
import { DEMO_CREDENTIALS, DEMO_LOGIN_HINT, decideOnAuthorizePage, startSandbox, type Sandbox } from '../src/index.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const CLIENT_ID = DEMO_CREDENTIALS.oauth2.clientId;
const REDIRECT = 'http://127.0.0.1:8123/callback';

let clock = Date.UTC(2026, 0, 1);
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ now: () => clock });
});
afterAll(async () => {
  await sandbox.stop();
});

interface Tokens {
  access_token: string;
  refresh_token?: string;
  scope: string;
}

function authorizeUrl(params: Record<string, string | string[]>, challenge: string): string {
  const url = new URL(sandbox.endpoints.oauth2AuthorizeUrl);
  const all = {
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT,
    state: 's',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...params,
  };
  for (const [name, value] of Object.entries(all)) for (const one of [value].flat()) url.searchParams.append(name, one);
  return url.href;
}

const token = (params: Record<string, string | string[]>) => {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) for (const one of [value].flat()) body.append(name, one);
  return fetch(sandbox.endpoints.tokenUrl, { method: 'POST', headers: FORM, body });
};

/** Logs in on the consent page and exchanges the code; `tokenParams` go on the token request. */
async function login(params: Record<string, string | string[]>, tokenParams: Record<string, string | string[]> = {}): Promise<Response> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const decision = await decideOnAuthorizePage(authorizeUrl(params, challenge), 'approve');
  const code = new URL(decision.location!).searchParams.get('code')!;
  return token({
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT,
    code_verifier: verifier,
    client_id: CLIENT_ID,
    ...tokenParams,
  });
}

async function redirectError(params: Record<string, string>): Promise<{ error: string | null; description: string | null }> {
  const res = await fetch(authorizeUrl(params, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'), { redirect: 'manual' });
  expect(res.status).toBe(302);
  const query = new URL(res.headers.get('location')!).searchParams;
  return { error: query.get('error'), description: query.get('error_description') };
}

const introspect = async (value: string, clientId: string = CLIENT_ID) =>
  (await (
    await fetch(sandbox.endpoints.introspectionUrl, {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({ token: value, client_id: clientId }),
    })
  ).json()) as Record<string, unknown>;

const bearer = (url: string, accessToken: string) => fetch(url, { headers: { authorization: `Bearer ${accessToken}` } });

describe('sandbox: refresh tokens, offline_access and prompt=consent', () => {
  it("issues a refresh token for Twitter's offline.access, and none without an offline scope", async () => {
    const offline = (await (await login({ scope: 'tweet.read offline.access' })).json()) as Tokens;
    expect(offline.refresh_token).toEqual(expect.any(String));
    const online = (await (await login({ scope: 'tweet.read' })).json()) as Tokens;
    expect(online).not.toHaveProperty('refresh_token');
    expect(online.scope).toBe('tweet.read');
  });

  it('keeps OpenID offline_access only with prompt=consent (OIDC Core 11)', async () => {
    const ignored = (await (await login({ scope: 'openid tweet.read offline_access' })).json()) as Tokens;
    expect(ignored.scope).toBe('openid tweet.read');
    expect(ignored).not.toHaveProperty('refresh_token');
    const kept = (await (await login({ scope: 'openid tweet.read offline_access', prompt: 'consent' })).json()) as Tokens;
    expect(kept.scope).toBe('openid tweet.read offline_access');
    expect(kept.refresh_token).toEqual(expect.any(String));
  });

  it('answers prompt=none with login_required and refuses unknown or contradictory prompts', async () => {
    expect(await redirectError({ scope: 'tweet.read', prompt: 'none' })).toMatchObject({ error: 'login_required' });
    expect(await redirectError({ scope: 'tweet.read', prompt: 'none consent' })).toMatchObject({ error: 'invalid_request' });
    expect(await redirectError({ scope: 'tweet.read', prompt: 'sometimes' })).toMatchObject({ error: 'invalid_request' });
  });
});

describe('sandbox: RFC 8707 resource indicators', () => {
  const v2Me = () => `${sandbox.url}/2/users/me`;

  it('binds the token to the authorized resource: aud in introspection, accepted only under it', async () => {
    const res = await login({ scope: 'tweet.read offline.access', resource: sandbox.endpoints.apiResource });
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as Tokens;
    expect(await introspect(tokens.access_token)).toMatchObject({
      active: true,
      aud: sandbox.endpoints.apiResource,
      client_id: CLIENT_ID,
      scope: 'tweet.read offline.access',
      username: 'twitterapi',
    });
    expect(await introspect(tokens.refresh_token!)).toMatchObject({ active: true, aud: sandbox.endpoints.apiResource });
    expect((await bearer(`${sandbox.endpoints.timelineUrl}?count=1`, tokens.access_token)).status).toBe(200);
    expect((await bearer(v2Me(), tokens.access_token)).status).toBe(401);
  });

  it('lets the token and refresh requests pick among the authorized resources, and refuses others (invalid_target)', async () => {
    const v2 = `${sandbox.url}/2/`;
    const both = await login({ scope: 'tweet.read offline.access', resource: [sandbox.endpoints.apiResource, v2] }, { resource: v2 });
    const tokens = (await both.json()) as Tokens;
    expect((await introspect(tokens.access_token)).aud).toBe(v2);
    expect((await bearer(v2Me(), tokens.access_token)).status).toBe(200);
    expect((await bearer(`${sandbox.endpoints.timelineUrl}?count=1`, tokens.access_token)).status).toBe(401);
    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
      client_id: CLIENT_ID,
      resource: sandbox.endpoints.apiResource,
    });
    const next = (await refreshed.json()) as Tokens;
    expect((await introspect(next.access_token)).aud).toBe(sandbox.endpoints.apiResource);
    const outside = await token({
      grant_type: 'refresh_token',
      refresh_token: next.refresh_token!,
      client_id: CLIENT_ID,
      resource: `${sandbox.url}/api/v1/`,
    });
    expect([outside.status, ((await outside.json()) as { error: string }).error]).toEqual([400, 'invalid_target']);
    const narrow = await login({ scope: 'tweet.read', resource: v2 }, { resource: sandbox.endpoints.apiResource });
    expect(((await narrow.json()) as { error: string }).error).toBe('invalid_target');
  });

  it('refuses a foreign, relative or fragment resource at the authorization endpoint', async () => {
    for (const resource of ['https://api.example.com/', '/1.1/', `${sandbox.url}/1.1/#x`]) {
      expect(await redirectError({ scope: 'tweet.read', resource })).toMatchObject({ error: 'invalid_target' });
    }
  });

  it('introspects only for the client the token was issued to; a dead token is inactive', async () => {
    const tokens = (await (await login({ scope: 'tweet.read' })).json()) as Tokens;
    const unbound = await introspect(tokens.access_token);
    expect(unbound).toMatchObject({ active: true, exp: Math.floor(clock / 1000) + 7200, iat: Math.floor(clock / 1000) });
    expect(unbound).not.toHaveProperty('aud');
    expect(await introspect(tokens.access_token, DEMO_CREDENTIALS.device.clientId)).toEqual({ active: false });
    expect(await introspect('nonsense')).toEqual({ active: false });
    clock += 7_200_000;
    expect(await introspect(tokens.access_token)).toEqual({ active: false });
  });
});

describe('sandbox: demo login and discovery', () => {
  it('shows the demo username and password on every login page', async () => {
    expect(DEMO_LOGIN_HINT).toBe(`Demo login: username ${DEMO_CREDENTIALS.user.screenName}, password ${DEMO_CREDENTIALS.user.password}`);
    const consent = await (await fetch(authorizeUrl({ scope: 'tweet.read' }, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'))).text();
    expect(consent).toContain(DEMO_LOGIN_HINT);
  });

  it('advertises introspection, prompt values and the device endpoint', async () => {
    const metadata = (await (await fetch(`${sandbox.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      introspection_endpoint: sandbox.endpoints.introspectionUrl,
      device_authorization_endpoint: sandbox.endpoints.deviceAuthorizationUrl,
      prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
    });
    expect(metadata.scopes_supported).toContain('offline_access');
  });
});
