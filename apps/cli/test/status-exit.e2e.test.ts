import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, decideOnAuthorizePage, type Sandbox } from '@tokensmith/sandbox';
import { SANDBOX_ENV, approveInBrowser, runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';

// Issue 24: `status [provider]` filters to one provider and, as `gh auth status` does, exits 1 when
// the provider named (or, with no name, any provider that has a stored token) is not usable, so a
// script can run `tokensmith status x || tokensmith login x`. Nothing is sent to a provider.

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

async function loginOAuth1(dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const start = await runBinary(['login', 'user', '--no-browser'], { cwd: dir, env });
  const url = /Open this URL to authorize:\n {2}(\S+)/.exec(start.stderr)?.[1];
  const { pin } = await decideOnAuthorizePage(url!, 'approve');
  expect((await runBinary(['login', 'user', '--pin', pin!], { cwd: dir, env })).code).toBe(0);
}

/** Moves every stored token's expiry into the past and drops the refresh tokens: logged in, no longer usable. */
function expireWithoutRefresh(file: string): void {
  const stored = JSON.parse(readFileSync(file, 'utf8')) as { tokens: Record<string, { expiresAt?: number; refreshToken?: string }> };
  for (const credentials of Object.values(stored.tokens)) {
    if (credentials.expiresAt !== undefined) credentials.expiresAt = Date.now() - 60_000;
    delete credentials.refreshToken;
  }
  writeFileSync(file, JSON.stringify(stored));
}

describe('tokensmith status exit codes', () => {
  it('nothing logged in: plain status exits 0; a named provider that is not logged in exits 1; an app-only one exits 0', async () => {
    const { dir, env } = setup();
    const all = await runBinary(['status'], { cwd: dir, env });
    expect(all.code).toBe(0);
    const user = await runBinary(['status', 'user'], { cwd: dir, env });
    expect(user.code).toBe(1);
    expect(user.stderr).toBe('');
    expect(user.stdout).toMatch(/user\s+oauth1-pin\s+not logged in/);
    // Only the provider named is shown.
    expect(user.stdout).not.toMatch(/^app\s/m);
    const app = await runBinary(['status', 'app', '--json'], { cwd: dir, env });
    expect(app.code).toBe(0);
    expect(JSON.parse(app.stdout).providers).toEqual([
      {
        provider: 'app',
        strategy: 'client-credentials',
        loggedIn: false,
        tokenType: null,
        expiresAt: null,
        refreshable: false,
        scopes: [],
        user: null,
        dpopBound: false,
        usable: true,
      },
    ]);
  });

  it('logged in: exit 0, named or not; once a stored token has expired with no refresh token, exit 1 for it and for plain status', async () => {
    const { dir, env } = setup();
    await loginOAuth1(dir, env);
    const login = await runBinary(['login', 'me', '--no-browser'], { cwd: dir, env, onStderr: approveInBrowser() });
    expect(login.code).toBe(0);
    expect((await runBinary(['status'], { cwd: dir, env })).code).toBe(0);
    expect((await runBinary(['status', 'user'], { cwd: dir, env })).code).toBe(0);
    expect((await runBinary(['status', 'me'], { cwd: dir, env })).code).toBe(0);

    expireWithoutRefresh(join(dir, 'tokens.json'));
    const me = await runBinary(['status', 'me', '--json'], { cwd: dir, env });
    expect(me.code).toBe(1);
    expect(JSON.parse(me.stdout).providers[0]).toMatchObject({ provider: 'me', loggedIn: true, usable: false, refreshable: false });
    const plain = await runBinary(['status'], { cwd: dir, env });
    expect(plain.code).toBe(1);
    expect(plain.stdout).toMatch(/me\s+authorization-code\s+logged in.*expired .*log in again/);
    // OAuth 1.0a tokens do not expire: still usable.
    expect((await runBinary(['status', 'user'], { cwd: dir, env })).code).toBe(0);
  });

  it('an unknown name exits 1 with "did you mean"; a provider with unset variables exits 1 when named', async () => {
    const { dir, env } = setup();
    const typo = await runBinary(['status', 'usr'], { cwd: dir, env });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('unknown provider usr (did you mean user?)');
    const unset = await runBinary(['status', 'app'], { cwd: dir, env: { ...env, APP_SECRET: undefined } });
    expect(unset.code).toBe(1);
    expect(unset.stdout).toMatch(/app\s+client-credentials\s+unresolved: set APP_SECRET/);
    // Not named, the unresolved provider (never logged in here) does not fail plain status.
    expect((await runBinary(['status'], { cwd: dir, env: { ...env, APP_SECRET: undefined } })).code).toBe(0);
  });
});
