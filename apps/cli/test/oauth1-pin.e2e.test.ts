import type { ChildProcess } from 'node:child_process';
import { startSandbox, DEMO_CREDENTIALS, decideOnAuthorizePage, type Sandbox } from '@tokensmith/sandbox';
import { SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';

let sandbox: Sandbox;
beforeEach(async () => { sandbox = await startSandbox(); });
afterEach(async () => { await sandbox.stop(); });

const config = () => sandboxConfig([sandboxProvider(sandbox, 'oauth1-pin')]);
const env = SANDBOX_ENV;

/** Plays the person: when the CLI prints the authorize URL, decide on the page and type what it shows. */
function person(action: 'approve' | 'deny', typed: (pin: string | undefined) => string) {
  let started = false;
  return (stderr: string, child: ChildProcess) => {
    const url = /Open this URL to authorize:\n\s+(\S+)/.exec(stderr)?.[1];
    if (!url || started || !stderr.includes('PIN: ')) return;
    started = true;
    void decideOnAuthorizePage(url, action).then((decision) => child.stdin!.end(`${typed(decision.pin)}\n`));
  };
}

async function status(dir: string) {
  const result = await runBinary(['status', '--json'], { cwd: dir, env });
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as { providers: Array<{ provider: string; loggedIn: boolean; user?: string }> };
}

describe('tokensmith login (OAuth 1.0a PIN) against the sandbox', () => {
  it('walks the PIN flow, stores the credentials (0600), and a later run prints the timeline signed', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const login = await runBinary(['login', 'user', '--no-browser'], { cwd: dir, env, onStderr: person('approve', (pin) => pin!) });
    expect(login.stderr).toContain(`Open this URL to authorize:\n  ${sandbox.endpoints.authorizeUrl}?oauth_token=`);
    expect(login.code).toBe(0);
    expect(login.stderr).toContain('Logged in to user');
    expect((await status(dir)).providers[0]).toMatchObject({ provider: 'user', loggedIn: true, user: 'twitterapi' });

    const timeline = await runBinary(['timeline', 'user', '--count', '2'], { cwd: dir, env });
    expect(timeline.code).toBe(0);
    expect(timeline.stdout).toMatch(/^Tweet: Hello from the tokensmith sandbox.*\nOn: .+\nBy: Twitter API \(@twitterapi\)\n/);
    expect(sandbox.stats.requestTokenRequests).toBe(1);
    for (const output of [login.stdout, login.stderr, timeline.stdout, timeline.stderr]) expect(output).not.toContain(DEMO_CREDENTIALS.oauth1.consumerSecret);
  });

  it('takes --pin as the answer to the prompt (a wrong one here: the script cannot know the PIN in advance)', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const login = await runBinary(['login', 'user', '--no-browser', '--pin', '0000000'], { cwd: dir, env });
    expect(login.code).toBe(2);
    expect(login.stderr).toMatch(/error: .*verifier_invalid/);
    expect(login.stderr).not.toContain('0000000');
  });

  it('a wrong PIN exits 2 with a clear error and stores nothing', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const login = await runBinary(['login', 'user', '--no-browser'], { cwd: dir, env, onStderr: person('approve', (pin) => (pin === '1234567' ? '7654321' : '1234567')) });
    expect(login.code).toBe(2);
    expect(login.stderr).toMatch(/error: .*verifier_invalid/);
    expect((await status(dir)).providers[0]!.loggedIn).toBe(false);
  });

  it('a denied authorization exits 2 and stores nothing', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const login = await runBinary(['login', 'user', '--no-browser'], { cwd: dir, env, onStderr: person('deny', () => '') });
    expect(login.code).toBe(2);
    expect(login.stderr).toMatch(/error: .*(denied|no PIN)/i);
    expect((await status(dir)).providers[0]!.loggedIn).toBe(false);
  });

  it('with no stdin (CI) and no --pin, says how to give the PIN instead of hanging', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const login = await runBinary(['login', 'user', '--no-browser'], { cwd: dir, env, stdin: '' });
    expect(login.code).toBe(2);
    expect(login.stderr).toContain('error: no answer on standard input for "PIN:" (it ended); pass it as an option (--pin for a PIN) or run in a terminal');
    expect((await status(dir)).providers[0]!.loggedIn).toBe(false);
  });
});
