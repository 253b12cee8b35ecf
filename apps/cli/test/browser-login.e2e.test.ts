import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';
import { runInPty } from './pty.js';

// Browser opening through the binary (issue 12): BROWSER is honoured as gh does; a launcher that
// fails, no display or an SSH session is said in one line and the paste prompt comes at once; the
// URL is printed exactly once; --no-browser never says "Opening".
let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await sandbox.stop();
});

const SANDBOX_DIST = fileURLToPath(new URL('../../../packages/sandbox/dist/index.js', import.meta.url));

/** A BROWSER command that plays the person's browser: approves on the consent page and follows the redirect. */
function approvingBrowser(dir: string): string {
  const script = join(dir, 'approve.mjs');
  writeFileSync(
    script,
    `import { decideOnAuthorizePage } from ${JSON.stringify(SANDBOX_DIST)};\n` +
      `const decision = await decideOnAuthorizePage(process.argv[2], 'approve');\n` +
      // Like a real launcher: return at once, the "browser" goes on in the background.
      `setTimeout(() => fetch(decision.location), 200);\n`,
  );
  const launcher = join(dir, 'browser.sh');
  writeFileSync(launcher, `#!/bin/sh\n"${process.execPath}" "${script}" "$1" &\nexit 0\n`);
  chmodSync(launcher, 0o755);
  return launcher;
}

const countOf = (text: string, part: string) => text.split(part).length - 1;

describe('opening the browser, through the binary', () => {
  it('uses BROWSER: the launcher gets the URL, the login completes through the loopback redirect (no terminal needed)', async () => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'authorization-code')]));
    const login = await runBinary(['login', 'me'], { cwd: dir, env: { BROWSER: approvingBrowser(dir) } });
    expect(login.stderr).toContain('Opened it in your browser.');
    expect(login.code).toBe(0);
    expect(login.stderr).toContain('Logged in to me');
    const url = /Open this URL to authorize:\n {2}(\S+)/.exec(login.stderr)![1]!;
    expect(countOf(login.stderr, url)).toBe(1);
  });

  it.each([
    [
      'BROWSER=false',
      { BROWSER: 'false', DISPLAY: ':0' },
      'Could not open a browser: BROWSER command false exited with status 1. Open the URL above yourself.',
    ],
    ['no display', {}, 'Could not open a browser: no display (DISPLAY and WAYLAND_DISPLAY are unset). Open the URL above yourself.'],
    ['an SSH session', { DISPLAY: ':0', SSH_CONNECTION: '10.0.0.1 50000 10.0.0.2 22' }, 'Could not open a browser: this is an SSH session'],
  ])('with %s, says so in one line and offers the paste prompt at once; the URL printed once', async (_name, env, line) => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'authorization-code')]));
    const pty = runInPty(['login', 'me'], { cwd: dir, env });
    await pty.waitFor('paste the URL');
    const text = pty.text;
    expect(text).toContain(line);
    expect(text).not.toContain('Waiting for you to approve in the browser');
    const url = /Open this URL to authorize:\n {2}(\S+)/.exec(text)![1]!;
    expect(countOf(text, url)).toBe(1);
    pty.type('\u0003');
    expect(await pty.exited).toBe(130);
  });

  it('--no-browser never says "Opening", for either flow', async () => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'authorization-code'), sandboxProvider(sandbox, 'oauth1-pin')]));
    const code = runInPty(['login', 'me', '--no-browser'], { cwd: dir, env: { ...SANDBOX_ENV, DISPLAY: ':0', BROWSER: 'false' } });
    await code.waitFor('paste the URL');
    code.type('\u0003');
    await code.exited;
    const pin = runInPty(['login', 'user', '--no-browser'], { cwd: dir, env: { ...SANDBOX_ENV, DISPLAY: ':0', BROWSER: 'false' } });
    await pin.waitFor('PIN: ');
    pin.type('\u0003');
    await pin.exited;
    for (const text of [code.text, pin.text]) {
      expect(text).not.toMatch(/Opening|Opened|Could not open/);
      expect(text).toContain('Open this URL to authorize:');
    }
  });
});
