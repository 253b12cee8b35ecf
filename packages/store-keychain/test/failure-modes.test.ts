// The keychain's failure modes, each attacked for real (a real gnome-keyring locked over D-Bus, an
// item another program wrote, no bus at all, a bus socket that accepts and never answers): each is a
// named store_error or store_unavailable with the next step, and nothing is lost.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { type BearerCredentials } from '@tokensmith/core/kit';
import { KeychainStore, probeKeychain } from '../src/index.js';
import { startKeyringSession, type KeyringSession } from '../src/testing/keyring-session.js';
import { keyring, lockDir, uniqueService } from './keyring.js';
import { caughtTokensmithError } from '@tokensmith/core/testing';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

const bearer = (accessToken: string): BearerCredentials => ({ type: 'bearer', accessToken, expiresAt: 1_900_000_000_000 });

const caught = caughtTokensmithError;

/** Runs `fn` with the JS-visible bus address changed (the store asks the bus in JS before the binding). */
async function withBusAddress<T>(address: string | undefined, fn: () => Promise<T>): Promise<T> {
  const saved = { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR };
  if (address === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
  else process.env.DBUS_SESSION_BUS_ADDRESS = address;
  delete process.env.XDG_RUNTIME_DIR;
  try {
    return await fn();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

describe("KeychainStore: an item that is not tokensmith's", () => {
  it('get() names the item and the fix, leaves it as it is; entries() skips it; a new login replaces it', async () => {
    const service = uniqueService();
    const store = new KeychainStore({ service, lockDir: lockDir() });
    // Another program's secret under our service: plain text, not credentials JSON.
    await new KeychainStore({ service, lockDir: lockDir() }).set('good#client#', bearer('good-token'));
    const stored = spawnSync('secret-tool', ['store', '--label=foreign', 'service', service, 'username', 'foreign#client#'], {
      input: 'hunter2-not-json',
      env: process.env,
    });
    expect(stored.status).toBe(0);

    const error = await caught(store.get('foreign#client#'));
    expect(error.code).toBe('store_error');
    expect(error.message).toContain(`service "${service}", account "foreign#client#"`);
    expect(error.message).toContain('left untouched');
    expect(error.message).toMatch(/log in again|tokensmith logout/);
    expect(error.message).not.toContain('hunter2');
    expect((await keyring().secretTool(['lookup', 'service', service, 'username', 'foreign#client#'])).trim()).toBe('hunter2-not-json');

    expect(await store.entries()).toEqual([{ key: 'good#client#', credentials: bearer('good-token') }]);
    await store.set('foreign#client#', bearer('after-login'));
    expect(await store.get('foreign#client#')).toEqual(bearer('after-login'));
  });
});

describe('KeychainStore: a locked keychain (the unlock prompt dismissed or impossible)', () => {
  // A keyring of its own, reached from a child process: locking the run's keyring would fail the
  // other test files that share it.
  let second: KeyringSession;
  beforeAll(async () => {
    second = await startKeyringSession();
  });
  afterAll(async () => {
    await second?.stop();
  });
  const ops = (service: string, ...list: string[]) => {
    const result = spawnSync(process.execPath, [fixture('store-ops.mjs'), service, lockDir(), ...list], {
      env: { ...process.env, ...second.env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(0);
    return result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { op: string; ok: boolean; code?: string; message?: string });
  };

  it('every operation is a store_error saying how to unlock, and the stored item is still there', async () => {
    const service = uniqueService();
    expect(ops(service, 'set:kept#client#:kept-token')).toEqual([{ op: 'set:kept#client#:kept-token', ok: true, value: null }]);
    await second.lock();
    // One at a time, as a person would meet them: each asks for the unlock prompt that cannot be shown.
    const outcomes = ops(service, 'get:kept#client#', 'set:kept#client#:new', 'delete:kept#client#', 'entries', 'probe');
    for (const outcome of outcomes.slice(0, 4)) {
      expect(outcome).toMatchObject({ ok: false, code: 'store_error' });
      expect(outcome.message).toMatch(/keychain is locked/);
      expect(outcome.message).toMatch(/Nothing was changed/);
      expect(outcome.message).toMatch(/file store/);
    }
    // A locked keychain still counts as one (its tokens are there; the error says how to unlock).
    expect(outcomes[4]).toEqual({ op: 'probe', ok: true, value: { available: true } });
    // Still there, still locked: nothing was deleted or overwritten.
    expect(await second.searchItems({ service, username: 'kept#client#' })).toEqual({ unlocked: 0, locked: 1 });
  });
});

describe('KeychainStore: no keychain service', () => {
  it('no D-Bus session bus: store_unavailable at once with the next step, and the probe says no in well under 100 ms', async () => {
    await withBusAddress(undefined, async () => {
      const error = await caught(new KeychainStore({ service: uniqueService(), lockDir: lockDir() }).get('k'));
      expect(error.code).toBe('store_unavailable');
      expect(error.message).toMatch(/no D-Bus session bus/);
      expect(error.message).toMatch(/file store/);
      const started = performance.now();
      const probe = await probeKeychain();
      const elapsed = performance.now() - started;
      expect(probe).toEqual({ available: false, reason: expect.stringMatching(/no D-Bus session bus/) });
      expect(elapsed).toBeLessThan(100);
    });
  });

  it('a bus socket with nothing behind it: store_unavailable naming the socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokensmith-no-bus-'));
    try {
      await withBusAddress(`unix:path=${join(dir, 'bus')}`, async () => {
        const error = await caught(new KeychainStore({ service: uniqueService(), lockDir: lockDir() }).set('k', bearer('t')));
        expect(error.code).toBe('store_unavailable');
        expect(error.message).toContain(join(dir, 'bus'));
        expect(error.message).toMatch(/ENOENT/);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a bus that accepts connections and never answers: store_unavailable within the bound, the process never freezes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokensmith-silent-bus-'));
    const socket = join(dir, 'bus');
    const held: import('node:net').Socket[] = [];
    const server: Server = createServer((connection) => held.push(connection));
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      await withBusAddress(`unix:path=${socket}`, async () => {
        let ticks = 0;
        const ticker = setInterval(() => ticks++, 50);
        const started = performance.now();
        const error = await caught(new KeychainStore({ service: uniqueService(), lockDir: lockDir(), timeoutMs: 1_000 }).get('k'));
        const elapsed = performance.now() - started;
        clearInterval(ticker);
        expect(error.code).toBe('store_unavailable');
        expect(error.message).toMatch(/did not answer within 1000 ms/);
        expect(elapsed).toBeLessThan(5_000);
        // The event loop kept running while we waited: nothing blocked inside the native binding.
        expect(ticks).toBeGreaterThan(5);
        expect(await probeKeychain({ timeoutMs: 500 })).toEqual({
          available: false,
          reason: expect.stringMatching(/did not answer within 500 ms/),
        });
      });
    } finally {
      for (const connection of held) connection.destroy();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('probeKeychain', () => {
  it('says yes when the Secret Service answers', async () => {
    expect(await probeKeychain({ service: uniqueService() })).toEqual({ available: true });
  });
});
