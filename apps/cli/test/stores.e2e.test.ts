import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEMO_CREDENTIALS, startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { startRedisServer, type RedisServer } from '@tokensmith/store-redis/testing';
import { startKeyringSession, type KeyringSession } from '@tokensmith/store-keychain/testing';
import { SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig, approveInBrowser } from './helpers.js';
import { maskStoreUrl } from '../src/stores/mask.js';

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

// No store setting: the CLI's default (auto) unless --store says otherwise. runBinary's environment
// has no D-Bus session bus unless a test passes one: there `auto` is the file.
const config = () => sandboxConfig([sandboxProvider(sandbox, 'client-credentials', { user: 'twitterapi' })]).replace('store: file\n', '');
const env = SANDBOX_ENV;
const withKeyring = () => ({ ...SANDBOX_ENV, DBUS_SESSION_BUS_ADDRESS: keyring.address });

/** Every regular file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
}

async function status(dir: string, store: string[] = []) {
  const result = await runBinary([...store, 'status', '--json'], { cwd: dir, env });
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as {
    store: { kind: string; path?: string };
    providers: Array<{ provider: string; loggedIn: boolean; expiresAt?: string | null }>;
  };
}

describe('token stores from the CLI', () => {
  it('auto with no keychain (no D-Bus session): the file, a 0600 file in a 0700 dir, one notice naming it; status shows no secret, logout forgets it', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const file = join(dir, '.config', 'tokensmith', 'tokens.json');
    const first = await runBinary(['timeline', '--count', '1'], { cwd: dir, env });
    expect(first.code).toBe(0);
    const notices = first.stderr.split('\n').filter((line) => line.startsWith('notice:'));
    expect(notices).toEqual([expect.stringContaining(`no OS keychain answered (no D-Bus session bus`)]);
    expect(notices[0]).toContain(`tokens are stored in the file ${file} (mode 0600)`);
    const second = await runBinary(['timeline', '--count', '1'], { cwd: dir, env });
    expect(second.code).toBe(0);
    // Nothing was stored this time, so nothing to tell.
    expect(second.stderr).not.toContain('notice:');
    expect(sandbox.stats.tokenRequests).toBe(1);

    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, '.config', 'tokensmith')).mode & 0o777).toBe(0o700);
    const token = [...sandbox.state.appTokens.keys()][0]!;
    expect(readFileSync(file, 'utf8')).toContain(token);

    const shown = await status(dir);
    expect(shown.store).toEqual({ kind: 'file', path: file });
    expect(shown.providers).toEqual([
      {
        provider: 'app',
        strategy: 'client-credentials',
        loggedIn: true,
        tokenType: 'bearer',
        expiresAt: null,
        refreshable: false,
        scopes: [],
        user: null,
        dpopBound: false,
        usable: true,
      },
    ]);
    const human = await runBinary(['status'], { cwd: dir, env });
    expect(human.stdout).toMatch(/app\s+client-credentials\s+logged in, no expiry/);
    expect(human.stdout + JSON.stringify(shown)).not.toContain(token);

    expect((await runBinary(['logout', 'app'], { cwd: dir, env })).code).toBe(0);
    expect((await status(dir)).providers[0]!.loggedIn).toBe(false);
    expect(readFileSync(file, 'utf8')).not.toContain(token);
  });

  it('a corrupt token file is an error naming the path and the fix; logout moves it aside and recovers', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    expect((await runBinary(['token'], { cwd: dir, env })).code).toBe(0);
    const file = join(dir, '.config', 'tokensmith', 'tokens.json');
    writeFileSync(file, '{"version": 1, "tokens": {"not": valid json');
    const broken = await runBinary(['timeline'], { cwd: dir, env });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(file);
    expect(broken.stderr).toMatch(/tokensmith logout/);
    expect(readFileSync(file, 'utf8')).toBe('{"version": 1, "tokens": {"not": valid json');

    const logout = await runBinary(['logout', 'app'], { cwd: dir, env });
    expect(logout.code).toBe(0);
    expect(logout.stderr).toContain(`moved it to ${file}.bak-`);
    expect((await runBinary(['timeline', '--count', '1'], { cwd: dir, env })).code).toBe(0);
  });

  it('memory: nothing is written and every run asks for a token', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    for (let i = 0; i < 2; i++) expect((await runBinary(['--store', 'memory', 'token'], { cwd: dir, env })).code).toBe(0);
    expect(sandbox.stats.tokenRequests).toBe(2);
    expect((await status(dir, ['--store', 'memory'])).store).toEqual({ kind: 'memory' });
  });

  it('redis://: processes share the token through a real redis-server; status hides the password', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const url = redis.url;
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => runBinary(['--store', url, 'timeline', '--count', '1'], { cwd: dir, env })),
    );
    for (const run of runs) expect(run.code).toBe(0);
    expect(sandbox.stats.tokenRequests).toBe(1);
    const shown = await status(dir, ['--store', url]);
    expect(shown.store).toEqual({ kind: 'redis', path: maskStoreUrl(url) });
    expect(shown.providers[0]!.loggedIn).toBe(true);
    expect((await runBinary(['--store', url, 'logout', 'app'], { cwd: dir, env })).code).toBe(0);
    expect((await status(dir, ['--store', url])).providers[0]!.loggedIn).toBe(false);
  });

  it('redis:// that is down: exit 3, the URL with its password masked, the next step, no ioredis advice', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const down = await runBinary(['--store', 'redis://:hunter2@127.0.0.1:1', 'token'], { cwd: dir, env });
    expect(down.code).toBe(3);
    // The reason is worded from the code the store error carries (the connection was refused), once it carries one.
    expect(down.stderr).toMatch(
      /^error: the token store, Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1, is not reachable \((the connection was refused|it did not answer, or refused the connection)\)\n/m,
    );
    expect(down.stderr).toMatch(/^hint: is Redis running at that address\? Start it, or check --store/m);
    // Said once, in the CLI's words: no second copy of the advice, no ioredis wording, no password.
    expect(down.stderr.match(/running/g)).toHaveLength(1);
    expect(down.stderr + down.stdout).not.toMatch(/hunter2|maxRetriesPerRequest|ioredis/i);
  });

  it('redis:// that accepts connections and never answers: status, token and timeline each fail within seconds (exit 3), never hang', async () => {
    const held: Socket[] = [];
    const silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const dir = tempDir();
      writeConfig(dir, config());
      const url = `redis://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      // A bound, not a timing: every Redis command has a 5 s deadline; a hang would be 60 s or forever.
      for (const command of [['status'], ['token'], ['timeline', '--count', '1']]) {
        const started = performance.now();
        const run = await runBinary(['--store', url, ...command], { cwd: dir, env });
        const elapsed = performance.now() - started;
        expect({ command, code: run.code }).toEqual({ command, code: 3 });
        expect(run.stderr).toMatch(
          new RegExp(
            `the token store, Redis at ${url}, is not reachable \\((it did not answer in time|it did not answer, or refused the connection)\\)`,
          ),
        );
        expect(elapsed).toBeLessThan(30_000);
      }
      expect(sandbox.stats.tokenRequests).toBe(0);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('rejects an unknown --store with exit 1', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const bad = await runBinary(['--store', 'sqlite', 'status'], { cwd: dir, env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      "--store must be 'auto' (the default), 'keychain', 'file', 'file:/absolute/path.json' (or file:~/...), 'memory' or a redis:// URL",
    );
  });
});

describe('the OS keychain from the CLI (a real gnome-keyring in a private D-Bus session)', () => {
  // A test that fails before its logout must not hand its item to the next one.
  afterEach(async () => {
    // secret-tool clear exits 1 when nothing matches: clear only what is there.
    if (await keyring.secretTool(['search', '--all', 'service', 'tokensmith']))
      await keyring.secretTool(['clear', 'service', 'tokensmith']);
    expect(await keyring.secretTool(['search', '--all', 'service', 'tokensmith'])).toBe('');
  });

  it('--store keychain: logs in with no token in any file under $HOME, a new process prints a timeline, logout leaves no item', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const login = await runBinary(['--store', 'keychain', 'login', 'app'], { cwd: dir, env: withKeyring() });
    expect(login.code).toBe(0);
    expect(sandbox.stats.tokenRequests).toBe(1);
    const token = [...sandbox.state.appTokens.keys()][0]!;
    for (const path of filesUnder(dir)) expect(readFileSync(path, 'latin1')).not.toContain(token);
    expect(filesUnder(dir).filter((path) => path.includes('tokens.json'))).toEqual([]);
    // One item, under service tokensmith, labelled with the token key (secret-tool prints attributes on stderr).
    const item = await keyring.secretTool(['search', '--all', 'service', 'tokensmith']);
    expect(item.match(/^label = /gm)).toHaveLength(1);
    // core's tokenKey: v2:<strategy>:<clientId>@<host>:<digest>, readable in a keychain window, then the
    // digest of the provider's endpoints the CLI binds it to (stores/endpoint-binding.ts).
    expect(item).toMatch(
      new RegExp(
        `^label = keyring:v2:client-credentials:${DEMO_CREDENTIALS.app.clientId}@${new URL(sandbox.endpoints.tokenUrl).host}:[0-9a-f]{32}#endpoints:[0-9a-f]{32}@tokensmith$`,
        'm',
      ),
    );
    expect(item).toContain(token);

    const timeline = await runBinary(['--store', 'keychain', 'timeline', '--count', '1'], { cwd: dir, env: withKeyring() });
    expect(timeline.code).toBe(0);
    expect(timeline.stdout).toMatch(/Tweet:/);
    expect(sandbox.stats.tokenRequests).toBe(1);

    const shown = await runBinary(['--store', 'keychain', 'status', '--json'], { cwd: dir, env: withKeyring() });
    expect(JSON.parse(shown.stdout)).toMatchObject({
      store: { kind: 'keychain', path: 'tokensmith' },
      providers: [{ provider: 'app', loggedIn: true }],
    });
    expect(shown.stdout).not.toContain(token);

    expect((await runBinary(['--store', 'keychain', 'logout', 'app'], { cwd: dir, env: withKeyring() })).code).toBe(0);
    expect(await keyring.secretTool(['search', '--all', 'service', 'tokensmith'])).toBe('');
  });

  it('auto with a keychain that answers: the keychain, no notice; TOKENSMITH_TOKEN_FILE still means the file', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const run = await runBinary(['token'], { cwd: dir, env: withKeyring() });
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('notice:');
    const status = JSON.parse((await runBinary(['status', '--json'], { cwd: dir, env: withKeyring() })).stdout) as {
      store: { kind: string; path?: string };
      providers: Array<{ loggedIn: boolean }>;
    };
    expect(status).toMatchObject({ store: { kind: 'keychain', path: 'tokensmith' }, providers: [{ loggedIn: true }] });
    // Moving between stores is a new login, never a silent copy: the file starts empty.
    const file = join(dir, 'explicit', 'tokens.json');
    const inFile = JSON.parse(
      (await runBinary(['status', '--json'], { cwd: dir, env: { ...withKeyring(), TOKENSMITH_TOKEN_FILE: file } })).stdout,
    ) as typeof status;
    expect(inFile).toMatchObject({ store: { kind: 'file', path: file }, providers: [{ loggedIn: false }] });
    expect((await runBinary(['logout', 'app'], { cwd: dir, env: withKeyring() })).code).toBe(0);
    expect(await keyring.secretTool(['search', '--all', 'service', 'tokensmith'])).toBe('');
  });

  it('--store keychain with no usable keychain: login fails before it starts (no authorize URL, no token request)', async () => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'authorization-code')]));
    const run = await runBinary(['--store', 'keychain', 'login', 'me', '--no-browser'], { cwd: dir, env, stdin: '' });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/no OS keychain: no D-Bus session bus/);
    expect(run.stderr).not.toContain('Open this URL');
    expect(sandbox.stats.tokenRequests).toBe(0);
  });

  // Last in this block: it locks the keyring.
  it('a keychain that answers but cannot store (locked): the approved login is revoked at the provider, and the error says so', async () => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'authorization-code')]));
    await keyring.lock();
    const browser = approveInBrowser();
    const login = await runBinary(['--store', 'keychain', 'login', 'me', '--no-browser'], {
      cwd: dir,
      env: withKeyring(),
      onStderr: browser,
    });
    expect(browser.started).toBe(true);
    expect(login.code).not.toBe(0);
    expect(login.stderr).toContain('the tokens this login was issued have been revoked at the provider');
    // Nothing issued is left live at the provider.
    expect(sandbox.state.userTokens.size).toBe(0);
  });

  it('--store keychain with no D-Bus session: exit 3 at once, naming the way out', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const started = performance.now();
    const run = await runBinary(['--store', 'keychain', 'token'], { cwd: dir, env });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/no D-Bus session bus/);
    expect(run.stderr).toMatch(/--store file/);
    expect(sandbox.stats.tokenRequests).toBe(0);
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});
