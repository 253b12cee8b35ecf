// Multi-process tests of FileStore's own (crash safety; the rotation race and the shared refresh are
// in the conformance suite, test/conformance.test.ts). The children run test/fixtures/*.mjs against the BUILT package
// (build core and this package first), as separate Node processes sharing one token file.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BearerCredentials, Credentials } from '@tokensmith/core/kit';
import { FileStore } from '../src/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
type Message = Record<string, unknown> & { type: string };

function start(script: string, args: string[]): ChildProcess {
  return fork(fixture(script), args, { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}
const exited = (child: ChildProcess) =>
  new Promise<number | string | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode ?? child.signalCode);
    else child.once('exit', (code, signal) => resolve(code ?? signal));
  });
const nextMessage = (child: ChildProcess, type: string) =>
  new Promise<Message>((resolve, reject) => {
    const onMessage = (message: Message) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code: number | null) => reject(new Error(`child exited (${code}) before sending '${type}'`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokensmith-processes-'));
  file = join(dir, 'tokensmith', 'tokens.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileStore across processes', () => {
  it('a writer killed with SIGKILL mid-write leaves the previous or the new file, never a broken one', async () => {
    const size = 4 * 1024 * 1024;
    const store = new FileStore({ path: file });
    await store.set('other#provider#', { type: 'oauth1', token: 'keep-me', tokenSecret: 'keep-me-too' });
    const tokenDir = join(dir, 'tokensmith');
    const isTemporary = (name: string) => /^\.tokens\.json\.tmp$/.test(name);
    let lastSeen = 0;
    let caughtMidWrite = 0;
    for (let round = 0; round < 3; round++) {
      const child = start('file-writer.mjs', [file, String(size)]);
      const written: number[] = [];
      child.on('message', (m: Message) => written.push(Number(m.generation)));
      await nextMessage(child, 'written');
      // Kill it while a write is visibly in progress: a temporary file exists (between open() and
      // rename()), or the token file itself is short (which only a non-atomic writer would show).
      for (let i = 0; i < 100_000; i++) {
        if ((await readdir(tokenDir)).some(isTemporary) || (await stat(file)).size < size) break;
      }
      child.kill('SIGKILL');
      expect(await exited(child)).toBe('SIGKILL');

      const leftovers = (await readdir(tokenDir)).filter(isTemporary);
      caughtMidWrite += leftovers.length;
      for (const name of leftovers) expect((await stat(join(tokenDir, name))).mode & 0o077).toBe(0);
      expect((await stat(tokenDir)).mode & 0o777).toBe(0o700);
      expect((await stat(file)).mode & 0o777).toBe(0o600);

      const onDisk = JSON.parse(await readFile(file, 'utf8')) as { tokens: Record<string, Credentials> };
      expect(onDisk.tokens['other#provider#']).toEqual({ type: 'oauth1', token: 'keep-me', tokenSecret: 'keep-me-too' });
      const big = onDisk.tokens.big as BearerCredentials;
      const match = /^gen-(\d+)-(x*)$/.exec(big.accessToken);
      expect(match?.[2]?.length).toBe(size);
      // Never older than a write the child reported complete (nor than the last round's file).
      const generation = Number(match?.[1]);
      expect(generation).toBeGreaterThanOrEqual(Math.max(...written));
      lastSeen = generation;
    }
    expect(lastSeen).toBeGreaterThan(0);
    expect(caughtMidWrite).toBeGreaterThan(0);
    // The next write breaks the dead writer's lock and sweeps its temporary file.
    await store.set('after', { type: 'bearer', accessToken: 'after' });
    expect((await readdir(tokenDir)).sort()).toEqual(['tokens.json']);
    expect((await store.get('big')) as BearerCredentials).toMatchObject({ accessToken: expect.stringMatching(/^gen-/) });
  });
});
