// Issue 12: authMethod and authorizationParams (prompt, resource, audience, ...) against the sandbox.
import { MemoryStore } from '@tokensmith/core/kit';
import { DEMO_CREDENTIALS, decideOnAuthorizePage, startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { createAuthorizationCodeProvider, type AuthorizationCodeOptions } from '../src/index.js';

let clock: number;
let sandbox: Sandbox;
const SECRET = 'web:secret w!th odd*chars';
beforeEach(async () => {
  clock = Date.now();
  sandbox = await startSandbox({
    now: () => clock,
    oauth2Clients: [
      {
        clientId: DEMO_CREDENTIALS.oauth2.clientId,
        redirectUris: [...DEMO_CREDENTIALS.oauth2.redirectUris],
        name: DEMO_CREDENTIALS.oauth2.name,
      },
      { clientId: 'web-app', clientSecret: SECRET, redirectUris: ['http://127.0.0.1/callback'], name: 'Web app' },
    ],
  });
});
afterEach(async () => {
  await sandbox.stop();
});

/** A provider whose browser approves at once; records every request sent to the sandbox. */
function provider(overrides: Partial<AuthorizationCodeOptions>) {
  const sent: Array<{ path: string; body: string; authorization: string | null }> = [];
  const opened: URL[] = [];
  const p = createAuthorizationCodeProvider({
    issuer: sandbox.endpoints.issuer,
    clientId: DEMO_CREDENTIALS.oauth2.clientId,
    scopes: ['tweet.read', 'users.read', 'offline_access'],
    store: new MemoryStore(),
    now: () => clock,
    callbackTimeoutMs: 20_000,
    openBrowser: async (url) => {
      opened.push(new URL(url));
      const decision = await decideOnAuthorizePage(url, 'approve');
      await (await fetch(decision.location!)).text();
    },
    fetch: async (input, init) => {
      const headers = new Headers(init?.headers);
      sent.push({ path: new URL(String(input)).pathname, body: String(init?.body ?? ''), authorization: headers.get('authorization') });
      return fetch(input, init);
    },
    ...overrides,
  });
  return { p, sent, opened };
}

describe('authorizationParams', () => {
  it('prompt=consent is what gets offline_access a refresh token from an OpenID-style server', async () => {
    const plain = provider({});
    expect((await plain.p.login()).refreshToken).toBeUndefined();
    const consent = provider({ authorizationParams: { prompt: 'consent' } });
    const token = await consent.p.login();
    expect(consent.opened[0]!.searchParams.get('prompt')).toBe('consent');
    expect(token.refreshToken).toEqual(expect.any(String));
  });

  it('sends resource on the authorization, token and refresh requests (RFC 8707); the token works only there', async () => {
    const v2 = `${sandbox.url}/2/`;
    const { p, sent, opened } = provider({ authorizationParams: { prompt: 'consent', resource: v2 } });
    const token = await p.login();
    expect(opened[0]!.searchParams.getAll('resource')).toEqual([v2]);
    clock = token.expiresAt! + 1;
    const refreshed = await p.getToken();
    const tokenRequests = sent.filter((r) => r.path === '/oauth2/token');
    expect(tokenRequests).toHaveLength(2);
    for (const request of tokenRequests) expect(new URLSearchParams(request.body).getAll('resource')).toEqual([v2]);
    const v11 = await fetch(`${sandbox.endpoints.timelineUrl}?count=1`, { headers: { authorization: `Bearer ${refreshed.accessToken}` } });
    expect(v11.status).toBe(401);
  });

  it('refuses to override what the flow owns, naming the parameter', () => {
    for (const name of [
      'state',
      'redirect_uri',
      'code_challenge',
      'code_challenge_method',
      'nonce',
      'scope',
      'response_type',
      'client_id',
    ]) {
      expect(() => provider({ authorizationParams: { [name]: 'x' } })).toThrow(`authorizationParams.${name} is set by the flow itself`);
    }
  });

  it('gives tokens for another audience or resource their own store entry', async () => {
    const store = new MemoryStore();
    const a = provider({ store, authorizationParams: { resource: `${sandbox.url}/2/` } });
    await a.p.login();
    const b = provider({ store, authorizationParams: { resource: `${sandbox.url}/1.1/` } });
    expect(await b.p.peek()).toBeUndefined();
    const c = provider({ store, authorizationParams: { resource: `${sandbox.url}/2/`, prompt: 'login' } });
    expect(await c.p.peek()).toBeDefined();
  });
});

describe('authMethod', () => {
  const confidential = { clientId: 'web-app', clientSecret: SECRET };
  it('basic (the default with a secret): RFC 6749 2.3.1 Authorization header, no secret in the body', async () => {
    const { p, sent } = provider(confidential);
    await p.login();
    const request = sent.find((r) => r.path === '/oauth2/token')!;
    expect(request.authorization).toMatch(/^Basic /);
    expect(new URLSearchParams(request.body).has('client_secret')).toBe(false);
  });

  it('post: client_id and client_secret in the body, no Authorization header', async () => {
    const { p, sent } = provider({ ...confidential, authMethod: 'post' });
    await p.login();
    const request = sent.find((r) => r.path === '/oauth2/token')!;
    expect(request.authorization).toBeNull();
    expect(new URLSearchParams(request.body).get('client_secret')).toBe(SECRET);
    expect(new URLSearchParams(request.body).get('client_id')).toBe('web-app');
  });

  it('a wrong secret is a different identity: the token stored with the right one is not used', async () => {
    const store = new MemoryStore();
    await provider({ ...confidential, store }).p.login();
    expect(await provider({ ...confidential, clientSecret: 'wrong', store }).p.peek()).toBeUndefined();
    expect(await provider({ ...confidential, store }).p.peek()).toBeDefined();
  });
});
