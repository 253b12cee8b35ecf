import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, DEMO_CREDENTIALS, decideOnAuthorizePage, type Sandbox } from '@tokensmith/sandbox';
import { runBinary, spawnCli, tempDir, writeConfig } from './helpers.js';
import { runInPty } from './pty.js';

// The device authorization grant through the real binary against the sandbox (issue 14): no
// terminal and no browser needed; a person (here an HTTP client playing the browser) approves on
// the sandbox's /device page.
let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox({ deviceIntervalSeconds: 1 });
});
afterEach(async () => {
  await sandbox.stop();
});

const config = () => `store: file
providers:
  tv:
    strategy: device-code
    issuer: ${sandbox.endpoints.issuer}
    clientId: ${DEMO_CREDENTIALS.device.clientId}
    scopes: [tweet.read, users.read, offline.access]
    timeline: { url: ${sandbox.endpoints.timelineUrl} }
`;

/** Starts `login tv` without a terminal and resolves with the code it showed, the child, and its output so far. */
function startLogin(dir: string, argv: string[] = []) {
  const child = spawnCli(['login', 'tv', ...argv], { cwd: dir });
  child.stdin.end();
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (c) => (out.stdout += String(c)));
  child.stderr.on('data', (c) => (out.stderr += String(c)));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const shown = new Promise<{ userCode: string; page: string }>((resolve, reject) => {
    const check = () => {
      const json = /^(\{"event":"device_code".*\})$/m.exec(out.stdout)?.[1];
      if (json) {
        const event = JSON.parse(json) as { userCode: string; verificationUriComplete: string };
        resolve({ userCode: event.userCode, page: event.verificationUriComplete });
        return;
      }
      const code = /and enter the code:\n\n\s+(\S+)\n/.exec(out.stderr)?.[1];
      const page = /\(or open (\S+), which has the code filled in\)/.exec(out.stderr)?.[1];
      if (code && page) resolve({ userCode: code, page });
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    void exited.then((code) => reject(new Error(`login exited ${code} before showing a code:\n${out.stderr}`)));
  });
  return { child, out, exited, shown };
}

describe('tokensmith login (device code) against the sandbox', () => {
  it('shows the code without a terminal, is approved on the /device page, prints the timeline, refreshes after expiry, and logout revokes', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const login = startLogin(dir, ['--no-browser']);
    const { userCode, page } = await login.shown;
    expect(userCode).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(login.out.stderr).toContain(
      `To sign in on ${new URL(sandbox.url).host}, open this page on any device:\n  ${sandbox.url}/device\n`,
    );
    expect(login.out.stderr).not.toMatch(/Opening|Opened|Could not open/);
    await decideOnAuthorizePage(page, 'approve');
    expect(await login.exited).toBe(0);
    expect(login.out.stderr).toContain('Logged in to tv');
    // Polled at the server's interval, not faster: never a slow_down.
    expect(sandbox.stats.deviceSlowDowns).toBe(0);

    const timeline = await runBinary(['timeline', 'tv', '--count', '1'], { cwd: dir });
    expect(timeline.code).toBe(0);
    expect(timeline.stdout).toMatch(/^Tweet: .+\nOn: .+\nBy: Twitter API \(@twitterapi\)\n$/);

    const file = join(dir, '.config', 'tokensmith', 'tokens.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"expiresAt":\s*\d+/g, `"expiresAt": ${Date.now() - 1000}`));
    const later = await runBinary(['timeline', 'tv', '--count', '1'], { cwd: dir });
    expect(later.code).toBe(0);
    expect(later.stderr).not.toContain('enter the code');
    expect(sandbox.stats.refreshRequests).toBe(1);

    const logout = await runBinary(['logout', 'tv'], { cwd: dir });
    expect(logout.code).toBe(0);
    expect(logout.stderr).toContain('Revoking the refresh token');
    expect(sandbox.state.userTokens.size).toBe(0);
    expect((await runBinary(['timeline', 'tv'], { cwd: dir })).code).toBe(2);
  });

  it('with --json prints the code as one JSON line before polling, then the result as another', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const login = startLogin(dir, ['--json', '--no-browser']);
    const { page } = await login.shown;
    expect(login.out.stdout.split('\n').filter(Boolean)).toHaveLength(1); // still polling
    await decideOnAuthorizePage(page, 'approve');
    expect(await login.exited).toBe(0);
    const lines = login.out.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ event: 'device_code', provider: 'tv', verificationUri: `${sandbox.url}/device`, interval: 1 });
    expect(lines[1]).toMatchObject({ event: 'logged_in', provider: 'tv', loggedIn: true, refreshable: true });
    expect(login.out.stderr).not.toContain('enter the code'); // the code block is the JSON line, not printed twice
  });

  it('waits out a transient 503 while polling (Retry-After honoured) instead of ending the login', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    sandbox.faults.add({
      path: '/oauth2/token',
      fault: {
        type: 'status',
        status: 503,
        body: '{"error":"temporarily_unavailable"}',
        headers: { 'content-type': 'application/json', 'retry-after': '1' },
      },
      times: 1,
    });
    const login = startLogin(dir, ['--no-browser']);
    await decideOnAuthorizePage((await login.shown).page, 'approve');
    expect(await login.exited).toBe(0);
    expect(sandbox.faults.served).toBe(1);
    expect(login.out.stderr).toContain('Logged in to tv');
    expect(sandbox.stats.deviceSlowDowns).toBe(0);
  });

  it('a denied code exits 2 and stores nothing', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const login = startLogin(dir, ['--no-browser']);
    await decideOnAuthorizePage((await login.shown).page, 'deny');
    expect(await login.exited).toBe(2);
    expect(login.out.stderr).toMatch(/error: .*denied/i);
    expect(JSON.parse((await runBinary(['status', '--json'], { cwd: dir })).stdout).providers[0].loggedIn).toBe(false);
  });

  it('SIGINT while polling exits 130 and stops polling', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const login = startLogin(dir, ['--no-browser']);
    await login.shown;
    login.child.kill('SIGINT');
    expect(await login.exited).toBe(130);
    expect(login.out.stderr).toContain('Cancelled; nothing was stored.');
    const polls = sandbox.stats.devicePolls;
    await new Promise((resolve) => setTimeout(resolve, 2500)); // more than two intervals: no poll after exit
    expect(sandbox.stats.devicePolls).toBe(polls);
  });

  it('on a terminal: the code, a countdown while polling, Ctrl-C cancels', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const pty = runInPty(['login', 'tv', '--no-browser'], { cwd: dir });
    await pty.waitFor(/left; Ctrl-C to cancel/);
    expect(pty.text).toMatch(/and enter the code:\n\n\s+[A-Z]{4}-[A-Z]{4}\n/);
    expect(pty.text).toMatch(/Waiting for approval of code [A-Z]{4}-[A-Z]{4} \((9|10):\d\d left; Ctrl-C to cancel\)/);
    pty.type('\u0003');
    expect(await pty.exited).toBe(130);
  });

  it('timeline without a login and without a terminal fails at once, naming the login that works without one', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const result = await runBinary(['timeline', 'tv'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('run `tokensmith login tv` (it shows a code to approve on any device, and needs no terminal)');
    expect(sandbox.stats.deviceAuthorizationRequests).toBe(0);
  });
});

// A hostile or careless server chooses the pages: what the person is shown, and what the browser
// opens, must be one and the same page, on a host named plainly (RFC 8628 5.4, remote phishing).
describe('tokensmith login (device code): the verification pages a server sends', () => {
  /** A BROWSER launcher that records its arguments, one per line. */
  function recordingBrowser(dir: string): { env: NodeJS.ProcessEnv; opened: () => string[] | undefined } {
    const script = join(dir, 'browser.sh');
    const log = join(dir, 'opened.txt');
    writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$@" > "${log}"\n`);
    chmodSync(script, 0o755);
    return {
      env: { BROWSER: script, DISPLAY: ':0' },
      opened: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : undefined),
    };
  }

  function deviceAuthorizationAnswers(fields: Record<string, string>) {
    const body = JSON.stringify({ device_code: 'DEVICE-SECRET-E2E', user_code: 'WDJB-MJHT', expires_in: 60, interval: 1, ...fields });
    sandbox.faults.add({
      path: '/oauth2/device_authorization',
      fault: { type: 'status', status: 200, body, headers: { 'content-type': 'application/json' } },
    });
  }

  it('ignores a pre-filled link on another origin: shows and opens verification_uri, and says why', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const browser = recordingBrowser(dir);
    deviceAuthorizationAnswers({
      verification_uri: `${sandbox.url}/device`,
      verification_uri_complete: 'https://evil.example/device?user_code=WDJB-MJHT',
    });
    const result = await runBinary(['login', 'tv'], { cwd: dir, env: browser.env });
    expect(browser.opened()).toEqual([`${sandbox.url}/device`]);
    expect(result.stderr).toContain(`To sign in on ${new URL(sandbox.url).host}, open this page on any device:\n  ${sandbox.url}/device\n`);
    expect(result.stderr).toContain(
      "the server's pre-filled link (verification_uri_complete) was ignored: it is on https://evil.example, not on " + sandbox.url,
    );
    expect(result.stderr).not.toContain('evil.example/device');
    expect(result.stderr).toContain('Opened the verification page (above) in your browser.');
    expect(result.stderr + result.stdout).not.toContain('DEVICE-SECRET-E2E');
  });

  it.each([
    ['plain http off loopback', 'http://evil.example/device', 1, 'plain http:// off loopback (evil.example)'],
    ['a user name disguising the host', 'https://github.com@evil.example/login/device', 3, 'disguises the real host'],
  ])('refuses a verification_uri with %s before showing or opening anything', async (_name, uri, exitCode, why) => {
    const dir = tempDir();
    writeConfig(dir, config());
    const browser = recordingBrowser(dir);
    deviceAuthorizationAnswers({ verification_uri: uri, verification_uri_complete: `${uri}?user_code=WDJB-MJHT` });
    const result = await runBinary(['login', 'tv'], { cwd: dir, env: browser.env });
    expect(result.code).toBe(exitCode);
    expect(result.stderr).toContain(why);
    expect(result.stderr).not.toContain('enter the code');
    expect(browser.opened()).toBeUndefined();
    expect(sandbox.stats.devicePolls).toBe(0);
  });

  it('with --json, a browser that fails points at the JSON on stdout, not at "the URL above"', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    deviceAuthorizationAnswers({ verification_uri: `${sandbox.url}/device` });
    const result = await runBinary(['login', 'tv', '--json'], { cwd: dir, env: { BROWSER: 'false', DISPLAY: ':0' } });
    expect(JSON.parse(result.stdout.split('\n')[0]!)).toMatchObject({ event: 'device_code', verificationUri: `${sandbox.url}/device` });
    expect(result.stderr).toContain(
      'Could not open a browser: BROWSER command false exited with status 1. Open the verification page yourself: verificationUri in the device_code line on stdout.',
    );
    expect(result.stderr).not.toMatch(/above/);
  });
});
