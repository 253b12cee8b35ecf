import { join } from 'node:path';
import { startSandbox, decideOnAuthorizePage, type Sandbox } from '@tokensmith/sandbox';
import { SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';

// Issue 13 cosmetics: plain `status` names the logged-in user and the store holding the tokens.

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

/** The two-step OAuth 1.0a login a script does: print the URL, approve it as the person, give the PIN. */
async function loginOAuth1(dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const start = await runBinary(['login', 'user', '--no-browser'], { cwd: dir, env });
  const url = /Open this URL to authorize:\n {2}(\S+)/.exec(start.stderr)?.[1];
  expect(url).toBeDefined();
  const { pin } = await decideOnAuthorizePage(url!, 'approve');
  expect((await runBinary(['login', 'user', '--pin', pin!], { cwd: dir, env })).code).toBe(0);
}

describe('tokensmith status (plain)', () => {
  it('shows the user, the config file and the store; an app-only provider shows no user', async () => {
    const dir = tempDir();
    const path = writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'oauth1-pin'), sandboxProvider(sandbox, 'client-credentials')]));
    const env = { ...SANDBOX_ENV, TOKENSMITH_TOKEN_FILE: join(dir, 'tokens.json') };
    const before = await runBinary(['status'], { cwd: dir, env });
    expect(before.stdout).toMatch(/user\s+oauth1-pin\s+not logged in/);
    await loginOAuth1(dir, env);
    expect((await runBinary(['token', 'app'], { cwd: dir, env })).code).toBe(0);
    const after = await runBinary(['status'], { cwd: dir, env });
    expect(after.code).toBe(0);
    expect(after.stdout).toContain(`config ${path}; tokens in file ${join(dir, 'tokens.json')}`);
    expect(after.stdout).toMatch(/user\s+oauth1-pin\s+logged in as @twitterapi, no expiry/);
    expect(after.stdout).toMatch(/app\s+client-credentials\s+logged in, no expiry/);
  });
});
