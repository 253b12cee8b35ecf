// The token file from the CLI when the store path holds something else (issue 26 hole 7) and when
// the disk is full (hole 16), through the real binary. The full disk is injected (no root needed):
// packages/store-file/test/fixtures/fs-faults.mjs makes the token file's temporary write fail.
import { chmodSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';

const FS_FAULTS = fileURLToPath(new URL('../../../packages/store-file/test/fixtures/fs-faults.mjs', import.meta.url));

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await sandbox.stop();
});

const twoProviders = () =>
  sandboxConfig([
    sandboxProvider(sandbox, 'client-credentials', { name: 'a' }),
    sandboxProvider(sandbox, 'client-credentials', { name: 'b' }),
  ]);

describe('hole 16: logout on a full disk', () => {
  it.each(['ENOSPC', 'EDQUOT', 'EIO'])(
    '%s: a write failure naming the path and errno (exit 1); the file, both logins and no backup stay as they were',
    async (errno) => {
      const dir = tempDir();
      writeConfig(dir, twoProviders());
      for (const name of ['a', 'b']) expect((await runBinary(['token', name], { cwd: dir, env: SANDBOX_ENV })).code).toBe(0);
      const file = join(dir, '.config', 'tokensmith', 'tokens.json');
      const before = readFileSync(file, 'utf8');

      const full = { ...SANDBOX_ENV, NODE_OPTIONS: `--import ${FS_FAULTS}`, TOKENSMITH_TEST_FAIL_WRITE: errno };
      const logout = await runBinary(['logout', 'a'], { cwd: dir, env: full });
      expect(logout.code).toBe(1);
      expect(logout.stderr).toContain(`cannot write token file ${file} (${errno}:`);
      expect(logout.stderr).not.toMatch(/could not be read|moved it to|Every provider is logged out/);

      expect(readFileSync(file, 'utf8')).toBe(before);
      expect(readdirSync(join(dir, '.config', 'tokensmith')).filter((name) => !name.endsWith('.lock'))).toEqual(['tokens.json']);
      const status = JSON.parse((await runBinary(['status', '--json'], { cwd: dir, env: SANDBOX_ENV })).stdout) as {
        providers: Array<{ provider: string; loggedIn: boolean }>;
      };
      expect(status.providers.map(({ provider, loggedIn }) => [provider, loggedIn])).toEqual([
        ['a', true],
        ['b', true],
      ]);
    },
  );
});

describe('hole 7: a store path that is not a token file', () => {
  it('file:~/.ssh/id_ed25519: status and logout refuse it by name, never call it corrupt; the key is not moved, read into the store or chmod-ed', async () => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'client-credentials', { name: 'a' })]));
    mkdirSync(join(dir, '.ssh'), { mode: 0o700 });
    const key = join(dir, '.ssh', 'id_ed25519');
    const text = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA-key-material\n-----END OPENSSH PRIVATE KEY-----\n';
    writeFileSync(key, text);
    chmodSync(key, 0o644);

    for (const command of [['status'], ['logout', 'a'], ['token', 'a']]) {
      const run = await runBinary(['--store', 'file:~/.ssh/id_ed25519', ...command], { cwd: dir, env: SANDBOX_ENV });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`${key.replace(/[.]/g, '\\.')}:? (it )?is not a tokensmith token file`));
      expect(run.stdout + run.stderr).not.toMatch(/corrupt|delete|moved it to|key-material/);
    }
    expect(readFileSync(key, 'utf8')).toBe(text);
    expect(statSync(key).mode & 0o777).toBe(0o644);
    expect(readdirSync(join(dir, '.ssh'))).toEqual(['id_ed25519']);
    expect(sandbox.stats.tokenRequests).toBe(0);
  });
});

describe('issue 27 item 3: the keychain fallback notice, once per token file', () => {
  it('auto with no keychain: the notice on the first token stored in the file, not again after a logout and a new login', async () => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'client-credentials', { name: 'a' })]).replace('store: file\n', ''));
    const notices = (run: { stderr: string }) => run.stderr.split('\n').filter((line) => line.startsWith('notice:'));
    const first = await runBinary(['token', 'a'], { cwd: dir, env: SANDBOX_ENV });
    expect(first.code).toBe(0);
    expect(notices(first)).toEqual([expect.stringContaining('no OS keychain answered')]);
    expect((await runBinary(['logout', 'a'], { cwd: dir, env: SANDBOX_ENV })).code).toBe(0);
    const again = await runBinary(['token', 'a'], { cwd: dir, env: SANDBOX_ENV });
    expect(again.code).toBe(0);
    expect(sandbox.stats.tokenRequests).toBe(2);
    expect(notices(again)).toEqual([]);
  });
});
