// FileStore against hostile files and careless setups (issue 17, holes 2, 7 and 12), each attacked
// for real: symlinks, files and directories owned by another user (chown to nobody: these tests
// run as root, as CI and this project's machines do), FIFOs made with mkfifo, a lock path linked to /dev/zero.
import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type BearerCredentials } from '@tokensmith/core/kit';
import { FileStore, keyLockPath } from '../src/index.js';
import { caughtTokensmithError } from '@tokensmith/core/testing';

const bearer = (accessToken: string, extra: Partial<BearerCredentials> = {}): BearerCredentials => ({
  type: 'bearer',
  accessToken,
  ...extra,
});
const NOBODY = 65534;

const caught = caughtTokensmithError;

/** Settles within `ms` or fails: a hang is the bug these tests look for. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms (hung)`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

let dir: string;
let tokenDir: string;
let file: string;
const warnings: string[] = [];
const open = (options: ConstructorParameters<typeof FileStore>[0] = {}) =>
  new FileStore({ path: file, onWarning: (m) => warnings.push(m), lockTimeoutMs: 2_000, ...options });
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokensmith-hostile-'));
  tokenDir = join(dir, 'tokensmith');
  file = join(tokenDir, 'tokens.json');
  await mkdir(tokenDir, { mode: 0o700 });
  warnings.length = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hole 7: the token file is not trusted further than it should be', () => {
  it('a tokens.json symlinked to an unrelated 0644 file: refused by name, the target neither chmod-ed nor read', async () => {
    const target = join(dir, 'unrelated.txt');
    await writeFile(target, 'not yours to touch\n', { mode: 0o644 });
    await symlink(target, file);
    const store = open();
    for (const attempt of [() => store.get('k'), () => store.set('k', bearer('t')), () => store.entries()]) {
      const error = await caught(attempt());
      expect(error.code).toBe('store_error');
      expect(error.message).toContain(`token file ${file} is a symbolic link`);
    }
    expect((await stat(target)).mode & 0o777).toBe(0o644);
    expect(await readFile(target, 'utf8')).toBe('not yours to touch\n');
    expect(warnings).toEqual([]);
  });

  it('a tokens.json owned by another user (0666, planted): its tokens are not used', async () => {
    await writeFile(file, JSON.stringify({ version: 1, tokens: { k: bearer('planted-token') } }), { mode: 0o666 });
    await chmod(file, 0o666);
    await chown(file, NOBODY, NOBODY);
    const error = await caught(open().get('k'));
    expect(error.code).toBe('store_error');
    expect(error.message).toContain(`token file ${file} is owned by another user (uid ${NOBODY})`);
    expect(error.message).not.toContain('planted-token');
    // Not chmod-ed either: nothing of it is touched.
    expect((await stat(file)).mode & 0o777).toBe(0o666);
  });

  it('a token directory owned by another user draws a warning', async () => {
    await chown(tokenDir, NOBODY, NOBODY);
    await open().set('k', bearer('t'));
    expect(warnings).toEqual([expect.stringContaining(`token store directory ${tokenDir} is owned by another user (uid ${NOBODY})`)]);
  });

  it('a FIFO at tokens.json: refused at once, no hang', async () => {
    execFileSync('mkfifo', ['-m', '600', file]);
    const started = performance.now();
    const error = await caught(within(5_000, open().get('k')));
    expect(error.code).toBe('store_error');
    expect(error.message).toContain(`token file ${file} is a FIFO, not a regular file`);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('a FIFO at the lock path: refused at once, not after the lock timeout', async () => {
    execFileSync('mkfifo', ['-m', '600', `${file}.lock`]);
    execFileSync('mkfifo', ['-m', '600', keyLockPath(file, 'k')]);
    const store = open({ lockTimeoutMs: 60_000 });
    const started = performance.now();
    for (const attempt of [() => store.set('k', bearer('t')), () => store.lock('k', async () => undefined)]) {
      const error = await caught(within(5_000, attempt()));
      expect(error.code).toBe('store_error');
      expect(error.message).toMatch(
        /lock file .* is a FIFO, which tokensmith never creates; if no tokensmith process is running, delete it/,
      );
    }
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('hole 12: a lock file that is not a lock', () => {
  it('a lock path linked to /dev/zero fails at once with a store_error naming it (no RangeError)', async () => {
    await symlink('/dev/zero', `${file}.lock`);
    const started = performance.now();
    const error = await caught(within(5_000, open({ lockTimeoutMs: 60_000 }).set('k', bearer('t'))));
    expect(error.code).toBe('store_error');
    expect(error.message).toContain(`lock file ${file}.lock is a symbolic link`);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('a character device at the lock path (mknod c 1 5, what /dev/zero is) fails at once', async () => {
    execFileSync('mknod', ['-m', '600', `${file}.lock`, 'c', '1', '5']);
    const error = await caught(within(5_000, open({ lockTimeoutMs: 60_000 }).set('k', bearer('t'))));
    expect(error.code).toBe('store_error');
    expect(error.message).toContain(`lock file ${file}.lock is a device`);
  });
});

describe('hole 2: one bad entry affects only its own provider', () => {
  const good = bearer('good-token', { expiresAt: 1_900_000_000_000 });
  const bad = {
    // What JSON.stringify makes of expires_in: 1e306 (Infinity), a date no Date can hold, an unknown shape.
    'infinite#client#': { type: 'bearer', accessToken: 'inf-token', expiresAt: null },
    'huge#client#': { type: 'bearer', accessToken: 'huge-token', expiresAt: 1e300 },
    'unknown#client#': { type: 'saml', assertion: '...' },
  };

  it('the bad entries read as absent, the rest stays usable, other writes keep them, a new login replaces one', async () => {
    await writeFile(file, JSON.stringify({ version: 1, tokens: { 'good#client#': good, ...bad } }), { mode: 0o600 });
    const store = open();
    expect(await store.get('good#client#')).toEqual(good);
    for (const key of Object.keys(bad)) expect(await store.get(key)).toBeUndefined();
    expect(await store.entries()).toEqual([{ key: 'good#client#', credentials: good }]);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/has an unreadable entry \(key "infinite#client#"\); it counts as logged out/);
    expect(warnings.join('\n')).not.toMatch(/inf-token|huge-token|good-token/);

    // Another provider logs in: the file is rewritten, the bad entries kept as they were.
    await store.set('other#client#', bearer('other-token'));
    const onDisk = JSON.parse(await readFile(file, 'utf8')) as { tokens: Record<string, unknown> };
    expect(onDisk.tokens).toEqual({ 'good#client#': good, 'other#client#': bearer('other-token'), ...bad });

    // The bad provider logs in again: its entry is replaced; logout of another bad one removes it.
    await store.set('infinite#client#', bearer('fresh-token', { expiresAt: 1_900_000_000_000 }));
    expect(await store.get('infinite#client#')).toEqual(bearer('fresh-token', { expiresAt: 1_900_000_000_000 }));
    await store.delete('unknown#client#');
    const after = JSON.parse(await readFile(file, 'utf8')) as { tokens: Record<string, unknown> };
    expect(Object.keys(after.tokens).sort()).toEqual(['good#client#', 'huge#client#', 'infinite#client#', 'other#client#']);
    expect((await readdir(tokenDir)).sort()).toEqual(['tokens.json']);
  });

  it('a file corrupt as a whole is still never overwritten', async () => {
    await writeFile(file, '{"version":1,"tokens":', { mode: 0o600 });
    expect((await caught(open().set('k', bearer('t')))).message).toContain('is corrupt (not valid JSON)');
    expect(await readFile(file, 'utf8')).toBe('{"version":1,"tokens":');
  });
});
