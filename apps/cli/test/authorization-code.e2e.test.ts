import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, decideOnAuthorizePage, type Sandbox } from '@tokensmith/sandbox';
import { runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await sandbox.stop();
});

const config = (issuer?: string) => sandboxConfig([sandboxProvider(sandbox, 'authorization-code', issuer ? { issuer } : {})]);

/** Plays the browser: when the CLI prints the authorize URL, decide on the consent page and follow the redirect to the CLI's loopback listener. */
function browser(action: 'approve' | 'deny', seen: { page?: string } = {}) {
  let started = false;
  return (stderr: string, child: ChildProcess) => {
    const url = /Open this URL to authorize:\n\s+(\S+)/.exec(stderr)?.[1];
    if (!url || started) return;
    started = true;
    void (async () => {
      const decision = await decideOnAuthorizePage(url, action);
      const callback = await fetch(decision.location!);
      seen.page = await callback.text();
    })().catch((error: unknown) => child.kill() && console.error(error));
  };
}

const tokenFile = (dir: string) => join(dir, '.config', 'tokensmith', 'tokens.json');

describe('tokensmith login (authorization code + PKCE) against the sandbox', () => {
  it('logs in through the loopback redirect, prints the timeline, and later refreshes without a browser', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const seen: { page?: string } = {};
    const login = await runBinary(['login', 'me', '--no-browser'], { cwd: dir, onStderr: browser('approve', seen) });
    expect(login.stderr).toMatch(
      new RegExp(`Open this URL to authorize:\\n  ${sandbox.endpoints.oauth2AuthorizeUrl.replace(/[.?]/g, '\\$&')}\\?`),
    );
    expect(login.code).toBe(0);
    expect(login.stderr).toContain('Logged in to me');
    expect(seen.page).toMatch(/close this (tab|window)/i);

    const timeline = await runBinary(['timeline', 'me', '--count', '2'], { cwd: dir, stdin: '' });
    expect(timeline.code).toBe(0);
    expect(timeline.stdout).toMatch(/^Tweet: .+\nOn: .+\nBy: Twitter API \(@twitterapi\)\n/);

    // Time passes: the stored access token expires. The next run refreshes it, with no browser.
    const file = tokenFile(dir);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const text = JSON.stringify(stored).replace(/"expiresAt":\d+/, `"expiresAt":${Date.now() - 1000}`);
    writeFileSync(file, text);
    const later = await runBinary(['timeline', 'me', '--count', '1'], { cwd: dir, stdin: '' });
    expect(later.code).toBe(0);
    expect(later.stderr).not.toContain('Open this URL');
    expect(sandbox.stats.refreshRequests).toBe(1);

    const status = JSON.parse((await runBinary(['status', '--json'], { cwd: dir })).stdout) as {
      providers: Array<{ loggedIn: boolean; refreshable: boolean; scopes: string[] }>;
    };
    expect(status.providers[0]).toMatchObject({
      loggedIn: true,
      refreshable: true,
      scopes: ['tweet.read', 'users.read', 'offline.access'],
    });

    const logout = await runBinary(['logout', 'me'], { cwd: dir });
    expect(logout.code).toBe(0);
    expect(sandbox.state.userTokens.size).toBe(0);
    const after = JSON.parse((await runBinary(['status', '--json'], { cwd: dir })).stdout) as { providers: Array<{ loggedIn: boolean }> };
    expect(after.providers[0]!.loggedIn).toBe(false);
  });

  it('a denied consent exits 2 with access_denied and stores nothing', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const login = await runBinary(['login', 'me', '--no-browser'], { cwd: dir, onStderr: browser('deny') });
    expect(login.code).toBe(2);
    expect(login.stderr).toMatch(/error: .*access_denied/);
    const status = JSON.parse((await runBinary(['status', '--json'], { cwd: dir })).stdout) as { providers: Array<{ loggedIn: boolean }> };
    expect(status.providers[0]!.loggedIn).toBe(false);
  });

  it('timeline without a login, with CI=true and no stdin, fails at once with the login command (measured: 300 s, then exit 3)', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const started = Date.now();
    const result = await runBinary(['timeline', 'me'], { cwd: dir, stdin: '' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not logged in to me, and a login needs a person (CI is set): run `tokensmith login me` in a terminal');
    expect(result.stderr).not.toContain('Open this URL');
  });

  it('login with --no-input does not wait for a browser: exit 2 at once, no listener started', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const result = await runBinary(['--no-input', 'login', 'me'], { cwd: dir, stdin: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('a login needs a person (--no-input was given)');
    expect(result.stderr).not.toContain('Open this URL');
  });

  it('a redirect port taken by another program names providers.me.redirectUri, never a --port login does not have', async () => {
    const { createServer } = await import('node:net');
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (busy.address() as { port: number }).port;
      const dir = tempDir();
      writeConfig(dir, config().replace('redirectUri: http://127.0.0.1/callback', `redirectUri: http://127.0.0.1:${port}/callback`));
      const login = await runBinary(['login', 'me', '--no-browser'], { cwd: dir, stdin: '' });
      expect(login.code).toBe(1);
      expect(login.stderr).toContain(
        `error: port ${port} on 127.0.0.1, the port of providers.me.redirectUri, is already in use by another program`,
      );
      expect(login.stderr).toMatch(/^hint: .*providers\.me\.redirectUri/m);
      expect(login.stderr).not.toContain('--port');
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it('refuses a plain http:// issuer that is not loopback, saying why, with exit 1', async () => {
    const dir = tempDir();
    writeConfig(dir, config('http://auth.example.com'));
    const login = await runBinary(['login', 'me', '--no-browser'], { cwd: dir, stdin: '' });
    expect(login.code).toBe(1);
    expect(login.stderr).toMatch(/https:\/\/.*loopback/);
  });
});
