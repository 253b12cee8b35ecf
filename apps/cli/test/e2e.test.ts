import { startSandbox, DEMO_CREDENTIALS, decideOnAuthorizePage, type Sandbox } from '@tokensmith/sandbox';
import { SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';
import { runInPty } from './pty.js';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await sandbox.stop();
});

/** An app-only provider named `sandbox` (the default) against the test's sandbox, tokens in memory. */
const config = (secretRef?: string, tokenUrl?: string) =>
  sandboxConfig(
    [
      sandboxProvider(sandbox, 'client-credentials', {
        name: 'sandbox',
        ...(secretRef ? { secretRef } : {}),
        ...(tokenUrl ? { tokenUrl } : {}),
      }),
    ],
    { store: 'memory', defaultProvider: 'sandbox' },
  );
const env = SANDBOX_ENV;

describe('tokensmith (built binary) against a real sandbox', () => {
  it('prints a timeline like the recipe: Tweet:, On:, By:', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const result = await runBinary(['timeline', 'sandbox', '--user', 'twitterapi', '--count', '3'], { cwd: dir, env });
    expect(result.stderr).not.toContain('error');
    expect(result.code).toBe(0);
    const blocks = result.stdout.trim().split('\n\n');
    expect(blocks).toHaveLength(3);
    for (const block of blocks)
      expect(block).toMatch(/^Tweet: .+\nOn: \w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} \+0000 \d{4}\nBy: Twitter API \(@twitterapi\)$/);
    expect(result.stdout).toContain('strict & "quoted" <tags>');
    expect(sandbox.stats.tokenRequests).toBe(1);
    expect(result.stdout + result.stderr).not.toContain(DEMO_CREDENTIALS.app.clientSecret);
  });

  it('prints JSON with --json, and the token with token --json', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const timeline = await runBinary(['timeline', '--user', 'cafe_dev', '--json'], { cwd: dir, env });
    expect(timeline.code).toBe(0);
    const posts = JSON.parse(timeline.stdout) as Array<{ text: string; author: { handle: string } }>;
    expect(posts.map((p) => p.author.handle)).toEqual(['cafe_dev', 'cafe_dev']);
    expect(posts[0]!.text).toBe('Ünïcödé survives the round trip: café ☕ 日本語 🚀');
    const token = await runBinary(['token', '--json'], { cwd: dir, env });
    expect(token.code).toBe(0);
    const body = JSON.parse(token.stdout) as { accessToken: string; expiresAt: string | null };
    expect(sandbox.state.appTokens.has(body.accessToken)).toBe(true);
    expect(body.expiresAt).toBeNull();
  });

  it('runs against the embedded sandbox when there is no config file (npm start)', async () => {
    const result = await runBinary(['timeline'], { cwd: tempDir() });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('No config file found: using the built-in demo (embedded sandbox at http://127.0.0.1:');
    expect(result.stdout).toMatch(/^Tweet: Hello from the tokensmith sandbox/);
    expect(result.stdout.match(/^By: /gm)).toHaveLength(5);
  });

  it.each([
    ['sandbox-oauth1', 'PIN'],
    ['sandbox-oauth2', 'browser redirect'],
  ])("runs the embedded demo's %s provider through its %s login in one process, on a terminal", async (provider, how) => {
    const pty = runInPty(['timeline', provider, '--no-browser', '--count', '2'], { cwd: tempDir() });
    const screen = await pty.waitFor(how === 'PIN' ? 'PIN: ' : 'paste the URL');
    const url = /Open this URL to authorize:\r?\n\s+(\S+)/.exec(screen)![1]!;
    const decision = await decideOnAuthorizePage(url, 'approve');
    if (how === 'PIN') pty.type(`${decision.pin}\r`);
    else await fetch(decision.location!);
    expect(await pty.exited).toBe(0);
    expect(pty.text.match(/^By: Twitter API \(@twitterapi\)$/gm)).toHaveLength(2);
  });

  it('a wrong secret exits 2 with the server error and without the secret', async () => {
    const dir = tempDir();
    writeConfig(dir, config('WRONG-SECRET-abc123'));
    const result = await runBinary(['timeline', '--user', 'twitterapi'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('HTTP 403 authenticity_token_error: Unable to verify your credentials');
    expect(result.stderr).toContain('check providers.sandbox.clientId and providers.sandbox.clientSecret');
    expect(result.stdout + result.stderr).not.toContain('WRONG-SECRET-abc123');
  });

  it('an unknown user exits 1 naming the user; an unreachable token URL exits 3 naming the field', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const unknown = await runBinary(['timeline', '--user', 'nobody'], { cwd: dir, env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('user @nobody not found');
    const closed = await startSandbox();
    const deadUrl = closed.endpoints.tokenUrl;
    await closed.stop();
    writeConfig(dir, config(undefined, deadUrl));
    const down = await runBinary(['timeline', '--user', 'twitterapi'], { cwd: dir, env });
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('cannot reach providers.sandbox.tokenUrl');
  });

  it('re-authenticates once when the app token is invalidated between calls (401 retry)', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const { createClientCredentialsProvider } = await import('@tokensmith/client-credentials');
    const { createAuthenticatedFetch } = await import('@tokensmith/core');
    const provider = createClientCredentialsProvider({ tokenUrl: sandbox.endpoints.tokenUrl, ...DEMO_CREDENTIALS.app });
    const api = createAuthenticatedFetch(provider);
    const first = await provider.getToken();
    sandbox.state.appTokens.delete(first.accessToken);
    const res = await api(`${sandbox.endpoints.timelineUrl}?screen_name=twitterapi`);
    expect(res.status).toBe(200);
    expect((await provider.getToken()).accessToken).not.toBe(first.accessToken);
    expect(sandbox.stats.tokenRequests).toBe(2);
  });
});
