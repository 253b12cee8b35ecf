import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { startSandbox, decideOnAuthorizePage, type Sandbox } from '@tokensmith/sandbox';
import { SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, spawnCli, tempDir, writeConfig } from './helpers.js';
import { runInPty } from './pty.js';

// Ctrl-C anywhere in a login (issue 12): the command is aborted through one AbortSignal, cleans up
// and the process exits 130, leaving no lock file, no listener and no partial file. And a person
// typing holds no lock: another process gets its token meanwhile.
let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await sandbox.stop();
});

const env = SANDBOX_ENV;
const tokenDir = (dir: string) => join(dir, '.config', 'tokensmith');
/** Every file beside the token file that is not the token file itself or a finished pending login. */
function leftovers(dir: string): string[] {
  const root = tokenDir(dir);
  if (!existsSync(root)) return [];
  const names = readdirSync(root, { recursive: true }) as string[];
  return names.filter((name) => /\.lock$|\.tmp$|\.partial$/.test(name));
}

function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('Ctrl-C and the store lock during a login, through the binary', () => {
  it('while login waits at PIN:, token in another process answers at once; Ctrl-C then exits 130 and leaves nothing', async () => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'oauth1-pin')]));
    // Logged in already (two steps), so `token` has something to print.
    const start = await runBinary(['login', 'user', '--no-browser'], { cwd: dir, env });
    const { pin } = await decideOnAuthorizePage(/Open this URL to authorize:\n\s+(\S+)/.exec(start.stderr)![1]!, 'approve');
    expect((await runBinary(['login', 'user', '--pin', pin!], { cwd: dir, env })).code).toBe(0);

    const pty = runInPty(['login', 'user', '--no-browser'], { cwd: dir, env });
    await pty.waitFor('PIN: ');
    const started = Date.now();
    const token = await runBinary(['token', 'user'], { cwd: dir, env });
    expect(token.code).toBe(0);
    expect(token.stdout.trim()).not.toBe('');
    expect(Date.now() - started).toBeLessThan(10_000); // measured before: blocked 60 s on the lock

    pty.type('12'); // half a PIN, then Ctrl-C (a raw-mode byte, turned into SIGINT by the CLI)
    pty.type('\u0003');
    expect(await pty.exited).toBe(130);
    expect(pty.text).toContain('Cancelled; nothing was stored.');
    expect(leftovers(dir)).toEqual([]);
    // The earlier login is intact.
    expect((await runBinary(['token', 'user'], { cwd: dir, env })).stdout).toBe(token.stdout);
  });

  it('SIGINT while waiting for the browser redirect closes the loopback listener and exits 130', async () => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'authorization-code')]));
    const child = spawnCli(['login', 'me', '--no-browser'], { cwd: dir });
    let stderr = '';
    const url = await new Promise<string>((resolve) => {
      child.stderr.on('data', (chunk) => {
        stderr += String(chunk);
        const found = /Open this URL to authorize:\n\s+(\S+)/.exec(stderr)?.[1];
        if (found && stderr.includes('Waiting for a browser')) resolve(found);
      });
    });
    const port = Number(new URL(new URL(url).searchParams.get('redirect_uri')!).port);
    expect(await portIsClosed(port)).toBe(false);
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('Cancelled; nothing was stored.');
    expect(await portIsClosed(port)).toBe(true);
    expect(leftovers(dir)).toEqual([]);
    expect(sandbox.state.userTokens.size).toBe(0);
  });

  it('Ctrl-C on a terminal at the paste prompt (cooked mode: the terminal sends SIGINT) exits 130', async () => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'authorization-code')]));
    const pty = runInPty(['login', 'me', '--no-browser'], { cwd: dir });
    await pty.waitFor('paste the URL');
    pty.type('\u0003');
    expect(await pty.exited).toBe(130);
    expect(pty.text).toContain('Cancelled; nothing was stored.');
    expect(leftovers(dir)).toEqual([]);
  });
});
