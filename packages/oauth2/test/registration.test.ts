import { MemoryStore, TokensmithError, parseStoredCredentials, type Credentials } from '@tokensmith/core/kit';
import {
  DEFAULT_SANDBOX_MODULES,
  MASTODON_SANDBOX_MODULES,
  installClientRegistration,
  mastodonRecords,
  registrationRecords,
  startSandbox,
  type Sandbox,
} from '@tokensmith/sandbox';
import {
  discover,
  fromStoredClient,
  registeredClientKey,
  registrationFor,
  registrationMetadata,
  servesRedirect,
  toStoredClient,
  type ClientSettings,
  type RegisteredClient,
  type RegistrationRequest,
} from '../src/index.js';

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  for (const sandbox of sandboxes.splice(0)) await sandbox.stop();
});
async function start(modules = DEFAULT_SANDBOX_MODULES): Promise<Sandbox> {
  const sandbox = await startSandbox({ modules });
  sandboxes.push(sandbox);
  return sandbox;
}

const settings: ClientSettings = {
  clientId: 'unregistered',
  clientSecret: undefined,
  authMethod: 'none',
  openid: false,
  now: Date.now,
  fetch: (input, init) => fetch(input, init),
  timeoutMs: 5_000,
};

async function requestFor(sandbox: Sandbox, overrides: Partial<RegistrationRequest> = {}): Promise<RegistrationRequest> {
  const issuer = new URL(sandbox.url);
  return {
    issuer,
    metadata: await discover(issuer, settings),
    clientName: 'tokensmith',
    redirectUris: ['http://127.0.0.1/callback'],
    scopes: ['read'],
    website: 'https://github.com/tokensmith/tokensmith',
    fetch: settings.fetch,
    timeoutMs: 5_000,
    now: () => 1_700_000_000_000,
    ...overrides,
  };
}

describe('registrationFor: the kind comes from the metadata', () => {
  const base = { issuer: 'https://as.example' };
  it('app_registration_endpoint means Mastodon, registration_endpoint RFC 7591, neither nothing (unless known to be Mastodon)', () => {
    expect(registrationFor({ ...base, app_registration_endpoint: 'https://as.example/api/v1/apps' })).toMatchObject({
      kind: 'mastodon',
      endpoint: 'https://as.example/api/v1/apps',
    });
    expect(registrationFor({ ...base, registration_endpoint: 'https://as.example/register' })).toMatchObject({
      kind: 'rfc7591',
      endpoint: 'https://as.example/register',
    });
    expect(registrationFor(base)).toBeUndefined();
    expect(registrationFor(base, { assume: 'mastodon' })).toMatchObject({ kind: 'mastodon', endpoint: 'https://as.example/api/v1/apps' });
  });

  it('refuses a discovered registration endpoint over plain http off loopback', () => {
    expect(() => registrationFor({ ...base, registration_endpoint: 'http://as.example/register' })).toThrow(TokensmithError);
  });
});

describe('RFC 7591 registration against the sandbox', () => {
  it('sends native-app metadata, and returns the client with its registration access token and URI', async () => {
    const sandbox = await start();
    const request = await requestFor(sandbox, { scopes: ['tweet.read', 'offline.access'] });
    expect(registrationMetadata(request)).toEqual({
      client_name: 'tokensmith',
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
      scope: 'tweet.read offline.access',
      client_uri: 'https://github.com/tokensmith/tokensmith',
    });
    const client = await registrationFor(request.metadata)!.register(request);
    const records = registrationRecords(sandbox.state)!;
    expect(records.requests).toBe(1);
    expect(client).toEqual({
      kind: 'rfc7591',
      issuer: sandbox.url,
      clientId: expect.stringMatching(/^dyn-/) as string,
      authMethod: 'none',
      redirectUris: ['http://127.0.0.1/callback'],
      registrationAccessToken: records.accessTokens.get(client.clientId),
      registrationClientUri: `${sandbox.url}/oauth2/register/${client.clientId}`,
      registeredAt: 1_700_000_000_000,
    });
    expect(await registrationFor(request.metadata)!.forget(client, request)).toEqual({
      deletion: 'deleted',
      endpoint: `${sandbox.url}/oauth2/register/${client.clientId}`,
    });
    expect(sandbox.state.oauth2Clients.some((c) => c.clientId === client.clientId)).toBe(false);
    // A second delete: the client is gone, the token no longer valid.
    expect(await registrationFor(request.metadata)!.forget(client, request)).toMatchObject({ deletion: 'failed', reason: 'HTTP 401' });
  });

  it('asks for client_secret_basic where the server supports no public clients, and keeps the secret it issues', async () => {
    const sandbox = await start();
    const discovered = await requestFor(sandbox, { scopes: ['tweet.read'] });
    const request = { ...discovered, metadata: { ...discovered.metadata, token_endpoint_auth_methods_supported: ['client_secret_basic'] } };
    const client = await registrationFor(request.metadata)!.register(request);
    expect(registrationRecords(sandbox.state)!.lastRequest).toMatchObject({ token_endpoint_auth_method: 'client_secret_basic' });
    const registered = sandbox.state.oauth2Clients.find((c) => c.clientId === client.clientId)!;
    expect(client).toMatchObject({ authMethod: 'basic', clientSecret: registered.clientSecret });
  });

  it('a refused redirect URI is an oauth_response error with operation registration and error invalid_redirect_uri', async () => {
    const sandbox = await start();
    const request = await requestFor(sandbox, { redirectUris: ['http://localhost/callback'] });
    const failure = await registrationFor(request.metadata)!
      .register(request)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TokensmithError);
    expect(failure).toMatchObject({ code: 'oauth_response', operation: 'registration', error: 'invalid_redirect_uri', status: 400 });
  });

  it('a server without the module names no registration_endpoint', async () => {
    const sandbox = await start(DEFAULT_SANDBOX_MODULES.filter((m) => m !== installClientRegistration));
    expect(registrationFor((await requestFor(sandbox)).metadata)).toBeUndefined();
  });
});

describe("Mastodon's /api/v1/apps against the sandbox instance", () => {
  it('registers with a form and gets a client_secret_post app; forget is local only', async () => {
    const instance = await start(MASTODON_SANDBOX_MODULES);
    const request = await requestFor(instance);
    const client = await registrationFor(request.metadata)!.register(request);
    const records = mastodonRecords(instance.state);
    expect(records.lastAppRequest).toEqual({
      client_name: 'tokensmith',
      redirect_uris: 'http://127.0.0.1/callback',
      scopes: 'read',
      website: 'https://github.com/tokensmith/tokensmith',
    });
    expect(client).toEqual({
      kind: 'mastodon',
      issuer: instance.url,
      clientId: records.apps[0]!.clientId,
      clientSecret: records.apps[0]!.clientSecret,
      authMethod: 'post',
      redirectUris: ['http://127.0.0.1/callback'],
      registeredAt: 1_700_000_000_000,
    });
    expect(await registrationFor(request.metadata)!.forget(client, request)).toEqual({ deletion: 'unsupported' });
  });

  it("maps Mastodon's 422 sentences to RFC 7591's codes", async () => {
    const instance = await start(MASTODON_SANDBOX_MODULES);
    const badRedirect = await requestFor(instance, { redirectUris: ['ftp://example.com/cb'] });
    await expect(registrationFor(badRedirect.metadata)!.register(badRedirect)).rejects.toMatchObject({
      operation: 'registration',
      status: 422,
      error: 'invalid_redirect_uri',
    });
    const badScope = await requestFor(instance, { scopes: ['everything'] });
    await expect(registrationFor(badScope.metadata)!.register(badScope)).rejects.toMatchObject({ error: 'invalid_client_metadata' });
  });
});

describe('the registered client as a store entry', () => {
  const client: RegisteredClient = {
    kind: 'rfc7591',
    issuer: 'https://as.example',
    clientId: 'dyn-1',
    clientSecret: 's3cr3t',
    authMethod: 'basic',
    redirectUris: ['http://127.0.0.1/callback'],
    registrationAccessToken: 'rat-1',
    registrationClientUri: 'https://as.example/register/dyn-1',
    registeredAt: 1,
  };

  it('round-trips through a store and through the JSON every persistent store keeps (judged usable); a public client has no secret', async () => {
    const store = new MemoryStore();
    await store.set(registeredClientKey('https://as.example'), toStoredClient(client));
    expect(fromStoredClient(await store.get(registeredClientKey('https://as.example/')))).toEqual(client);
    expect(fromStoredClient(parseStoredCredentials(JSON.stringify(toStoredClient(client))))).toEqual(client);
    const { clientSecret: _secret, ...publicClient } = client;
    await store.set('public', toStoredClient({ ...publicClient, authMethod: 'none' }));
    expect(fromStoredClient(await store.get('public'))).toEqual({ ...publicClient, authMethod: 'none' });
  });

  it('is not read from a token, nothing, or a record of another shape', () => {
    const token: Credentials = { type: 'bearer', accessToken: 'a' };
    expect(fromStoredClient(undefined)).toBeUndefined();
    expect(fromStoredClient(token)).toBeUndefined();
    expect(fromStoredClient({ type: 'oauth1', token: 't', tokenSecret: 's', extra: { screen_name: 'x' } })).toBeUndefined();
    expect(
      fromStoredClient({ type: 'oauth1', token: 't', tokenSecret: 's', extra: { kind: 'tokensmith-registered-client/v1', client: '{' } }),
    ).toBeUndefined();
  });

  it('serves a login only with a redirect URI it was registered with', () => {
    expect(servesRedirect(client, 'http://127.0.0.1/callback')).toBe(true);
    expect(servesRedirect(client, 'urn:ietf:wg:oauth:2.0:oob')).toBe(false);
  });
});
