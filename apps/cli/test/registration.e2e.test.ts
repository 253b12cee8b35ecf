import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEMO_CREDENTIALS,
  decideOnAuthorizePage,
  MASTODON_SANDBOX_MODULES,
  DEFAULT_SANDBOX_MODULES,
  installClientRegistration,
  mastodonRecords,
  registrationRecords,
  startSandbox,
  type Sandbox,
} from '@tokensmith/sandbox';
import { runInPty } from './pty.js';
import { SANDBOX_ENV, approveInBrowser, runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';

// Registering an app when a provider has no clientId, through the binary: Mastodon's /api/v1/apps
// on a Mastodon-style instance (once, then reused), RFC 7591 on the OAuth 2 server (the request
// and the stored client checked field by field), RFC 7592 delete at logout --forget-client, and
// the errors: no registration endpoint, a refused redirect URI, refused metadata.

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  for (const sandbox of sandboxes.splice(0)) await sandbox.stop();
});
async function start(modules = DEFAULT_SANDBOX_MODULES): Promise<Sandbox> {
  const sandbox = await startSandbox({ modules });
  sandboxes.push(sandbox);
  return sandbox;
}

const tokenFile = (dir: string) => join(dir, '.config', 'tokensmith', 'tokens.json');
const storedEntries = (dir: string) => JSON.stringify(JSON.parse(readFileSync(tokenFile(dir), 'utf8')));
const host = (sandbox: Sandbox) => new URL(sandbox.url).host;

/** A provider block with no clientId: registration at the issuer. */
function unregistered(issuer: string, lines: string[] = ['scopes: [tweet.read, users.read, offline.access]']): string {
  return ['  reg:', '    strategy: authorization-code', `    issuer: ${issuer}`, ...lines.map((l) => `    ${l}`)].join('\n') + '\n';
}

interface StatusRow {
  provider: string;
  loggedIn: boolean;
  refreshable?: boolean;
  registeredClient?: { kind: string; clientId: string; redirectUris: string[]; registrationClientUri?: string; registeredAt: string };
}
async function status(dir: string): Promise<StatusRow[]> {
  const result = await runBinary(['status', '--json'], { cwd: dir });
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { providers: StatusRow[] }).providers;
}

describe('login without clientId on a Mastodon-style instance', () => {
  it('preset: mastodon with no instance in the config: login --instance supplies it, registers once and reuses the app', async () => {
    const instance = await start(MASTODON_SANDBOX_MODULES);
    const dir = tempDir();
    writeConfig(dir, ['providers:', '  social:', '    preset: mastodon', `    presetBaseUrl: ${instance.url}`].join('\n') + '\n');
    const without = await runBinary(['login', 'social', '--no-browser'], { cwd: dir, stdin: '' });
    expect(without.code).not.toBe(0);
    expect(without.stderr).toContain('instance');
    const first = await runBinary(['login', 'social', '--instance', host(instance), '--no-browser'], {
      cwd: dir,
      onStderr: approveInBrowser(),
    });
    expect(first.code).toBe(0);
    expect(mastodonRecords(instance.state).appRegistrations).toBe(1);
    const second = await runBinary(['login', 'social', '--instance', host(instance), '--no-browser'], {
      cwd: dir,
      onStderr: approveInBrowser(),
    });
    expect(second.code).toBe(0);
    expect(second.stderr).not.toContain('Registering');
    expect(mastodonRecords(instance.state).appRegistrations).toBe(1);
  });

  it('preset: mastodon with only an instance registers an app at the first login and reuses it (one registration request)', async () => {
    const instance = await start(MASTODON_SANDBOX_MODULES);
    const dir = tempDir();
    // The sandbox speaks http on loopback: presetBaseUrl moves the preset's https URLs onto it.
    writeConfig(
      dir,
      ['providers:', '  social:', '    preset: mastodon', `    instance: ${host(instance)}`, `    presetBaseUrl: ${instance.url}`].join(
        '\n',
      ) + '\n',
    );
    const first = await runBinary(['login', 'social', '--no-browser'], { cwd: dir, onStderr: approveInBrowser() });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`Registering tokensmith with ${host(instance)}`);
    const records = mastodonRecords(instance.state);
    expect(records.appRegistrations).toBe(1);
    expect(records.basicAuthAttempts).toBe(0); // client_secret_post, as Mastodon needs

    const second = await runBinary(['login', 'social', '--no-browser'], { cwd: dir, onStderr: approveInBrowser() });
    expect(second.code).toBe(0);
    expect(second.stderr).not.toContain('Registering');
    expect(records.appRegistrations).toBe(1);

    const timeline = await runBinary(['timeline', 'social', '--count', '1'], { cwd: dir });
    expect(timeline.code).toBe(0);
    const [row] = await status(dir);
    expect(row).toMatchObject({ provider: 'social', loggedIn: true, registeredClient: { kind: 'mastodon' } });
    expect(first.stdout + first.stderr + second.stderr + timeline.stdout + timeline.stderr).not.toContain(records.apps[0]!.clientSecret);
  });

  it('registers an app once (client_secret_post), logs in, reuses the app on the next login, and revokes with its credentials', async () => {
    const instance = await start(MASTODON_SANDBOX_MODULES);
    const other = await start();
    const dir = tempDir();
    // The config has another provider only: `mastodon` is a one-off, made from --instance.
    writeConfig(dir, sandboxConfig([sandboxProvider(other, 'client-credentials')]));
    const first = await runBinary(['--verbose', 'login', 'mastodon', '--instance', host(instance), '--no-browser', '--json'], {
      cwd: dir,
      onStderr: approveInBrowser(),
    });
    expect(first.stderr).toContain(`Registering tokensmith with ${host(instance)}`);
    expect(first.code).toBe(0);
    const records = mastodonRecords(instance.state);
    expect(records.appRegistrations).toBe(1);
    expect(records.lastAppRequest).toEqual({
      client_name: 'tokensmith',
      redirect_uris: 'http://127.0.0.1/callback',
      scopes: 'read',
      website: 'https://github.com/tokensmith/tokensmith',
    });
    expect(records.basicAuthAttempts).toBe(0);
    expect(records.tokens.size).toBe(1);
    const app = records.apps[0]!;
    // Mastodon's tokens: no expiry, no refresh token.
    expect(JSON.parse(first.stdout)).toMatchObject({
      provider: 'mastodon',
      loggedIn: true,
      expiresAt: null,
      refreshable: false,
      scopes: ['read'],
    });
    // The app's secret is stored (the token store is where secrets live), never printed.
    expect(storedEntries(dir)).toContain(app.clientSecret);
    expect(first.stdout + first.stderr).not.toContain(app.clientSecret);

    // A second login: no registration request, the same app.
    const second = await runBinary(['login', 'mastodon', '--instance', host(instance), '--no-browser'], {
      cwd: dir,
      onStderr: approveInBrowser(),
    });
    expect(second.code).toBe(0);
    expect(second.stderr).not.toContain('Registering');
    expect(records.appRegistrations).toBe(1);
    expect(records.apps).toHaveLength(1);

    const logout = await runBinary(['--verbose', 'logout', 'mastodon', '--instance', host(instance), '--forget-client'], { cwd: dir });
    expect(logout.code).toBe(0);
    expect(logout.stderr).toContain(`revoked at ${host(instance)}`);
    expect(logout.stderr).toContain(
      `Forgot the app registered for mastodon (client id ${app.clientId}): the server offers no way to delete it`,
    );
    expect(records.revocations).toBeGreaterThanOrEqual(1);
    expect(storedEntries(dir)).not.toContain(app.clientSecret);
    expect(logout.stderr).not.toContain(app.clientSecret);
  });

  it('a configured provider without clientId shows its registered app in status; --instance moves it to another instance', async () => {
    const instance = await start(MASTODON_SANDBOX_MODULES);
    const dir = tempDir();
    writeConfig(
      dir,
      sandboxConfig([unregistered(instance.url, ['scopes: [read]', `timeline: { url: ${instance.url}, format: mastodon }`])]),
    );
    // Without a person and with nothing registered: no registration, the login to run.
    const early = await runBinary(['timeline', 'reg'], { cwd: dir, stdin: '' });
    expect(early.code).toBe(2);
    expect(early.stderr).toContain('tokensmith login reg');
    expect(mastodonRecords(instance.state).appRegistrations).toBe(0);
    const login = await runBinary(['login', 'reg', '--no-browser'], { cwd: dir, onStderr: approveInBrowser() });
    expect(login.code).toBe(0);
    // Later commands use the stored app and token, without a person.
    const timeline = await runBinary(['timeline', 'reg', '--count', '1'], { cwd: dir, stdin: '' });
    expect(timeline.code).toBe(0);
    expect(timeline.stdout).toContain('twitterapi');
    const app = mastodonRecords(instance.state).apps[0]!;
    const [row] = await status(dir);
    expect(row).toMatchObject({
      provider: 'reg',
      loggedIn: true,
      registeredClient: { kind: 'mastodon', clientId: app.clientId, redirectUris: ['http://127.0.0.1/callback'] },
    });
    const text = await runBinary(['status'], { cwd: dir });
    expect(text.stdout).toContain(`app registered`);
    expect(text.stdout + text.stderr).not.toContain(app.clientSecret);

    const elsewhere = await start(MASTODON_SANDBOX_MODULES);
    const moved = await runBinary(['login', 'reg', '--instance', host(elsewhere), '--no-browser'], {
      cwd: dir,
      onStderr: approveInBrowser(),
    });
    expect(moved.code).toBe(0);
    expect(mastodonRecords(elsewhere.state).appRegistrations).toBe(1);
    expect(mastodonRecords(instance.state).appRegistrations).toBe(1);
  });

  it('needs no config file at all: the one-off login goes to the real store (never the demo), and logout finds it', async () => {
    const instance = await start(MASTODON_SANDBOX_MODULES);
    const dir = tempDir();
    const login = await runBinary(['--store', 'file', 'login', 'mastodon', '--instance', host(instance), '--no-browser'], {
      cwd: dir,
      onStderr: approveInBrowser(),
    });
    expect(login.code).toBe(0);
    expect(login.stderr).not.toContain('built-in demo');
    expect(storedEntries(dir)).toContain(mastodonRecords(instance.state).apps[0]!.clientId);
    const logout = await runBinary(['--store', 'file', 'logout', 'mastodon', '--instance', host(instance)], { cwd: dir });
    expect(logout.code).toBe(0);
    expect(logout.stderr).toContain('Logged out of mastodon');
    expect(mastodonRecords(instance.state).tokens.size).toBe(0);
  });

  it('two logins started together register one app (the store lock serialises registration)', async () => {
    const instance = await start(MASTODON_SANDBOX_MODULES);
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([unregistered(instance.url, ['scopes: [read]'])]));
    const both = await Promise.all(
      [1, 2].map(() => runBinary(['login', 'reg', '--no-browser'], { cwd: dir, onStderr: approveInBrowser() })),
    );
    expect(both.map((run) => run.code)).toEqual([0, 0]);
    expect(mastodonRecords(instance.state).appRegistrations).toBe(1);
  });

  it('--instance refuses plain http off loopback and a provider of another strategy', async () => {
    const other = await start();
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([sandboxProvider(other, 'client-credentials')]));
    const http = await runBinary(['login', 'mastodon', '--instance', 'http://mastodon.example'], { cwd: dir });
    expect(http.code).toBe(1);
    expect(http.stderr).toContain('--instance mastodon.example must use https');
    const wrong = await runBinary(['login', 'app', '--instance', 'mastodon.example'], { cwd: dir, env: SANDBOX_ENV });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('--instance is for a Mastodon-type provider (strategy authorization-code); app uses client-credentials');
  });
});

describe('login without clientId on an RFC 7591 server', () => {
  it('registers through registration_endpoint: the request and the stored client field by field, reused, then deleted (RFC 7592)', async () => {
    const sandbox = await start();
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([unregistered(sandbox.endpoints.issuer)]));
    const login = await runBinary(['login', 'reg', '--no-browser'], { cwd: dir, onStderr: approveInBrowser() });
    expect(login.code).toBe(0);
    const records = registrationRecords(sandbox.state)!;
    expect(records.requests).toBe(1);
    expect(records.lastRequest).toEqual({
      client_name: 'tokensmith',
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
      scope: 'tweet.read users.read offline.access',
      client_uri: 'https://github.com/tokensmith/tokensmith',
    });
    const client = sandbox.state.oauth2Clients.find((c) => c.clientId.startsWith('dyn-'))!;
    const registrationToken = records.accessTokens.get(client.clientId)!;
    // The stored record: the client id, the registration access token and URI, the redirect URIs.
    const stored = Object.values(JSON.parse(readFileSync(tokenFile(dir), 'utf8')) as Record<string, unknown>)
      .flatMap((value) => (value && typeof value === 'object' ? Object.entries(value as Record<string, unknown>) : []))
      .find(([key]) => key.startsWith('registered-client:'));
    expect(stored).toBeDefined();
    const record = stored![1] as { type: string; token: string; tokenSecret: string; extra: { client: string } };
    expect(record.token).toBe(client.clientId);
    expect(record.tokenSecret).toBe('');
    expect(JSON.parse(record.extra.client)).toEqual({
      kind: 'rfc7591',
      issuer: sandbox.endpoints.issuer,
      authMethod: 'none',
      redirectUris: ['http://127.0.0.1/callback'],
      registrationAccessToken: registrationToken,
      registrationClientUri: `${sandbox.url}/oauth2/register/${client.clientId}`,
      registeredAt: expect.any(Number) as number,
    });
    const [row] = await status(dir);
    expect(row).toMatchObject({
      loggedIn: true,
      refreshable: true,
      registeredClient: {
        kind: 'rfc7591',
        clientId: client.clientId,
        redirectUris: ['http://127.0.0.1/callback'],
        registrationClientUri: `${sandbox.url}/oauth2/register/${client.clientId}`,
      },
    });
    expect(JSON.stringify(row)).not.toContain(registrationToken);

    const again = await runBinary(['login', 'reg', '--no-browser'], { cwd: dir, onStderr: approveInBrowser() });
    expect(again.code).toBe(0);
    expect(records.requests).toBe(1);

    const logout = await runBinary(['--verbose', 'logout', 'reg', '--forget-client'], { cwd: dir });
    expect(logout.code).toBe(0);
    expect(logout.stderr).toContain(`deleted at ${host(sandbox)} (RFC 7592)`);
    expect(records.deletions).toBe(1);
    expect(sandbox.state.oauth2Clients.some((c) => c.clientId === client.clientId)).toBe(false);
    expect(logout.stderr + logout.stdout).not.toContain(registrationToken);
    const [after] = await status(dir);
    expect(after).toEqual(expect.objectContaining({ loggedIn: false }));
    expect(after!.registeredClient).toBeUndefined();
  });

  it('registers again when the stored client was registered with another redirect URI', async () => {
    const sandbox = await start();
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([unregistered(sandbox.endpoints.issuer)]));
    expect((await runBinary(['login', 'reg', '--no-browser'], { cwd: dir, onStderr: approveInBrowser() })).code).toBe(0);
    writeConfig(
      dir,
      sandboxConfig([
        unregistered(sandbox.endpoints.issuer, ['scopes: [tweet.read, users.read, offline.access]', 'redirectUri: http://127.0.0.1/other']),
      ]),
    );
    // Another redirectUri is another endpoint binding too; either way a client for it is registered.
    const login = await runBinary(['login', 'reg', '--no-browser'], { cwd: dir, onStderr: approveInBrowser() });
    expect(login.code).toBe(0);
    expect(registrationRecords(sandbox.state)!.requests).toBe(2);
    expect(registrationRecords(sandbox.state)!.lastRequest).toMatchObject({ redirect_uris: ['http://127.0.0.1/other'] });
  });

  it('sends the initial access token when configured, and names the field when it is refused', async () => {
    const sandbox = await start();
    registrationRecords(sandbox.state)!.initialAccessToken = 'iat-sandbox-123';
    const dir = tempDir();
    writeConfig(
      dir,
      sandboxConfig([
        unregistered(sandbox.endpoints.issuer, ['scopes: [tweet.read]', 'authMethod: post', 'initialAccessToken: ${INITIAL_TOKEN}']),
      ]),
    );
    const env = { INITIAL_TOKEN: 'wrong-token', TOKENSMITH_TRUSTED_VARIABLES: 'INITIAL_TOKEN' };
    const refused = await runBinary(['login', 'reg', '--no-browser'], { cwd: dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('the server refused to register tokensmith');
    expect(refused.stderr).toContain('providers.reg.initialAccessToken');
    expect(refused.stderr).not.toContain('wrong-token');
    const accepted = await runBinary(['login', 'reg', '--no-browser'], {
      cwd: dir,
      env: { ...env, INITIAL_TOKEN: 'iat-sandbox-123' },
      onStderr: approveInBrowser(),
    });
    expect(accepted.code).toBe(0);
    expect(accepted.stderr).not.toContain('iat-sandbox-123');
  });
});

describe('registration errors', () => {
  it('a clientSecret without clientId is refused by the config check, naming both fields', async () => {
    const sandbox = await start();
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([unregistered(sandbox.endpoints.issuer, ['scopes: [read]', 'clientSecret: literal-secret'])]));
    const login = await runBinary(['login', 'reg'], { cwd: dir });
    expect(login.code).toBe(1);
    expect(login.stderr).toContain('needs clientId, or issuer without clientSecret');
    expect(login.stderr).not.toContain('literal-secret');
    expect(registrationRecords(sandbox.state)!.requests).toBe(0);
  });

  it('a server with no registration endpoint and no clientId: both ways out', async () => {
    const sandbox = await start(DEFAULT_SANDBOX_MODULES.filter((m) => m !== installClientRegistration));
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([unregistered(sandbox.endpoints.issuer)]));
    const login = await runBinary(['login', 'reg', '--no-browser'], { cwd: dir });
    expect(login.code).toBe(1);
    expect(login.stderr).toContain('offers no client registration');
    expect(login.stderr).toContain('providers.reg.clientId');
    expect(login.stderr).toContain('a server that supports registration');
    expect(login.stderr).toContain('--instance HOST');
  });

  it('a refused redirect URI (invalid_redirect_uri) names redirectUri, on either kind of server', async () => {
    const sandbox = await start();
    const instance = await start(MASTODON_SANDBOX_MODULES);
    const dir = tempDir();
    // https on a host the loopback listener cannot serve: the strategy would paste; the server refuses localhost outright.
    writeConfig(
      dir,
      sandboxConfig([
        unregistered(sandbox.endpoints.issuer, ['scopes: [tweet.read]', 'redirectUri: http://localhost/callback']),
        unregistered(instance.url, ['scopes: [read]', 'redirectUri: http://localhost/callback']).replace('  reg:', '  masto:'),
      ]),
    );
    for (const name of ['reg', 'masto']) {
      const login = await runBinary(['login', name, '--no-browser'], { cwd: dir });
      expect(login.code).toBe(2);
      expect(login.stderr).toContain('invalid_redirect_uri');
      expect(login.stderr).toContain(`providers.${name}.redirectUri`);
    }
    expect(registrationRecords(sandbox.state)!.requests).toBe(1);
    expect(mastodonRecords(instance.state).appRegistrations).toBe(1);
  });

  it('refused metadata (invalid_client_metadata) names the scopes', async () => {
    const sandbox = await start();
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([unregistered(sandbox.endpoints.issuer, ['scopes: [admin.everything]'])]));
    const login = await runBinary(['login', 'reg', '--no-browser'], { cwd: dir });
    expect(login.code).toBe(2);
    expect(login.stderr).toContain('invalid_client_metadata');
    expect(login.stderr).toContain('providers.reg.scopes');
  });

  it('a client id and secret stay out of the way: a configured clientId never registers', async () => {
    const sandbox = await start();
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'authorization-code')]));
    const login = await runBinary(['login', 'me', '--no-browser'], { cwd: dir, onStderr: approveInBrowser() });
    expect(login.code).toBe(0);
    expect(registrationRecords(sandbox.state)!.requests).toBe(0);
    expect(DEMO_CREDENTIALS.oauth2.clientId).toBe('sandbox-cli');
  });
});

describe('the out-of-band redirect (paste the code the instance shows)', () => {
  it('registers the app with urn:ietf:wg:oauth:2.0:oob and logs in with the pasted code', async () => {
    const instance = await start(MASTODON_SANDBOX_MODULES);
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([unregistered(instance.url, ['scopes: [read]', 'redirectUri: urn:ietf:wg:oauth:2.0:oob'])]));
    const pty = runInPty(['login', 'reg', '--no-browser'], { cwd: dir });
    const screen = await pty.waitFor('paste the URL it was redirected to (or the code): ');
    const authorizeUrl = /Open this URL to authorize:\r?\n\s+(\S+)/.exec(screen)![1]!;
    expect(new URL(authorizeUrl).searchParams.get('redirect_uri')).toBe('urn:ietf:wg:oauth:2.0:oob');
    const { html } = await decideOnAuthorizePage(authorizeUrl, 'approve');
    const code = /<output id="code">([^<]+)<\/output>/.exec(html)![1]!;
    pty.type(`${code}\r`);
    expect(await pty.exited).toBe(0);
    expect(pty.text).toContain('Logged in to reg');
    const records = mastodonRecords(instance.state);
    expect(records.lastAppRequest).toMatchObject({ redirect_uris: 'urn:ietf:wg:oauth:2.0:oob' });
    expect(records.tokens.size).toBe(1);
  });
});
