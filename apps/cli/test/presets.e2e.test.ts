import { DEMO_CREDENTIALS, decideOnAuthorizePage, startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SANDBOX_ENV, approveInBrowser, runBinary, tempDir, writeConfig } from './helpers.js';

// Presets through the real binary against the sandbox's X emulation: a config with only the preset,
// the credentials and `presetBaseUrl` (the preset's X URLs moved onto the sandbox, paths kept).

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await sandbox.stop();
});

const origin = () => sandbox.endpoints.issuer;
const env = SANDBOX_ENV;

function presetConfig(name: string, fields: string[]): string {
  return `store: file\nproviders:\n  ${name}:\n${fields.map((field) => `    ${field}\n`).join('')}`;
}

describe('preset: x-app (client credentials) against the sandbox', () => {
  const config = () =>
    presetConfig('xapp', [
      'preset: x-app',
      `presetBaseUrl: ${origin()}`,
      `clientId: ${DEMO_CREDENTIALS.app.clientId}`,
      'clientSecret: ${APP_SECRET}',
    ]);

  it('gets an app-only token from the preset token endpoint and reads a v2 timeline and an api path', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const timeline = await runBinary(['timeline', 'xapp', '--user', 'twitterapi', '--count', '2'], { cwd: dir, env });
    expect(timeline.code).toBe(0);
    expect(timeline.stderr).toContain(`✔ 2 posts from ${new URL(origin()).host}`);
    expect(timeline.stdout).toMatch(/^Tweet: .+/);
    const api = await runBinary(['api', 'xapp', '/2/users/by/username/twitterapi'], { cwd: dir, env });
    expect(api.code).toBe(0);
    expect(JSON.parse(api.stdout)).toMatchObject({ data: { username: 'twitterapi' } });
    expect(sandbox.stats.tokenRequests).toBe(1); // one token, stored, reused
    for (const output of [timeline.stdout, timeline.stderr, api.stdout, api.stderr])
      expect(output).not.toContain(DEMO_CREDENTIALS.app.clientSecret);
  });

  it('providers --json shows the preset and the endpoints the provider resolved to', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const result = await runBinary(['providers', '--json'], { cwd: dir, env });
    expect(result.code).toBe(0);
    const [row] = (JSON.parse(result.stdout) as { providers: Array<Record<string, unknown>> }).providers;
    expect(row).toMatchObject({
      provider: 'xapp',
      strategy: 'client-credentials',
      preset: 'x-app',
      endpoints: {
        tokenUrl: `${origin()}/oauth2/token`,
        invalidateUrl: `${origin()}/oauth2/invalidate_token`,
        baseUrl: `${origin()}/`,
        timelineUrl: `${origin()}/2`,
      },
    });
  });

  it('logout invalidates the token at the preset invalidate endpoint', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    expect((await runBinary(['token', 'xapp'], { cwd: dir, env })).code).toBe(0);
    const logout = await runBinary(['logout', 'xapp'], { cwd: dir, env });
    expect(logout.code).toBe(0);
    expect(sandbox.state.appTokens.size).toBe(0);
  });
});

describe('preset: x (OAuth 2 user context, PKCE) against the sandbox', () => {
  it('logs in through the preset authorize and token endpoints as a public client, then reads the timeline', async () => {
    const dir = tempDir();
    writeConfig(
      dir,
      presetConfig('x', [
        'preset: x',
        `presetBaseUrl: ${origin()}`,
        `clientId: ${DEMO_CREDENTIALS.oauth2.clientId}`,
        'redirectUri: http://127.0.0.1/callback',
      ]),
    );
    const browser = approveInBrowser();
    const login = await runBinary(['login', 'x', '--no-browser'], { cwd: dir, env, onStderr: browser });
    expect(login.stderr).toContain(`Open this URL to authorize:\n  ${origin()}/i/oauth2/authorize?`);
    expect(login.stderr).toContain('scope=tweet.read+users.read+offline.access');
    expect(login.code).toBe(0);
    const status = await runBinary(['status', '--json'], { cwd: dir, env });
    expect(JSON.parse(status.stdout).providers[0]).toMatchObject({ provider: 'x', loggedIn: true });
    const timeline = await runBinary(['timeline', 'x', '--count', '1'], { cwd: dir, env });
    expect(timeline.code).toBe(0);
    expect(timeline.stdout).toMatch(/^Tweet: .+/);

    // The access token expires: the next run refreshes at X's token path, and the rotated refresh
    // token (single-use, offline.access) replaces the spent one in the store.
    const file = join(dir, '.config', 'tokensmith', 'tokens.json');
    const refreshTokenIn = (text: string) => /"refreshToken": ?"([^"]+)"/.exec(text)?.[1];
    const before = readFileSync(file, 'utf8');
    writeFileSync(file, before.replace(/"expiresAt": ?\d+/, `"expiresAt":${Date.now() - 1000}`));
    const later = await runBinary(['timeline', 'x', '--count', '1'], { cwd: dir, env });
    expect(later.code).toBe(0);
    expect(sandbox.stats.refreshRequests).toBe(1);
    const after = readFileSync(file, 'utf8');
    expect(refreshTokenIn(before)).toBeDefined();
    expect(refreshTokenIn(after)).toBeDefined();
    expect(refreshTokenIn(after)).not.toBe(refreshTokenIn(before));
  });
});

describe('preset: x-oauth1 (PIN) against the sandbox', () => {
  it('logs in in two steps at the preset OAuth 1.0a endpoints and signs a timeline request', async () => {
    const dir = tempDir();
    writeConfig(
      dir,
      presetConfig('xo', [
        'preset: x-oauth1',
        `presetBaseUrl: ${origin()}`,
        `consumerKey: ${DEMO_CREDENTIALS.oauth1.consumerKey}`,
        'consumerSecret: ${CONSUMER_SECRET}',
      ]),
    );
    const start = await runBinary(['login', 'xo', '--no-browser'], { cwd: dir, env });
    const url = /(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/.exec(start.stderr)?.[1];
    expect(url).toBeDefined();
    const { pin } = await decideOnAuthorizePage(url!, 'approve');
    const finish = await runBinary(['login', 'xo', '--pin', pin!], { cwd: dir, env });
    expect(finish.code).toBe(0);
    const timeline = await runBinary(['timeline', 'xo', '--count', '1'], { cwd: dir, env });
    expect(timeline.code).toBe(0);
    expect(timeline.stdout).toMatch(/^Tweet: .+/);
  });
});

describe('client credentials with issuer only (token endpoint from the metadata)', () => {
  it("discovers the sandbox's token endpoint and gets a token; a wrong issuer names issuer", async () => {
    const dir = tempDir();
    writeConfig(
      dir,
      presetConfig('app', [
        'strategy: client-credentials',
        `issuer: ${origin()}`,
        `clientId: ${DEMO_CREDENTIALS.app.clientId}`,
        'clientSecret: ${APP_SECRET}',
      ]),
    );
    const token = await runBinary(['token', 'app', '--json'], { cwd: dir, env });
    expect(token.code).toBe(0);
    expect(sandbox.stats.tokenRequests).toBe(1);
    const wrong = tempDir();
    writeConfig(
      wrong,
      presetConfig('app', [
        'strategy: client-credentials',
        `issuer: ${origin()}/nowhere`,
        `clientId: ${DEMO_CREDENTIALS.app.clientId}`,
        'clientSecret: ${APP_SECRET}',
      ]),
    );
    const failed = await runBinary(['token', 'app'], { cwd: wrong, env });
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('issuer');
    expect(failed.stderr).not.toContain(DEMO_CREDENTIALS.app.clientSecret);
  });
});

describe("preset: github honours GitHub's Accept quirk", () => {
  // GitHub's device and token endpoints answer form-encoded unless sent Accept: application/json.
  // A loopback stand-in that does exactly that: a client without the header gets a form body it
  // cannot read as JSON, so the login below passes only if every request asked for JSON.
  it('logs in with the device flow at the preset paths, every request asking for JSON', async () => {
    const seen: Array<{ path: string; accept: string }> = [];
    const answer = (req: IncomingMessage, json: Record<string, unknown>) => {
      const accept = req.headers.accept ?? '';
      seen.push({ path: req.url ?? '', accept });
      return /application\/json/.test(accept)
        ? { type: 'application/json', body: JSON.stringify(json) }
        : { type: 'application/x-www-form-urlencoded', body: new URLSearchParams(json as Record<string, string>).toString() };
    };
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const reply =
          req.url === '/login/device/code'
            ? answer(req, {
                device_code: 'dc-1',
                user_code: 'WDJB-MJHT',
                verification_uri: 'https://github.com/login/device',
                expires_in: 900,
                interval: 1,
              })
            : req.url === '/login/oauth/access_token'
              ? answer(req, { access_token: 'gho_example', token_type: 'bearer', scope: 'read:user' })
              : undefined;
        if (!reply) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': reply.type }).end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const dir = tempDir();
      const port = (server.address() as AddressInfo).port;
      writeConfig(dir, presetConfig('gh', ['preset: github', `presetBaseUrl: http://127.0.0.1:${port}`, 'clientId: Iv1.example']));
      const login = await runBinary(['login', 'gh', '--json'], { cwd: dir, env });
      expect(login.stderr + login.stdout).not.toContain('gho_example');
      expect(login.code).toBe(0);
      expect(login.stdout).toContain('"event":"device_code"');
      expect(seen.map((request) => request.path)).toEqual(['/login/device/code', '/login/oauth/access_token']);
      for (const request of seen) expect(request.accept).toMatch(/application\/json/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
