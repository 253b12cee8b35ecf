import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decideOnAuthorizePage } from '@tokensmith/sandbox';
import { runBinary, tempDir } from './helpers.js';
import { runInPty } from './pty.js';

// The built-in demo (no config file) persists (issue 12, measured: "login says Logged in and status
// then says not logged in"): login -> status -> timeline -> logout as four commands, tokens in a
// demo file of their own, the embedded sandbox's memory carried from one run to the next.
const demoDir = (dir: string) => join(dir, '.config', 'tokensmith', 'demo');

async function status(dir: string) {
  const result = await runBinary(['status', '--json'], { cwd: dir });
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as {
    store: { kind: string; path?: string };
    providers: Array<{ provider: string; loggedIn: boolean; user?: string | null }>;
  };
}
const row = (s: Awaited<ReturnType<typeof status>>, name: string) => s.providers.find((p) => p.provider === name)!;

describe('the built-in demo persists between commands', () => {
  it('OAuth 1.0a: login on a terminal, then status, timeline and logout as separate runs', async () => {
    const dir = tempDir();
    const pty = runInPty(['login', 'sandbox-oauth1', '--no-browser'], { cwd: dir });
    const screen = await pty.waitFor('PIN: ');
    const { pin } = await decideOnAuthorizePage(/Open this URL to authorize:\r?\n\s+(\S+)/.exec(screen)![1]!, 'approve');
    pty.type(`${pin!}\r`);
    expect(await pty.exited).toBe(0);

    const after = await status(dir);
    expect(after.store).toEqual({ kind: 'file', path: join(demoDir(dir), 'demo-tokens.json') });
    expect(row(after, 'sandbox-oauth1')).toMatchObject({ loggedIn: true, user: 'twitterapi' });
    expect(statSync(join(demoDir(dir), 'demo-tokens.json')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dir, '.config', 'tokensmith', 'tokens.json'))).toBe(false); // real tokens untouched

    const timeline = await runBinary(['timeline', 'sandbox-oauth1', '--count', '1'], { cwd: dir });
    expect(timeline.stderr).not.toContain('error');
    expect(timeline.code).toBe(0);
    expect(timeline.stdout).toMatch(/^Tweet: .+\nOn: .+\nBy: Twitter API \(@twitterapi\)\n$/);

    const logout = await runBinary(['logout', 'sandbox-oauth1'], { cwd: dir });
    expect(logout.code).toBe(0);
    expect(row(await status(dir), 'sandbox-oauth1').loggedIn).toBe(false);
  });

  it('authorization code: login, timeline, a refresh in a later run after expiry, logout', async () => {
    const dir = tempDir();
    const pty = runInPty(['login', 'sandbox-oauth2', '--no-browser'], { cwd: dir });
    const screen = await pty.waitFor('paste the URL');
    const decision = await decideOnAuthorizePage(/Open this URL to authorize:\r?\n\s+(\S+)/.exec(screen)![1]!, 'approve');
    await fetch(decision.location!);
    expect(await pty.exited).toBe(0);
    expect(row(await status(dir), 'sandbox-oauth2').loggedIn).toBe(true);

    const file = join(demoDir(dir), 'demo-tokens.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"expiresAt":\s*\d+/g, `"expiresAt": ${Date.now() - 1000}`));
    const timeline = await runBinary(['timeline', 'sandbox-oauth2', '--count', '1'], { cwd: dir, stdin: '' });
    expect(timeline.stderr).not.toContain('error');
    expect(timeline.code).toBe(0);
    expect(timeline.stderr).toContain('Refreshing');

    expect((await runBinary(['logout', 'sandbox-oauth2'], { cwd: dir })).code).toBe(0);
    expect(row(await status(dir), 'sandbox-oauth2').loggedIn).toBe(false);
  });

  it('a two-step login against the demo says why it cannot work and what to run instead', async () => {
    const result = await runBinary(['login', 'sandbox-oauth1', '--no-browser'], { cwd: tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("the built-in demo's sandbox runs only while a command runs");
    expect(result.stderr).toContain('tokensmith sandbox --write tokensmith.config.yaml');
  });
});
