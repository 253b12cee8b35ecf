import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

const config = () => sandboxConfig([sandboxProvider(sandbox, 'oauth1-pin')]);
const env = SANDBOX_ENV;
const pendingDir = (dir: string) => join(dir, '.config', 'tokensmith', 'pending');
const pendingFiles = (dir: string) =>
  existsSync(pendingDir(dir)) ? readdirSync(pendingDir(dir)).map((name) => join(pendingDir(dir), name)) : [];

async function status(dir: string) {
  const result = await runBinary(['status', '--json'], { cwd: dir, env });
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as { providers: Array<{ provider: string; loggedIn: boolean; user?: string }> };
}

/** Step 1 of the scriptable login (CI=true, no stdin): prints the URL, keeps the request, exits 0. */
async function startTwoStep(dir: string) {
  const start = await runBinary(['login', 'user', '--no-browser'], { cwd: dir, env });
  expect(start.code).toBe(0);
  const url = /Open this URL to authorize:\n {2}(\S+)/.exec(start.stderr)?.[1];
  expect(url).toBeDefined();
  return { start, url: url! };
}

describe('tokensmith login (OAuth 1.0a PIN) against the sandbox', () => {
  it('logs in in two steps without a terminal: URL and a 0600 pending file, then --pin; a later run prints the timeline signed', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const { start, url } = await startTwoStep(dir);
    expect(url.startsWith(`${sandbox.endpoints.authorizeUrl}?oauth_token=`)).toBe(true);
    expect(start.stderr.split(url).length - 1).toBe(1); // printed exactly once
    expect(start.stderr).toContain('tokensmith login user --pin PIN');
    expect(start.stderr).not.toContain('Opening');
    const [file, ...others] = pendingFiles(dir);
    expect(others).toEqual([]);
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    expect(statSync(pendingDir(dir)).mode & 0o777).toBe(0o700);

    const { pin } = await decideOnAuthorizePage(url, 'approve');
    const finish = await runBinary(['login', 'user', '--pin', pin!], { cwd: dir, env });
    expect(finish.stderr).toContain('Logged in to user');
    expect(finish.code).toBe(0);
    expect(pendingFiles(dir)).toEqual([]); // removed once used
    expect(sandbox.stats.requestTokenRequests).toBe(1);
    expect((await status(dir)).providers[0]).toMatchObject({ provider: 'user', loggedIn: true, user: 'twitterapi' });

    const timeline = await runBinary(['timeline', 'user', '--count', '2'], { cwd: dir, env });
    expect(timeline.code).toBe(0);
    expect(timeline.stdout).toMatch(/^Tweet: Hello from the tokensmith sandbox.*\nOn: .+\nBy: Twitter API \(@twitterapi\)\n/);
    for (const output of [start.stdout, start.stderr, finish.stdout, finish.stderr, timeline.stdout, timeline.stderr]) {
      expect(output).not.toContain(DEMO_CREDENTIALS.oauth1.consumerSecret);
      expect(output).not.toContain(pin!);
    }
  });

  it('with --json prints one object with the URL and the next command (the URL nowhere else)', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const start = await runBinary(['login', 'user', '--no-browser', '--json'], { cwd: dir, env });
    expect(start.code).toBe(0);
    const body = JSON.parse(start.stdout) as { provider: string; status: string; authorizeUrl: string; expiresAt: string; next: string };
    expect(body).toMatchObject({ provider: 'user', status: 'pending', next: 'tokensmith login user --pin PIN' });
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
    expect(start.stderr).not.toContain(body.authorizeUrl);
    expect(start.stdout).not.toContain(JSON.parse(readFileSync(pendingFiles(dir)[0]!, 'utf8')).state.oauthTokenSecret);
    const { pin } = await decideOnAuthorizePage(body.authorizeUrl, 'approve');
    const finish = await runBinary(['login', 'user', '--pin', pin!, '--json'], { cwd: dir, env });
    expect(finish.code).toBe(0);
    expect(JSON.parse(finish.stdout)).toMatchObject({ provider: 'user', loggedIn: true, user: 'twitterapi' });
  });

  it('a stale pending request (already used) or a wrong PIN says to start again, exit 2, and drops the pending file', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const { url } = await startTwoStep(dir);
    const file = pendingFiles(dir)[0]!;
    const saved = readFileSync(file, 'utf8');
    const { pin } = await decideOnAuthorizePage(url, 'approve');
    expect((await runBinary(['login', 'user', '--pin', pin!], { cwd: dir, env })).code).toBe(0);

    writeFileSync(file, saved, { mode: 0o600 }); // the same request token again: the server refuses it
    const stale = await runBinary(['login', 'user', '--pin', pin!], { cwd: dir, env });
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain('the PIN was not accepted (HTTP 401 token_used');
    expect(stale.stderr).toContain('log in in two steps: `tokensmith login user --no-browser`, then `tokensmith login user --pin PIN`');
    expect(pendingFiles(dir)).toEqual([]);

    await startTwoStep(dir);
    const wrong = await runBinary(['login', 'user', '--pin', '0000000'], { cwd: dir, env });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('the PIN was not accepted (HTTP 401 verifier_invalid');
    expect(wrong.stderr).not.toContain('0000000');
  });

  it('--pin with nothing pending names the first step', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const result = await runBinary(['login', 'user', '--pin', '1234567'], { cwd: dir, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no pending login for user');
    expect(result.stderr).toContain('run `tokensmith login user --no-browser` first');
    expect(sandbox.stats.requestTokenRequests).toBe(0);
  });

  it('refuses a pending file other users can read, naming it', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    await startTwoStep(dir);
    const file = pendingFiles(dir)[0]!;
    const { chmodSync } = await import('node:fs');
    chmodSync(file, 0o644);
    const result = await runBinary(['login', 'user', '--pin', '1234567'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`refusing the pending login file ${file}: other users can read or write it`);
  });

  it('timeline and token without a terminal fail at once with the login command, before any request (measured: 300 s wait)', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    for (const argv of [
      ['timeline', 'user'],
      ['token', 'user'],
    ]) {
      const started = Date.now();
      const result = await runBinary(argv, { cwd: dir, env, stdin: '' });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        'error: not logged in to user, and a login needs a person (CI is set): run `tokensmith login user` in a terminal',
      );
      // The advice is the two-step login, never a --pin that cannot work on its own.
      expect(result.stderr).toContain(
        '`tokensmith login user --no-browser` prints the URL to approve, then `tokensmith login user --pin PIN`',
      );
      // Said once: no generic hint repeating the login after the error.
      expect(result.stderr).not.toMatch(/^hint:/m);
    }
    expect(sandbox.stats.requestTokenRequests).toBe(0);
  });

  it('--no-input on a terminal counts as no terminal', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const pty = runInPty(['--no-input', 'token', 'user'], { cwd: dir, env });
    expect(await pty.exited).toBe(2);
    expect(pty.screen).toContain('a login needs a person (--no-input was given)');
  });

  it('on a terminal masks the PIN while it is typed, and logs in', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const pty = runInPty(['login', 'user', '--no-browser'], { cwd: dir, env });
    const screen = await pty.waitFor('PIN: ');
    const url = /Open this URL to authorize:\r?\n {2}(\S+)/.exec(screen)![1]!;
    const { pin } = await decideOnAuthorizePage(url, 'approve');
    pty.type(`${pin!}\r`);
    expect(await pty.exited).toBe(0);
    expect(pty.screen).toContain('PIN: *******');
    expect(pty.screen).not.toContain(pin!);
    expect(pty.screen).toContain('Logged in to user');
    expect((await status(dir)).providers[0]!.loggedIn).toBe(true);
  });

  it('a wrong PIN typed at the prompt is explained as with --pin: the PIN was not accepted, not the app credentials', async () => {
    // On a terminal the spinner's line is erased by escape codes, so the error may follow it on the same row.
    const errorLine = (text: string) => /error: [^\n]*/.exec(text)?.[0];
    const dir = tempDir();
    writeConfig(dir, config());
    const pty = runInPty(['login', 'user', '--no-browser'], { cwd: dir, env });
    const screen = await pty.waitFor('PIN: ');
    const { pin } = await decideOnAuthorizePage(/Open this URL to authorize:\r?\n {2}(\S+)/.exec(screen)![1]!, 'approve');
    const wrongPin = pin === '0000000' ? '0000001' : '0000000';
    pty.type(`${wrongPin}\r`);
    expect(await pty.exited).toBe(2);
    const typed = errorLine(pty.text);
    expect(typed).toMatch(/^error: user: the PIN was not accepted \(HTTP 401 verifier_invalid/);
    expect(pty.text).not.toMatch(/refused the app's credentials|consumerKey/);
    expect(pty.text).toMatch(/^hint: run `tokensmith login user` again/m);

    await startTwoStep(dir);
    const given = await runBinary(['login', 'user', '--pin', wrongPin], { cwd: dir, env });
    expect(given.code).toBe(2);
    expect(errorLine(given.stderr)).toBe(typed);
    expect((await status(dir)).providers[0]!.loggedIn).toBe(false);
  });

  it('a request refused for a skewed clock (X code 135) says the clock is off, not to check the consumer key', async () => {
    // A sandbox whose clock is 10 minutes ahead: every timestamp the CLI signs is out of bounds.
    const ahead = await startSandbox({ now: () => Date.now() + 600_000 });
    try {
      const dir = tempDir();
      writeConfig(dir, sandboxConfig([sandboxProvider(ahead, 'oauth1-pin')]));
      const result = await runBinary(['login', 'user', '--no-browser'], { cwd: dir, env });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^error: user: the provider refused the request's timestamp: this computer's clock is off \(HTTP 401 twitter_135/m,
      );
      expect(result.stderr).toContain("the server's time was ");
      expect(result.stderr).toMatch(/^hint: set the system clock right/m);
      expect(result.stderr).not.toMatch(/consumerKey|consumerSecret|credentials/);
    } finally {
      await ahead.stop();
    }
  });

  it('a denied authorization exits 2 and stores nothing', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const pty = runInPty(['login', 'user', '--no-browser'], { cwd: dir, env });
    const screen = await pty.waitFor('PIN: ');
    await decideOnAuthorizePage(/Open this URL to authorize:\r?\n {2}(\S+)/.exec(screen)![1]!, 'deny');
    pty.type('\r');
    expect(await pty.exited).toBe(2);
    expect(pty.text).toMatch(/error: .*(denied|no PIN)/i);
    expect((await status(dir)).providers[0]!.loggedIn).toBe(false);
  });
});
