// What a store setting may point at, and a keychain that never answers, through the binary:
// - `file:PATH` names a tokensmith token file or a path where none exists: any other file (a shell
//   profile, an SSH key, an empty file) is refused before anything is read, written, moved or chmod-ed.
// - A D-Bus session bus that completes the handshake and then never answers (a Secret Service that
//   stopped on a live bus): `auto` falls back to the file with a notice and the process exits;
//   `--store keychain` fails with a named error within the keychain's 10 s bound and exits.
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, spawnCli, tempDir, writeConfig } from './helpers.js';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await sandbox.stop();
});

const env = SANDBOX_ENV;
const appConfig = (store: string) => sandboxConfig([sandboxProvider(sandbox, 'client-credentials', { user: 'twitterapi' })], { store });

describe('file:PATH must name a tokensmith token file (or nothing yet)', () => {
  it.each([
    ['a shell profile', '.bash_profile', 'export PATH="$HOME/bin:$PATH"\n', 0o644],
    ['an empty file', '.bash_profile', '', 0o644],
    [
      'an SSH key',
      'id_ed25519',
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n',
      0o644,
    ],
    ['JSON that is not a token file', 'settings.json', '{"editor":"vim"}\n', 0o644],
  ])('%s: timeline, status and logout refuse it; the file keeps its bytes and its mode', async (_name, file, text, mode) => {
    const dir = tempDir();
    const target = join(dir, file);
    writeFileSync(target, text);
    chmodSync(target, mode);
    // Named with --config (the person's own choice, trusted): what is checked here is the store path,
    // not the trust gate a working-directory config naming a file: store meets first.
    const config = writeConfig(dir, appConfig(`file:~/${file}`));
    for (const command of [['timeline', '--count', '1'], ['status'], ['logout', 'app']]) {
      const run = await runBinary(['--config', config, ...command], { cwd: dir, env });
      expect({ command, code: run.code }).toEqual({ command, code: 1 });
      expect(run.stderr).toContain(`refusing the token store file:${target}: it is not a tokensmith token file`);
      // Never quoted: the file may hold anything.
      if (text !== '') expect(run.stderr).not.toContain(text.trim().split('\n')[0]);
    }
    expect(readFileSync(target, 'utf8')).toBe(text);
    expect(statSync(target).mode & 0o777).toBe(mode);
    expect(sandbox.stats.tokenRequests).toBe(0);
  });

  it('a symbolic link is refused, even to a token file; a token file it wrote itself is used again', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, appConfig('file:~/own-tokens.json'));
    expect((await runBinary(['--config', config, 'token'], { cwd: dir, env })).code).toBe(0);
    expect((await runBinary(['--config', config, 'token'], { cwd: dir, env })).code).toBe(0);
    expect(sandbox.stats.tokenRequests).toBe(1);
    const { symlinkSync } = await import('node:fs');
    symlinkSync(join(dir, 'own-tokens.json'), join(dir, 'link.json'));
    writeConfig(dir, appConfig('file:~/link.json'));
    const linked = await runBinary(['--config', config, 'token'], { cwd: dir, env });
    expect(linked.code).toBe(1);
    expect(linked.stderr).toContain('it is a symbolic link');
  });
});

/** A D-Bus session bus that accepts, completes the SASL handshake, then never answers a message. */
async function handshakeOnlyBus(
  dir: string,
  onConnection: (count: number) => void = () => undefined,
): Promise<{ address: string; allClosed(): Promise<unknown>; close(): Promise<void> }> {
  const path = join(dir, 'bus.sock');
  const sockets: Socket[] = [];
  const closed: Array<Promise<unknown>> = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    closed.push(new Promise((resolve) => socket.on('close', resolve)));
    onConnection(sockets.length);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      if (chunk.toString('latin1').includes('AUTH')) socket.write('OK 0123456789abcdef0123456789abcdef\r\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    address: `unix:path=${path}`,
    allClosed: () => Promise.all(closed),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('a keychain whose bus never answers after the handshake', () => {
  it('auto: falls back to the file with a notice naming why, prints its result and exits', async () => {
    const dir = tempDir();
    const bus = await handshakeOnlyBus(dir);
    try {
      writeConfig(dir, appConfig('auto'));
      const started = performance.now();
      const run = await runBinary(['status', '--json'], { cwd: dir, env: { ...env, DBUS_SESSION_BUS_ADDRESS: bus.address } });
      // A bound, not a timing: the probe gives up at 1.5 s; before, the process never exited at all.
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(
        /^notice: no OS keychain answered \(.*did not answer( \(\w+\))? within 1500 ms.*\); tokens are stored in the file /m,
      );
      expect((JSON.parse(run.stdout) as { store: unknown }).store).toEqual({
        kind: 'file',
        path: join(dir, '.config', 'tokensmith', 'tokens.json'),
      });
    } finally {
      await bus.close();
    }
  });

  it('--store keychain: a named error within the 10 s bound (exit 3), before any token request, and the process exits', async () => {
    const dir = tempDir();
    const bus = await handshakeOnlyBus(dir);
    try {
      writeConfig(dir, appConfig('file'));
      const started = performance.now();
      const run = await runBinary(['--store', 'keychain', 'token'], { cwd: dir, env: { ...env, DBUS_SESSION_BUS_ADDRESS: bus.address } });
      expect(performance.now() - started).toBeLessThan(25_000);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^error: .*keychain did not answer( \(\w+\))? within 10000 ms/m);
      expect(sandbox.stats.tokenRequests).toBe(0);
    } finally {
      await bus.close();
    }
  }, 40_000);

  it('SIGTERM while the keychain is being asked: the command is cancelled (exit 143) at once, and the probe process is gone', async () => {
    const dir = tempDir();
    writeConfig(dir, appConfig('file'));
    let child: ReturnType<typeof spawnCli> | undefined;
    // The probe's second connection is the native binding's, the one that waits for ever: signal then.
    const bus = await handshakeOnlyBus(dir, (count) => {
      if (count === 2) child?.kill('SIGTERM');
    });
    try {
      const started = performance.now();
      child = spawnCli(['--store', 'keychain', 'token'], { cwd: dir, env: { ...env, DBUS_SESSION_BUS_ADDRESS: bus.address } });
      child.stdin.end();
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const code = await new Promise<number | null>((resolve) => child!.on('close', resolve));
      expect(code).toBe(143);
      expect(stderr).toContain('Cancelled');
      // Well inside the 10 s the probe would otherwise wait.
      expect(performance.now() - started).toBeLessThan(8_000);
      // The probe process was killed with the CLI: every connection to the bus closes (else the test times out).
      await bus.allClosed();
      expect(sandbox.stats.tokenRequests).toBe(0);
    } finally {
      await bus.close();
    }
  }, 40_000);

  it('SIGKILL while the keychain is being asked: the helper stuck in the binding ends itself (no orphan holds the bus)', async () => {
    const dir = tempDir();
    writeConfig(dir, appConfig('file'));
    let child: ReturnType<typeof spawnCli> | undefined;
    // The second connection is the binding's, from the helper process, stuck for ever: kill the CLI
    // so that it cannot run its exit hook; only the helper itself can notice its parent is gone.
    const bus = await handshakeOnlyBus(dir, (count) => {
      if (count === 2) child?.kill('SIGKILL');
    });
    try {
      child = spawnCli(['--store', 'keychain', 'token'], { cwd: dir, env: { ...env, DBUS_SESSION_BUS_ADDRESS: bus.address } });
      child.stdin.end();
      await new Promise((resolve) => child!.on('close', resolve));
      // Else this waits until the test's bound: the helper, blocked in the binding, would live on.
      await bus.allClosed();
      expect(sandbox.stats.tokenRequests).toBe(0);
    } finally {
      await bus.close();
    }
  }, 40_000);
});
