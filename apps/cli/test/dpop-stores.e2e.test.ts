import { appTokenBindings, dpopData, startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { startKeyringSession, type KeyringSession } from '@tokensmith/store-keychain/testing';
import { startRedisServer, type RedisServer } from '@tokensmith/store-redis/testing';
import { SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';

// A DPoP key kept with its token in the keychain and in Redis (the 0600 file is in
// dpop-par.e2e.test.ts): a second process finds token and key there and proves the same key.

let sandbox: Sandbox;
let redis: RedisServer;
let keyring: KeyringSession;
beforeAll(async () => {
  [redis, keyring] = await Promise.all([startRedisServer(), startKeyringSession()]);
});
afterAll(async () => {
  await Promise.all([redis?.stop(), keyring?.stop()]);
});
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await sandbox.stop();
});

const search = ['api', 'app', '/2/tweets/search/recent?query=practice&max_results=10'];

describe.each([
  ['redis', () => ({ store: ['--store', redis.url], env: SANDBOX_ENV })],
  ['keychain', () => ({ store: ['--store', 'keychain'], env: { ...SANDBOX_ENV, DBUS_SESSION_BUS_ADDRESS: keyring.address } })],
])('a DPoP-bound app token in the %s store', (_name, setup) => {
  it('is obtained once with a proof, then reused with its key by a new process; logout forgets both', async () => {
    const { store, env } = setup();
    const dir = tempDir();
    writeConfig(
      dir,
      sandboxConfig([
        sandboxProvider(sandbox, 'client-credentials') + `    dpop: true\n    baseUrl: ${sandbox.url.replace(/\/$/, '')}\n`,
      ]).replace('store: file\n', ''),
    );
    const first = await runBinary([...store, ...search], { cwd: dir, env });
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    const [token] = [...appTokenBindings(sandbox.state).keys()];
    expect(token).toBeDefined();
    const accepted = dpopData(sandbox.state).accepted;
    const second = await runBinary([...store, ...search], { cwd: dir, env });
    expect(second.code).toBe(0);
    expect(sandbox.stats.tokenRequests).toBe(2); // the first request's nonce challenge and its retry
    expect(dpopData(sandbox.state).accepted).toBeGreaterThan(accepted);
    const status = await runBinary([...store, 'status', '--json'], { cwd: dir, env });
    expect(status.stdout).toMatch(/"dpopBound": ?true/);
    expect((await runBinary([...store, 'logout', 'app'], { cwd: dir, env })).code).toBe(0);
    expect((await runBinary([...store, 'status', '--json'], { cwd: dir, env })).stdout).toMatch(/"dpopBound": ?false/);
  });
});
