import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { SANDBOX_ENV, approveInBrowser, runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';

// Issue 24: `tokensmith refresh <provider>` renews now, as the strategy adapter says: a refresh
// token, a new app token, or (OAuth 1.0a) nothing to renew. Progress on stderr, `--json` on stdout,
// never a token on either.

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

function setup() {
  const dir = tempDir();
  writeConfig(
    dir,
    sandboxConfig([
      sandboxProvider(sandbox, 'oauth1-pin'),
      sandboxProvider(sandbox, 'client-credentials'),
      sandboxProvider(sandbox, 'authorization-code'),
    ]),
  );
  return { dir, env: { ...SANDBOX_ENV, TOKENSMITH_TOKEN_FILE: join(dir, 'tokens.json') } };
}

const tokenOf = async (dir: string, env: NodeJS.ProcessEnv, provider: string) =>
  (await runBinary(['token', provider], { cwd: dir, env })).stdout.trim();

describe('tokensmith refresh', () => {
  it('an app-only provider gets a new app token; --json says how, with the shared fields and no token', async () => {
    const { dir, env } = setup();
    const first = await tokenOf(dir, env, 'app');
    const before = sandbox.stats.tokenRequests;
    const refreshed = await runBinary(['refresh', 'app', '--json'], { cwd: dir, env });
    expect(refreshed.code).toBe(0);
    expect(sandbox.stats.tokenRequests).toBe(before + 1);
    const json = JSON.parse(refreshed.stdout);
    expect(json).toMatchObject({
      provider: 'app',
      strategy: 'client-credentials',
      store: { kind: 'file', path: join(dir, 'tokens.json') },
      renewedBy: 'app-token',
      scopesAdded: [],
      loggedIn: true,
      tokenType: 'bearer',
      scopes: [],
    });
    // Twitter (and the sandbox) may answer with the same app token again: what counts is that it was asked.
    expect(refreshed.stdout + refreshed.stderr).not.toContain(first);
    expect(refreshed.stdout + refreshed.stderr).not.toContain(SANDBOX_ENV.APP_SECRET);
  });

  it('a user provider renews with its refresh token, no browser; progress goes to stderr', async () => {
    const { dir, env } = setup();
    const login = await runBinary(['login', 'me', '--no-browser'], { cwd: dir, env, onStderr: approveInBrowser() });
    expect(login.code).toBe(0);
    const first = await tokenOf(dir, env, 'me');
    const refreshes = sandbox.stats.refreshRequests;
    const refreshed = await runBinary(['refresh', 'me'], { cwd: dir, env, stdin: '' });
    expect(refreshed.code).toBe(0);
    expect(refreshed.stdout).toBe('');
    expect(refreshed.stderr).toContain("Renewed me's token");
    expect(refreshed.stderr).not.toContain('Open this URL');
    expect(sandbox.stats.refreshRequests).toBe(refreshes + 1);
    const second = await tokenOf(dir, env, 'me');
    expect(second).not.toBe(first);
    // Never a token or refresh token in what refresh printed.
    const stored = readFileSync(join(dir, 'tokens.json'), 'utf8');
    for (const secret of [...stored.matchAll(/"(?:accessToken|refreshToken)":"([^"]+)"/g)].map((m) => m[1]!))
      expect(refreshed.stderr).not.toContain(secret);
  });

  it('OAuth 1.0a has nothing to renew: exit 1 naming login; more scopes without a person: exit 1 with what to run', async () => {
    const { dir, env } = setup();
    const oauth1 = await runBinary(['refresh', 'user'], { cwd: dir, env });
    expect(oauth1.code).toBe(1);
    expect(oauth1.stderr).toContain('user uses oauth1-pin, whose tokens neither expire nor renew; for new ones run tokensmith login user');
    const scopes = await runBinary(['refresh', 'user', '--scopes', 'x'], { cwd: dir, env });
    expect(scopes.code).toBe(1);
    expect(scopes.stderr).toContain('user uses oauth1-pin, which has no scopes');
    const grow = await runBinary(['refresh', 'me', '--scopes', 'tweet.read,openid'], { cwd: dir, env });
    expect(grow.code).toBe(1);
    expect(grow.stderr).toContain('asking me for openid takes a new login, and nobody can answer here');
  });

  it('--scopes on an app-only provider: a new app token for the larger set, and a note to put them in the config', async () => {
    const { dir, env } = setup();
    const refreshed = await runBinary(['refresh', 'app', '--scopes', 'tweet.read', '--json'], { cwd: dir, env });
    expect(refreshed.code).toBe(0);
    expect(JSON.parse(refreshed.stdout)).toMatchObject({ renewedBy: 'app-token', scopesAdded: ['tweet.read'] });
    expect(refreshed.stderr).toContain("Asking for tweet.read beyond the config's scopes: this takes a new app token");
    expect(refreshed.stderr).toContain('add tweet.read to providers.app.scope in');
  });

  it('an unknown provider: exit 1, did you mean', async () => {
    const { dir, env } = setup();
    const result = await runBinary(['refresh', 'ap'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('did you mean app?');
  });
});
