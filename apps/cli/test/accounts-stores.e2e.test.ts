// Accounts side by side in the stores other processes share: a real redis-server and a real
// gnome-keyring (private D-Bus session), as in stores.e2e.test.ts. The file store is covered by
// accounts.e2e.test.ts; the memory store keeps nothing between processes.
import { startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { startRedisServer, type RedisServer } from '@tokensmith/store-redis/testing';
import { startKeyringSession, type KeyringSession } from '@tokensmith/store-keychain/testing';
import { SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';

let sandbox: Sandbox;
let redis: RedisServer;
let keyring: KeyringSession;
beforeAll(async () => {
  [redis, keyring, sandbox] = await Promise.all([startRedisServer(), startKeyringSession(), startSandbox()]);
});
afterAll(async () => {
  await Promise.all([redis?.stop(), keyring?.stop(), sandbox?.stop()]);
});

describe('accounts in every shared store', () => {
  it.each([
    ['redis', () => ({ store: redis.url, env: SANDBOX_ENV })],
    ['keychain', () => ({ store: 'keychain', env: { ...SANDBOX_ENV, DBUS_SESSION_BUS_ADDRESS: keyring.address } })],
  ])(
    '%s: two accounts side by side, each its own token; accounts and status list them; logout --account keeps the other',
    async (kind, setting) => {
      const { store, env } = setting();
      const dir = tempDir();
      writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'client-credentials', { name: `app-${kind}` })]));
      const cli = (args: string[], stdin?: string, extra: NodeJS.ProcessEnv = {}) =>
        runBinary(['--store', store, ...args], { cwd: dir, env: { ...env, ...extra }, ...(stdin === undefined ? {} : { stdin }) });
      for (const account of ['blue', 'green'])
        expect((await cli(['login', `app-${kind}`, '--with-token', '--account', account], `token-of-${account}-${kind}\n`)).code).toBe(0);

      const listed = JSON.parse((await cli(['accounts', `app-${kind}`, '--json'])).stdout) as Array<{
        account: string;
        default: boolean;
        store: { kind: string };
      }>;
      expect(listed.map((row) => [row.account, row.default, row.store.kind])).toEqual([
        ['blue', true, kind],
        ['green', false, kind],
      ]);
      // status: one row per account, in this store too.
      const status = JSON.parse((await cli(['status', '--json'])).stdout) as { providers: Array<{ account?: string; loggedIn: boolean }> };
      expect(status.providers.map((row) => [row.account, row.loggedIn])).toEqual([
        ['blue', true],
        ['green', true],
      ]);
      expect((await cli(['token', `app-${kind}`])).stdout).toBe(`token-of-blue-${kind}\n`);
      expect((await cli(['token', `app-${kind}`, '--account', 'green'])).stdout).toBe(`token-of-green-${kind}\n`);
      expect((await cli(['token', `app-${kind}`], undefined, { TOKENSMITH_ACCOUNT: 'green' })).stdout).toBe(`token-of-green-${kind}\n`);

      expect((await cli(['logout', `app-${kind}`, '--account', 'blue'])).code).toBe(0);
      expect(
        (JSON.parse((await cli(['accounts', `app-${kind}`, '--json'])).stdout) as Array<{ account: string }>).map((row) => row.account),
      ).toEqual(['green']);
      expect((await cli(['token', `app-${kind}`])).stdout).toBe(`token-of-green-${kind}\n`);
    },
    60_000,
  );
});
