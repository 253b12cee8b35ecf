// The OS keychain when the Secret Service does not answer (issue 26 holes 5 and 12) and when it
// holds two items for one key (hole 14), through the real binary on a real gnome-keyring in a
// private D-Bus session. A stalled keychain used to freeze the process inside the native binding:
// results printed, then no exit, SIGINT and SIGTERM ignored, `--store keychain` 25 s.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { startKeyringSession, type KeyringSession } from '@tokensmith/store-keychain/testing';
import { SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, spawnCli, tempDir, writeConfig, type RunResult } from './helpers.js';

let sandbox: Sandbox;
let keyring: KeyringSession;
beforeAll(async () => {
  keyring = await startKeyringSession();
});
afterAll(async () => {
  await keyring?.stop();
});
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  keyring.resume();
  await sandbox.stop();
  // Exits 1 when there is nothing to clear.
  await keyring.secretTool(['clear', 'service', 'tokensmith']).catch(() => undefined);
});

const config = () =>
  sandboxConfig([
    sandboxProvider(sandbox, 'client-credentials', { name: 'a' }),
    sandboxProvider(sandbox, 'client-credentials', { name: 'b' }),
  ]).replace('store: file\n', '');

/**
 * Runs the binary; a run still going after `limitMs` is killed (SIGKILL) and reported as `hung`,
 * so a regression fails the test instead of hanging it. `interrupt` sends a signal once the
 * command has started its work (its first line on stderr).
 */
function runBounded(
  argv: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  limitMs: number,
  interrupt?: NodeJS.Signals,
): Promise<RunResult & { hung: boolean; ms: number; signalledAfterMs?: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawnCli(argv, { cwd, env });
    let stdout = '';
    let stderr = '';
    let signalledAt: number | undefined;
    child.stdin.end();
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => {
      stderr += String(c);
      if (interrupt && signalledAt === undefined) {
        signalledAt = performance.now();
        child.kill(interrupt);
      }
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      const now = performance.now();
      resolve({
        code: code ?? -1,
        stdout,
        stderr,
        hung: signal === 'SIGKILL',
        ms: now - started,
        ...(signalledAt === undefined ? {} : { signalledAfterMs: now - signalledAt }),
      });
    });
  });
}

/** A TCP listener that accepts D-Bus connections and never says a word. */
async function silentListener(): Promise<{ address: string; close(): Promise<void> }> {
  const held: Socket[] = [];
  const server: Server = createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `tcp:host=127.0.0.1,port=${port}`,
    close: async () => {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('holes 5 and 12: a keychain that never answers', () => {
  it('gnome-keyring-daemon stopped on a live bus: auto prints its result and exits; --store keychain fails in 10 s (not 25), exit 3', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const env = { ...SANDBOX_ENV, DBUS_SESSION_BUS_ADDRESS: keyring.address };
    keyring.suspend();
    const auto = await runBounded(['status'], dir, env, 20_000);
    expect(auto.hung).toBe(false);
    expect(auto.code).toBe(0);
    expect(auto.stdout).toMatch(/a\s+client-credentials\s+not logged in/);

    const explicit = await runBounded(['--store', 'keychain', 'status'], dir, env, 20_000);
    expect(explicit.hung).toBe(false);
    expect(explicit.code).toBe(3);
    expect(explicit.stderr).toMatch(/did not answer \(\w+\) within 10000 ms|Did not receive a reply/);
    expect(explicit.ms).toBeLessThan(15_000);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'stopped daemon: %s ends a waiting --store keychain command at once (128 + signal)',
    async (signal) => {
      const dir = tempDir();
      writeConfig(dir, config());
      keyring.suspend();
      const run = await runBounded(
        ['--store', 'keychain', 'timeline', 'a'],
        dir,
        { ...SANDBOX_ENV, DBUS_SESSION_BUS_ADDRESS: keyring.address },
        20_000,
        signal,
      );
      expect(run.hung).toBe(false);
      expect(run.code).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(run.signalledAfterMs).toBeLessThan(5_000);
      expect(sandbox.stats.tokenRequests).toBe(0);
    },
  );

  it('DBUS_SESSION_BUS_ADDRESS=tcp: at a listener that never answers: auto exits with its result; SIGINT ends --store keychain', async () => {
    const silent = await silentListener();
    try {
      const dir = tempDir();
      writeConfig(dir, config());
      const env = { ...SANDBOX_ENV, DBUS_SESSION_BUS_ADDRESS: silent.address };
      const auto = await runBounded(['status'], dir, env, 20_000);
      expect(auto.hung).toBe(false);
      expect(auto.code).toBe(0);
      expect(auto.stdout).toMatch(/b\s+client-credentials\s+not logged in/);
      const interrupted = await runBounded(['--store', 'keychain', 'timeline', 'a'], dir, env, 20_000, 'SIGINT');
      expect(interrupted.hung).toBe(false);
      expect(interrupted.code).toBe(130);
    } finally {
      await silent.close();
    }
  });
});

describe('hole 14: two keychain items for one key', () => {
  it('status names that key (no raw binding text); logout removes both items', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const env = { ...SANDBOX_ENV, DBUS_SESSION_BUS_ADDRESS: keyring.address };
    expect((await runBinary(['--store', 'keychain', 'login', 'a'], { cwd: dir, env })).code).toBe(0);
    const items = await keyring.secretTool(['search', '--all', 'service', 'tokensmith']);
    // The binding labels an item `keyring:<account>@<service>` (secret-tool prints attributes on stderr).
    const accounts = [...items.matchAll(/^label = keyring:(.+)@tokensmith$/gm)].map((m) => m[1] as string);
    expect(accounts).toHaveLength(1);
    const account = accounts[0] as string;
    // A second item with the same attributes (another program's copy: one attribute more).
    await keyring.secretTool(['store', '--label=copy', 'service', 'tokensmith', 'username', account, 'copy', '1']);
    expect(await keyring.searchItems({ service: 'tokensmith', username: account })).toEqual({ unlocked: 2, locked: 0 });

    const shown = await runBinary(['--store', 'keychain', 'status'], { cwd: dir, env });
    expect(shown.stdout + shown.stderr).toContain(`holds 2 items for service "tokensmith", account "${account}"`);
    expect(shown.stdout + shown.stderr).not.toMatch(/Entry \{|org\/freedesktop|Wrapper|matched by/);

    const logout = await runBinary(['--store', 'keychain', 'logout', 'a'], { cwd: dir, env });
    expect(logout.code).toBe(0);
    expect(await keyring.searchItems({ service: 'tokensmith', username: account })).toEqual({ unlocked: 0, locked: 0 });
  });
});
