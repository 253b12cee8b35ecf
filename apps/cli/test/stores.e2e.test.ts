import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, DEMO_CREDENTIALS, type Sandbox } from '@tokensmith/sandbox';
import { startRedisServer, type RedisServer } from '@tokensmith/store-redis/testing';
import { SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';

let sandbox: Sandbox;
let redis: RedisServer;
beforeAll(async () => { redis = await startRedisServer(); });
afterAll(async () => { await redis.stop(); });
beforeEach(async () => { sandbox = await startSandbox(); });
afterEach(async () => { await sandbox.stop(); });

// No store setting: the CLI's default (file) unless --store says otherwise.
const config = () => sandboxConfig([sandboxProvider(sandbox, 'client-credentials', { user: 'twitterapi' })]).replace('store: file\n', '');
const env = SANDBOX_ENV;

async function status(dir: string, store: string[] = []) {
  const result = await runBinary([...store, 'status', '--json'], { cwd: dir, env });
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as { store: string; providers: Array<{ provider: string; loggedIn: boolean; expiresAt?: string | null }> };
}

describe('token stores from the CLI', () => {
  it('file (default): a token survives the process, lives in a 0600 file in a 0700 dir, status shows no secret, logout forgets it', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const first = await runBinary(['timeline', '--count', '1'], { cwd: dir, env });
    expect(first.code).toBe(0);
    const second = await runBinary(['timeline', '--count', '1'], { cwd: dir, env });
    expect(second.code).toBe(0);
    expect(sandbox.stats.tokenRequests).toBe(1);

    const file = join(dir, '.config', 'tokensmith', 'tokens.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, '.config', 'tokensmith')).mode & 0o777).toBe(0o700);
    const token = [...sandbox.state.appTokens.keys()][0]!;
    expect(readFileSync(file, 'utf8')).toContain(token);

    const shown = await status(dir);
    expect(shown.store).toBe(`file ${file}`);
    expect(shown.providers).toEqual([{ provider: 'app', strategy: 'client-credentials', loggedIn: true, type: 'bearer', expiresAt: null, refreshable: false, scopes: [] }]);
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
    writeFileSync(file, '{"not": valid json');
    const broken = await runBinary(['timeline'], { cwd: dir, env });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(file);
    expect(broken.stderr).toMatch(/tokensmith logout/);
    expect(readFileSync(file, 'utf8')).toBe('{"not": valid json');

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
    expect((await status(dir, ['--store', 'memory'])).store).toBe('memory (this process only)');
  });

  it('redis://: processes share the token through a real redis-server; status hides the password', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const url = redis.url;
    const runs = await Promise.all(Array.from({ length: 4 }, () => runBinary(['--store', url, 'timeline', '--count', '1'], { cwd: dir, env })));
    for (const run of runs) expect(run.code).toBe(0);
    expect(sandbox.stats.tokenRequests).toBe(1);
    const shown = await status(dir, ['--store', url]);
    expect(shown.store).toBe(`redis ${new URL(url).host}`);
    expect(shown.providers[0]!.loggedIn).toBe(true);
    expect((await runBinary(['--store', url, 'logout', 'app'], { cwd: dir, env })).code).toBe(0);
    expect((await status(dir, ['--store', url])).providers[0]!.loggedIn).toBe(false);
  });

  it('rejects an unknown --store with exit 1', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const bad = await runBinary(['--store', 'sqlite', 'status'], { cwd: dir, env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--store must be 'file', 'memory' or a redis:// URL");
  });
});
