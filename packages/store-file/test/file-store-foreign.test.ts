// A store path that holds something else (issue 26 hole 7), a write that fails on a full disk
// (hole 16), and the directory never listed on a write (issue 27 item 17).
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BearerCredentials } from '@tokensmith/core/kit';
import { caughtTokensmithError } from '@tokensmith/core/testing';
import { FileStore, TokenFileError } from '../src/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const bearer = (accessToken: string): BearerCredentials => ({ type: 'bearer', accessToken });
const mode = async (path: string) => (await stat(path)).mode & 0o777;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokensmith-foreign-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const PRIVATE_KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA-secret-key-material\n-----END OPENSSH PRIVATE KEY-----\n';

describe('hole 7: a store path that is not a token file', () => {
  it.each([
    ['a private key', PRIVATE_KEY],
    ['a shell profile', 'export PATH="$HOME/bin:$PATH"\n'],
    ["another program's JSON", '{"name":"settings","secret-setting":"s3cret"}\n'],
    ['a JSON array', '[1,2,3]'],
  ])('%s: every operation refuses it by name; nothing read, written, moved or chmod-ed', async (_what, text) => {
    const ssh = join(dir, '.ssh');
    await mkdir(ssh, { mode: 0o700 });
    const path = join(ssh, 'id_ed25519');
    await writeFile(path, text);
    await chmod(path, 0o644);
    const before = await stat(path);
    const warnings: string[] = [];
    const store = new FileStore({ path, onWarning: (message) => warnings.push(message) });
    const operations = [
      store.get('k'),
      store.set('k', bearer('new-token')),
      store.delete('k'),
      store.entries(),
      store.check(),
      store.reset(),
    ];
    for (const operation of operations) {
      const error = await caughtTokensmithError(operation);
      expect(error).toBeInstanceOf(TokenFileError);
      expect(error).toMatchObject({ code: 'store_error', problem: 'not_token_file', path });
      expect(error.message).toContain(`${path} is not a tokensmith token file`);
      expect(error.message).toContain('nothing was read from it, moved or chmod-ed');
      // Not called corrupt, no advice to delete someone's key, and nothing of its content.
      expect(error.message).not.toMatch(/corrupt|delete the file/);
      expect(error.message).not.toContain('secret');
    }
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(await mode(path)).toBe(0o644);
    expect((await stat(path)).mtimeMs).toBe(before.mtimeMs);
    expect(await readdir(ssh)).toEqual(['id_ed25519']);
    expect(warnings).toEqual([]);
  });

  it('token files as every version wrote them are still read: indented, compact, members in another order', async () => {
    const tokens = { 'k#client#': bearer('kept-token') };
    for (const text of [
      `${JSON.stringify({ version: 1, tokens }, null, 2)}\n`,
      JSON.stringify({ version: 1, tokens }),
      JSON.stringify({ tokens, version: 1 }),
    ]) {
      const path = join(dir, 'tokens.json');
      await writeFile(path, text, { mode: 0o600 });
      const store = new FileStore({ path });
      await store.check();
      expect(await store.entries()).toEqual([{ key: 'k#client#', credentials: bearer('kept-token') }]);
    }
  });

  it('a damaged token file (it begins with the format marker) is still corrupt, and reset() moves it aside', async () => {
    const path = join(dir, 'tokens.json');
    await writeFile(path, '{\n  "version": 1,\n  "tokens": {\n    "k#c#": {', { mode: 0o600 });
    const error = await caughtTokensmithError(new FileStore({ path }).check());
    expect(error).toMatchObject({ problem: 'corrupt' });
    expect(await new FileStore({ path, now: () => 1 }).reset()).toBe(`${path}.bak-1`);
  });

  it('check() refuses a token file others can read with the chmod command, and changes nothing; a read still tightens it', async () => {
    const path = join(dir, 'tokens.json');
    await writeFile(path, JSON.stringify({ version: 1, tokens: {} }));
    await chmod(path, 0o644);
    const error = await caughtTokensmithError(new FileStore({ path }).check());
    expect(error.message).toContain(`run \`chmod 600 ${path}\``);
    expect(await mode(path)).toBe(0o644);
    await new FileStore({ path, onWarning: () => undefined }).get('k');
    expect(await mode(path)).toBe(0o600);
  });
});

/** Runs one FileStore operation in a child process with test/fixtures/fs-faults.mjs loaded. */
function storeOp(env: NodeJS.ProcessEnv, ...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', fixture('fs-faults.mjs'), fixture('store-op.mjs'), ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { outcome: JSON.parse(result.stdout) as Record<string, unknown>, stderr: result.stderr };
}

describe('hole 16: a write that fails (full disk, quota, I/O error)', () => {
  it.each(['ENOSPC', 'EDQUOT', 'EIO'])(
    '%s: a write_failed error naming the path and errno; the file is as it was, no temporary left',
    async (errno) => {
      const path = join(dir, 'tokens.json');
      const text = `${JSON.stringify({ version: 1, tokens: { 'a#c#': bearer('token-a'), 'b#c#': bearer('token-b') } }, null, 2)}\n`;
      await writeFile(path, text, { mode: 0o600 });
      for (const op of [
        ['delete', 'a#c#'],
        ['set', 'c#c#'],
      ]) {
        const { outcome } = storeOp({ TOKENSMITH_TEST_FAIL_WRITE: errno }, path, ...op);
        expect(outcome).toMatchObject({ ok: false, code: 'store_error', problem: 'write_failed', errno });
        expect(outcome.message).toContain(`cannot write token file ${path} (${errno}: injected failure)`);
        expect(outcome.message).toContain('the previous file is unchanged');
        expect(outcome.message).not.toMatch(/token-[ab]|corrupt|could not be read/);
      }
      expect(await readFile(path, 'utf8')).toBe(text);
      expect(await readdir(dir)).toEqual(['tokens.json']);
    },
  );
});

describe('issue 27 item 17: a write never lists the directory', () => {
  it('set() makes no readdir call, and replaces the temporary file a killed writer left', async () => {
    const path = join(dir, 'tokens.json');
    await writeFile(join(dir, '.tokens.json.tmp'), 'half a write', { mode: 0o600 });
    const { outcome, stderr } = storeOp({ TOKENSMITH_TEST_COUNT_READDIR: '1' }, path, 'set', 'k#c#');
    expect(outcome).toEqual({ ok: true, value: null });
    expect(stderr).toContain('readdir calls: 0');
    expect((await readdir(dir)).sort()).toEqual(['tokens.json']);
    expect(await new FileStore({ path }).get('k#c#')).toEqual(bearer('fresh-token'));
  });
});
