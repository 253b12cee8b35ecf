import { jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { createTokenManager, type BearerCredentials, type Credentials } from '@tokensmith/core/kit';
import { FileStore, defaultTokenFilePath } from '../src/index.js';
import { caughtTokensmithError } from '@tokensmith/core/testing';

const bearer = (accessToken: string, extra: Partial<BearerCredentials> = {}): BearerCredentials => ({
  type: 'bearer',
  accessToken,
  ...extra,
});
const mode = async (path: string) => (await stat(path)).mode & 0o777;
const lockPathOf = (path: string, key: string) => `${path}.${createHash('sha256').update(key).digest('hex').slice(0, 16)}.lock`;

/** A pid that surely belongs to no process: a child that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid as number;
}

const caught = caughtTokensmithError;

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokensmith-file-store-'));
  file = join(dir, 'config', 'tokensmith', 'tokens.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileStore: path', () => {
  it('defaults to $TOKENSMITH_TOKEN_FILE, else $XDG_CONFIG_HOME, else ~/.config', () => {
    expect(defaultTokenFilePath({ HOME: '/home/me' })).toBe('/home/me/.config/tokensmith/tokens.json');
    expect(defaultTokenFilePath({ HOME: '/home/me', XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/tokensmith/tokens.json');
    expect(defaultTokenFilePath({ HOME: '/home/me', XDG_CONFIG_HOME: 'relative' })).toBe('/home/me/.config/tokensmith/tokens.json');
    expect(defaultTokenFilePath({ HOME: '/home/me', XDG_CONFIG_HOME: '/xdg', TOKENSMITH_TOKEN_FILE: '/run/t.json' })).toBe('/run/t.json');
  });

  it('takes the path option over the environment', () => {
    const saved = process.env.TOKENSMITH_TOKEN_FILE;
    process.env.TOKENSMITH_TOKEN_FILE = join(dir, 'from-env.json');
    try {
      expect(new FileStore().path).toBe(join(dir, 'from-env.json'));
      expect(new FileStore({ path: file }).path).toBe(file);
    } finally {
      if (saved === undefined) delete process.env.TOKENSMITH_TOKEN_FILE;
      else process.env.TOKENSMITH_TOKEN_FILE = saved;
    }
  });

  it('rejects bad options, naming the field', () => {
    expect(() => new FileStore({ path: ' ' })).toThrow('path must be a non-empty string');
    expect(() => new FileStore({ path: file, lockTimeoutMs: -1 })).toThrow('lockTimeoutMs must be a finite number >= 0');
  });
});

describe('FileStore: contents and modes', () => {
  it('creates the file 0600 in 0700 directories, whatever the umask', async () => {
    const previous = process.umask(0o000);
    try {
      await new FileStore({ path: file }).set('k', bearer('t'));
    } finally {
      process.umask(previous);
    }
    expect(await mode(file)).toBe(0o600);
    expect(await mode(join(dir, 'config', 'tokensmith'))).toBe(0o700);
    expect(await mode(join(dir, 'config'))).toBe(0o700);
    expect(await readdir(join(dir, 'config', 'tokensmith'))).toEqual(['tokens.json']);
  });

  it("keeps the other providers' tokens across set and delete, and lists them", async () => {
    const a = new FileStore({ path: file });
    const b = new FileStore({ path: file });
    await a.set('twitter#app#', bearer('app-token', { expiresAt: 5 }));
    await b.set('github#cli#alice', bearer('user-token', { refreshToken: 'refresh' }));
    await a.set('twitter#oauth1#bob', { type: 'oauth1', token: 'tok', tokenSecret: 'sec', extra: { screen_name: 'bob' } });
    await a.set('twitter#app#', bearer('app-token-2'));
    await b.delete('twitter#oauth1#bob');
    await b.delete('never-stored');
    expect(await a.entries()).toEqual([
      { key: 'github#cli#alice', credentials: bearer('user-token', { refreshToken: 'refresh' }) },
      { key: 'twitter#app#', credentials: bearer('app-token-2') },
    ]);
    expect(await b.get('github#cli#alice')).toEqual(bearer('user-token', { refreshToken: 'refresh' }));
    expect(await b.get('twitter#oauth1#bob')).toBeUndefined();
    const onDisk = JSON.parse(await readFile(file, 'utf8')) as { version: number; tokens: Record<string, Credentials> };
    expect(onDisk.version).toBe(1);
    expect(Object.keys(onDisk.tokens).sort()).toEqual(['github#cli#alice', 'twitter#app#']);
  });

  it('reads a missing file as empty and a delete writes nothing', async () => {
    const store = new FileStore({ path: file });
    expect(await store.get('k')).toBeUndefined();
    expect(await store.entries()).toEqual([]);
    await store.delete('k');
    await expect(stat(join(dir, 'config'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('tightens a token file other users can read, and warns without quoting a token', async () => {
    await mkdir(join(dir, 'config', 'tokensmith'), { recursive: true, mode: 0o700 });
    await writeFile(file, JSON.stringify({ version: 1, tokens: { k: bearer('secret-access-token-123') } }));
    await chmod(file, 0o644);
    const warnings: string[] = [];
    const store = new FileStore({ path: file, onWarning: (m) => warnings.push(m) });
    expect(await store.get('k')).toEqual(bearer('secret-access-token-123'));
    expect(await mode(file)).toBe(0o600);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(file);
    expect(warnings[0]).toContain('0644');
    expect(warnings[0]).not.toContain('secret-access-token-123');
  });

  it('warns about an existing directory other users can write, and leaves its mode alone', async () => {
    const shared = join(dir, 'shared');
    await mkdir(shared);
    await chmod(shared, 0o777);
    const warnings: string[] = [];
    await new FileStore({ path: join(shared, 'tokens.json'), onWarning: (m) => warnings.push(m) }).set('k', bearer('t'));
    expect(warnings).toEqual([expect.stringContaining(`${shared} is writable by other users`)]);
    expect(await mode(shared)).toBe(0o777);
    expect(await mode(join(shared, 'tokens.json'))).toBe(0o600);
  });
});

describe('FileStore: a corrupt or unreadable file', () => {
  const corruptText = '{"version":1,"tokens":{"other#provider#":{"type":"bearer","accessToken":"precious-token-abc"}';

  it.each([
    ['not JSON', corruptText, 'is corrupt (not valid JSON)'],
    ['a token file of another shape', '{"version":1,"tokens":[]}', 'is not a tokensmith token file'],
    ['a newer format', '{"version":2,"tokens":{}}', 'has format version 2'],
  ])('%s: every operation names the path and the reset, and the file stays byte for byte', async (_name, text, what) => {
    await mkdir(join(dir, 'config', 'tokensmith'), { recursive: true, mode: 0o700 });
    await writeFile(file, text, { mode: 0o600 });
    const before = await stat(file);
    const store = new FileStore({ path: file });
    for (const operation of [store.get('k'), store.set('k', bearer('new-token-xyz')), store.delete('other#provider#'), store.entries()]) {
      const error = await caught(operation);
      expect(error.code).toBe('store_error');
      expect(error.message).toContain(file);
      expect(error.message).toContain(what);
      expect(error.message).toContain('delete the file or log out');
      expect(error.message).not.toContain('precious-token-abc');
      expect(error.message).not.toContain('new-token-xyz');
      expect(error.cause).toBeUndefined();
    }
    expect(await readFile(file, 'utf8')).toBe(text);
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
  });

  it('reset() moves a corrupt file aside (kept, 0600) and the store starts empty', async () => {
    await mkdir(join(dir, 'config', 'tokensmith'), { recursive: true, mode: 0o700 });
    await writeFile(file, corruptText, { mode: 0o600 });
    const store = new FileStore({ path: file, now: () => 1_700_000_000_000 });
    const backup = await store.reset();
    expect(backup).toBe(`${file}.bak-1700000000000`);
    expect(await readFile(backup as string, 'utf8')).toBe(corruptText);
    expect(await mode(backup as string)).toBe(0o600);
    await store.set('k', bearer('t'));
    expect(await store.entries()).toEqual([{ key: 'k', credentials: bearer('t') }]);
    expect(await new FileStore({ path: join(dir, 'none.json') }).reset()).toBeUndefined();
  });

  it('a path that is not a regular file gives a store_error naming it', async () => {
    await mkdir(file, { recursive: true });
    const error = await caught(new FileStore({ path: file }).get('k'));
    expect(error.code).toBe('store_error');
    expect(error.message).toContain(`token file ${file} is a directory, not a regular file`);
  });

  it('a blank file reads as empty and is replaced by a set', async () => {
    await mkdir(join(dir, 'config', 'tokensmith'), { recursive: true, mode: 0o700 });
    await writeFile(file, '\n', { mode: 0o600 });
    const store = new FileStore({ path: file });
    expect(await store.get('k')).toBeUndefined();
    await store.set('k', bearer('t'));
    expect(await store.get('k')).toEqual(bearer('t'));
  });
});

describe('FileStore: locks', () => {
  it('serialises lock(key) across FileStore instances in one process, and leaves no lock file', async () => {
    const stores = [new FileStore({ path: file }), new FileStore({ path: file })];
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (stores[i % 2] as FileStore).lock('k', async () => {
          inside++;
          most = Math.max(most, inside);
          await new Promise((resolve) => setImmediate(resolve));
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect((await readdir(join(dir, 'config', 'tokensmith'))).filter((n) => n.endsWith('.lock'))).toEqual([]);
  });

  it('holds a 0600 lock file with our pid and a random token while fn runs', async () => {
    const store = new FileStore({ path: file });
    const seen = await store.lock('k', async () => {
      const path = lockPathOf(file, 'k');
      return { mode: await mode(path), info: JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown> };
    });
    expect(seen.mode).toBe(0o600);
    expect(seen.info).toMatchObject({
      pid: process.pid,
      thread: threadId,
      host: hostname(),
      token: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    await expect(stat(lockPathOf(file, 'k'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('breaks a lock whose holder is dead even though its lease is fresh', async () => {
    const clock = 1_700_000_000_000;
    const store = new FileStore({ path: file, now: () => clock, lockTimeoutMs: 0 });
    await mkdir(join(dir, 'config', 'tokensmith'), { recursive: true, mode: 0o700 });
    const lockPath = lockPathOf(file, 'k');
    await writeFile(lockPath, JSON.stringify({ pid: await deadPid(), host: hostname(), token: 'f'.repeat(32), acquiredAt: clock }));
    await utimes(lockPath, clock / 1000, clock / 1000);
    await expect(store.lock('k', async () => 'ran')).resolves.toBe('ran');
  });

  it('breaks a lock whose lease expired even though its pid is alive (pid reuse, a hung holder)', async () => {
    const clock = 1_700_000_000_000;
    const store = new FileStore({ path: file, now: () => clock, lockLeaseMs: 30_000, lockTimeoutMs: 0 });
    await mkdir(join(dir, 'config', 'tokensmith'), { recursive: true, mode: 0o700 });
    const lockPath = lockPathOf(file, 'k');
    await writeFile(lockPath, JSON.stringify({ pid: process.ppid, host: hostname(), token: 'a'.repeat(32), acquiredAt: 0 }));
    await utimes(lockPath, (clock - 30_001) / 1000, (clock - 30_001) / 1000);
    await expect(store.lock('k', async () => 'ran')).resolves.toBe('ran');
  });

  it('breaks a lock left by an earlier process that had our pid', async () => {
    const clock = 1_700_000_000_000;
    const store = new FileStore({ path: file, now: () => clock, lockTimeoutMs: 0 });
    await mkdir(join(dir, 'config', 'tokensmith'), { recursive: true, mode: 0o700 });
    const lockPath = lockPathOf(file, 'k');
    await writeFile(
      lockPath,
      JSON.stringify({ pid: process.pid, thread: threadId, host: hostname(), token: 'b'.repeat(32), acquiredAt: clock }),
    );
    await utimes(lockPath, clock / 1000, clock / 1000);
    await expect(store.lock('k', async () => 'ran')).resolves.toBe('ran');
  });

  it('does not break a live lock of another worker thread of this process (same pid)', async () => {
    const clock = 1_700_000_000_000;
    const store = new FileStore({ path: file, now: () => clock, lockTimeoutMs: 0 });
    await mkdir(join(dir, 'config', 'tokensmith'), { recursive: true, mode: 0o700 });
    const lockPath = lockPathOf(file, 'k');
    await writeFile(
      lockPath,
      JSON.stringify({ pid: process.pid, thread: threadId + 1, host: hostname(), token: 'e'.repeat(32), acquiredAt: clock }),
    );
    await utimes(lockPath, clock / 1000, clock / 1000);
    await expect(store.lock('k', async () => 'ran')).rejects.toMatchObject({ code: 'store_error' });
  });

  it('waits for a live holder, then fails with a store_error naming the lock file, leaving it in place', async () => {
    let clock = 1_700_000_000_000;
    const start = clock;
    // Each reading of the clock moves it 1 s on: the 5 s wait runs out after a few polls, no sleeping.
    const store = new FileStore({ path: file, now: () => (clock += 1_000), lockTimeoutMs: 5_000, lockLeaseMs: 60_000, lockPollMs: 1 });
    await mkdir(join(dir, 'config', 'tokensmith'), { recursive: true, mode: 0o700 });
    const lockPath = lockPathOf(file, 'k');
    const foreign = JSON.stringify({ pid: process.ppid, host: hostname(), token: 'c'.repeat(32), acquiredAt: start });
    await writeFile(lockPath, foreign);
    await utimes(lockPath, (start + 4_000) / 1000, (start + 4_000) / 1000);
    let ran = false;
    const error = await caught(
      store.lock('k', async () => {
        ran = true;
      }),
    );
    expect(ran).toBe(false);
    expect(error.code).toBe('store_error');
    expect(error.message).toContain(`timed out after 5000 ms waiting for the token store lock ${lockPath}, held by pid ${process.ppid}`);
    expect(error.message).toContain('delete that lock file');
    expect(await readFile(lockPath, 'utf8')).toBe(foreign);
  });

  it('releases only its own lock: a lock that was taken over stays', async () => {
    const store = new FileStore({ path: file });
    const lockPath = lockPathOf(file, 'k');
    const foreign = JSON.stringify({ pid: process.ppid, host: hostname(), token: 'd'.repeat(32), acquiredAt: Date.now() });
    await store.lock('k', async () => {
      await rm(lockPath);
      await writeFile(lockPath, foreign);
    });
    expect(await readFile(lockPath, 'utf8')).toBe(foreign);
  });

  it('renews its lease while fn runs, by the injected clock', async () => {
    let clock = 1_700_000_000_000;
    const store = new FileStore({ path: file, now: () => clock, lockLeaseMs: 30_000 });
    const lockPath = lockPathOf(file, 'k');
    // Fake timers drive the renewal interval (lease/3 = 10 s) without waiting for it.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const heartbeat = await store.lock('k', async () => {
        const first = (await stat(lockPath)).mtimeMs;
        clock += 60_000;
        jest.advanceTimersByTime(10_000);
        let renewed = first;
        for (let i = 0; i < 1_000 && renewed === first; i++) renewed = (await stat(lockPath)).mtimeMs;
        return { first, renewed };
      });
      expect(heartbeat.first).toBeCloseTo(1_700_000_000_000, -1);
      expect(heartbeat.renewed).toBeCloseTo(1_700_000_060_000, -1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('a set() inside lock() of the same key does not deadlock, and a set() of another key runs meanwhile', async () => {
    const store = new FileStore({ path: file });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let wroteA!: () => void;
    const aWritten = new Promise<void>((resolve) => {
      wroteA = resolve;
    });
    const held = store.lock('a', async () => {
      await store.set('a', bearer('from-a'));
      wroteA();
      await gate;
    });
    await aWritten;
    await store.lock('b', async () => store.set('b', bearer('from-b')));
    release();
    await held;
    expect(await store.entries()).toHaveLength(2);
  });

  it('gives one obtain() for concurrent managers on one file (in-process)', async () => {
    let obtained = 0;
    const managers = Array.from({ length: 5 }, () =>
      createTokenManager<BearerCredentials>({
        key: 'k',
        store: new FileStore({ path: file }),
        obtain: async () => bearer(`t${++obtained}`),
      }),
    );
    const results = await Promise.all(managers.flatMap((m) => [m.get(), m.get()]));
    expect(obtained).toBe(1);
    expect(new Set(results.map((r) => r.accessToken))).toEqual(new Set(['t1']));
  });
});
