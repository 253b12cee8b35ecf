import { startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';

// Remote text reaches the terminal only through sanitizeForTerminal (issues 13, 17 hole 3): the
// sandbox answers with hostile bytes and the test reads the exact bytes the binary wrote.
let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await sandbox.stop();
});

const OSC52 = '\u001b]52;c;cm0gLXJmIH4K\u0007';
const TITLE = '\u001b]0;you have been pwned\u001b\\';
const CLEAR = '\u001b[2J\u001b[H';
const C1_CSI = '\u009b31m';
const BIDI = '\u202Egnp.exe';
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const hostileTimeline = JSON.stringify([
  {
    id: 1,
    id_str: '1',
    text: `line one\nline two\r${OSC52}${CLEAR}`,
    created_at: `Tue Dec 01 08:00:00 +0000 2026${C1_CSI}`,
    user: { name: `Mallory${TITLE}`, screen_name: `mallory${BIDI}` },
  },
]);

function dirWithApp() {
  const dir = tempDir();
  writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'client-credentials', { user: 'twitterapi' })]));
  return dir;
}

describe('terminal safety through the binary', () => {
  it('shows escape sequences in tweets and names visibly, keeps the tweet newline, and --json keeps the exact data', async () => {
    const dir = dirWithApp();
    sandbox.faults.add({
      path: '/1.1/statuses/user_timeline.json',
      fault: { type: 'status', status: 200, body: hostileTimeline, headers: { 'content-type': 'application/json' } },
    });
    const text = await runBinary(['timeline', 'app'], { cwd: dir, env: SANDBOX_ENV });
    expect(text.code).toBe(0);
    expect(text.stdout).not.toMatch(TERMINAL_CONTROLS);
    expect(text.stderr).not.toMatch(TERMINAL_CONTROLS);
    expect(text.stdout).toContain('Tweet: line one\nline two\\x0d\\x1b]52;c;cm0gLXJmIH4K\\x07\\x1b[2J\\x1b[H\n');
    expect(text.stdout).toContain('By: Mallory\\x1b]0;you have been pwned\\x1b\\ (@mallory\\u202egnp.exe)');
    expect(text.stdout).toContain('On: Tue Dec 01 08:00:00 +0000 2026\\x9b31m');

    sandbox.faults.add({
      path: '/1.1/statuses/user_timeline.json',
      fault: { type: 'status', status: 200, body: hostileTimeline, headers: { 'content-type': 'application/json' } },
    });
    const json = await runBinary(['timeline', 'app', '--json'], { cwd: dir, env: SANDBOX_ENV });
    expect(json.code).toBe(0);
    const posts = JSON.parse(json.stdout) as Array<{ text: string; author: { name: string; handle: string } }>;
    expect(posts[0]!.text).toBe(`line one\nline two\r${OSC52}${CLEAR}`);
    expect(posts[0]!.author).toEqual({ name: `Mallory${TITLE}`, handle: `mallory${BIDI}` });
  });

  it("neutralises a server's OAuth error_description in the error line", async () => {
    const dir = dirWithApp();
    const body = JSON.stringify({ error: `invalid_client${OSC52}`, error_description: `bad\r${TITLE}${CLEAR}` });
    sandbox.faults.add({
      path: '/oauth2/token',
      fault: { type: 'status', status: 401, body, headers: { 'content-type': 'application/json' } },
    });
    const result = await runBinary(['token', 'app'], { cwd: dir, env: SANDBOX_ENV });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error:');
    expect(result.stderr).not.toMatch(TERMINAL_CONTROLS);
    expect(result.stderr).toContain('\\x1b]0;you have been pwned');
  });
});
