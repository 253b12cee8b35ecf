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

/** A signal to send: once the command has printed its result (`stdout`), or when `when` resolves. */
type Interrupt = { signal: NodeJS.Signals; when: 'stdout' | Promise<unknown> };

/**
 * Runs the binary; a run still going after `limitMs` is killed (SIGKILL) and reported as `hung`,
 * so a regression fails the test instead of hanging it.
 */
function runBounded(
  argv: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  limitMs: number,
  interrupt?: Interrupt,
): Promise<RunResult & { hung: boolean; ms: number; signalled: boolean }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawnCli(argv, { cwd, env });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    const send = () => {
      if (signalled || child.exitCode !== null) return;
      signalled = true;
      child.kill(interrupt?.signal);
    };
    child.stdin.end();
    child.stdout.on('data', (c) => {
      stdout += String(c);
      if (interrupt?.when === 'stdout') send();
    });
    child.stderr.on('data', (c) => (stderr += String(c)));
    if (interrupt && interrupt.when !== 'stdout') void interrupt.when.then(send);
    const guard = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code: code ?? -1, stdout, stderr, hung: signal === 'SIGKILL', ms: performance.now() - started, signalled });
    });
  });
}

/** A TCP listener that accepts D-Bus connections and never says a word. */
async function silentListener(): Promise<{ address: string; connected: Promise<void>; close(): Promise<void> }> {
  const held: Socket[] = [];
  let connectedNow = () => undefined as void;
  const connected = new Promise<void>((resolve) => (connectedNow = resolve));
  const server: Server = createServer((socket) => {
    held.push(socket);
    connectedNow();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `tcp:host=127.0.0.1,port=${port}`,
    connected,
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
    expect(explicit.stderr).toMatch(/did not answer( \(\w+\))? within 10000 ms|Did not receive a reply/);
    expect(explicit.ms).toBeLessThan(15_000);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'stopped daemon: auto status prints its result, and exits (a %s then is not needed, and not ignored)',
    async (signal) => {
      const dir = tempDir();
      writeConfig(dir, config());
      keyring.suspend();
      const env = { ...SANDBOX_ENV, DBUS_SESSION_BUS_ADDRESS: keyring.address };
      const run = await runBounded(['status'], dir, env, 20_000, { signal, when: 'stdout' });
      expect(run.hung).toBe(false);
      expect(run.stdout).toMatch(/a\s+client-credentials\s+not logged in/);
      expect([0, signal === 'SIGINT' ? 130 : 143]).toContain(run.code);
    },
  );

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'DBUS_SESSION_BUS_ADDRESS=tcp: at a listener that never answers: auto exits with its result; %s while --store keychain waits on it ends it (128 + signal)',
    async (signal) => {
      const silent = await silentListener();
      try {
        const dir = tempDir();
        writeConfig(dir, config());
        const env = { ...SANDBOX_ENV, DBUS_SESSION_BUS_ADDRESS: silent.address };
        const auto = await runBounded(['status'], dir, env, 20_000);
        expect(auto.hung).toBe(false);
        expect(auto.code).toBe(0);
        expect(auto.stdout).toMatch(/b\s+client-credentials\s+not logged in/);
        const waiting = await silentListener();
        try {
          // Signalled once the keychain has connected to the silent bus: it is waiting on it now.
          const interrupted = await runBounded(
            ['--store', 'keychain', 'token', 'a'],
            dir,
            { ...env, DBUS_SESSION_BUS_ADDRESS: waiting.address },
            20_000,
            { signal, when: waiting.connected },
          );
          expect(interrupted.signalled).toBe(true);
          expect(interrupted.hung).toBe(false);
          expect(interrupted.code).toBe(signal === 'SIGINT' ? 130 : 143);
        } finally {
          await waiting.close();
        }
      } finally {
        await silent.close();
      }
    },
  );
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
