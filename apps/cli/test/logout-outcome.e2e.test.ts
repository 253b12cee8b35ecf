import { startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';

// `logout` says what happened at the provider (revoked there, no revocation endpoint, or the
// revocation failed), never "revoked where supported" when nothing was revoked.

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

/** Logs in to an app-only provider with `invalidateUrl` (or none), then logs out; returns logout's stderr. */
async function logoutWith(invalidateUrl: string | undefined): Promise<string> {
  const dir = tempDir();
  const block = sandboxProvider(sandbox, 'client-credentials');
  writeConfig(
    dir,
    sandboxConfig([invalidateUrl ? block.replace('    timeline:', `    invalidateUrl: ${invalidateUrl}\n    timeline:`) : block]),
  );
  expect((await runBinary(['token', 'app'], { cwd: dir, env: SANDBOX_ENV })).code).toBe(0);
  const logout = await runBinary(['logout', 'app'], { cwd: dir, env: SANDBOX_ENV });
  expect(logout.code).toBe(0);
  expect(logout.stderr).not.toContain('where supported');
  return logout.stderr;
}

describe('tokensmith logout says what happened', () => {
  it('revoked at the provider', async () => {
    const host = new URL(sandbox.endpoints.invalidateTokenUrl).host;
    expect(await logoutWith(sandbox.endpoints.invalidateTokenUrl)).toContain(`Logged out of app: revoked at ${host}, forgotten locally`);
  });

  it('the provider has no revocation endpoint', async () => {
    expect(await logoutWith(undefined)).toContain('Logged out of app: the provider has no revocation endpoint; forgotten locally');
  });

  it('the revocation failed, and why', async () => {
    const closed = await startSandbox();
    const deadUrl = closed.endpoints.invalidateTokenUrl;
    await closed.stop();
    expect(await logoutWith(deadUrl)).toMatch(/Logged out of app: revocation failed: .+; forgotten locally/);
  });
});
