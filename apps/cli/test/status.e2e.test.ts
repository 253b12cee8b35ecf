import { join } from 'node:path';
import { startSandbox, decideOnAuthorizePage, type Sandbox } from '@tokensmith/sandbox';
import { SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';

// Issue 13 cosmetics: plain `status` names the logged-in user and the store holding the tokens.

let sandbox: Sandbox;
beforeAll(async () => { sandbox = await startSandbox(); });
afterAll(async () => { await sandbox.stop(); });

/** The scriptable OAuth 1.0a login: step 1 prints the URL, the person approves, step 2 brings the PIN. */
async function twoStepLogin(dir: string, env: NodeJS.ProcessEnv) {
  const start = await runBinary(['login', 'user', '--no-browser'], { cwd: dir, env });
  const url = /Open this URL to authorize:\n\s+(\S+)/.exec(start.stderr)![1]!;
  const { pin } = await decideOnAuthorizePage(url, 'approve');
  return runBinary(['login', 'user', '--pin', pin!], { cwd: dir, env });
}

describe('tokensmith status (plain)', () => {
  it('shows the user, the config file and the store; an app-only provider shows no user', async () => {
    const dir = tempDir();
    const path = writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'oauth1-pin'), sandboxProvider(sandbox, 'client-credentials')]));
    const env = { ...SANDBOX_ENV, TOKENSMITH_TOKEN_FILE: join(dir, 'tokens.json') };
    const before = await runBinary(['status'], { cwd: dir, env });
    expect(before.stdout).toMatch(/user\s+oauth1-pin\s+not logged in/);
    expect((await twoStepLogin(dir, env)).code).toBe(0);
    expect((await runBinary(['token', 'app'], { cwd: dir, env })).code).toBe(0);
    const after = await runBinary(['status'], { cwd: dir, env });
    expect(after.code).toBe(0);
    expect(after.stdout).toContain(`config ${path}; tokens in file ${join(dir, 'tokens.json')}`);
    expect(after.stdout).toMatch(/user\s+oauth1-pin\s+logged in as @twitterapi, no expiry/);
    expect(after.stdout).toMatch(/app\s+client-credentials\s+logged in, no expiry/);
  });
});
