import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startSandbox, decideOnAuthorizePage, type Sandbox } from '@tokensmith/sandbox';
import { SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';

// Issue 13 cosmetics: plain `status` names the logged-in user and the store holding the tokens.

let sandbox: Sandbox;
beforeAll(async () => { sandbox = await startSandbox(); });
afterAll(async () => { await sandbox.stop(); });

function approve() {
  let started = false;
  return (stderr: string, child: ChildProcess) => {
    const url = /Open this URL to authorize:\n\s+(\S+)/.exec(stderr)?.[1];
    if (!url || started || !stderr.includes('PIN: ')) return;
    started = true;
    void decideOnAuthorizePage(url, 'approve').then((decision) => child.stdin!.end(`${decision.pin}\n`));
  };
}

describe('tokensmith status (plain)', () => {
  it('shows the user, the config file and the store; an app-only provider shows no user', async () => {
    const dir = tempDir();
    const path = writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'oauth1-pin'), sandboxProvider(sandbox, 'client-credentials')]));
    const env = { ...SANDBOX_ENV, TOKENSMITH_TOKEN_FILE: join(dir, 'tokens.json') };
    const before = await runBinary(['status'], { cwd: dir, env });
    expect(before.stdout).toMatch(/user\s+oauth1-pin\s+not logged in/);
    expect((await runBinary(['login', 'user', '--no-browser'], { cwd: dir, env, onStderr: approve() })).code).toBe(0);
    expect((await runBinary(['token', 'app'], { cwd: dir, env })).code).toBe(0);
    const after = await runBinary(['status'], { cwd: dir, env });
    expect(after.code).toBe(0);
    expect(after.stdout).toContain(`config ${path}; tokens in file ${join(dir, 'tokens.json')}`);
    expect(after.stdout).toMatch(/user\s+oauth1-pin\s+logged in as @twitterapi, no expiry/);
    expect(after.stdout).toMatch(/app\s+client-credentials\s+logged in, no expiry/);
  });
});
