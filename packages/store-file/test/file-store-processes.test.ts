// Multi-process tests of FileStore. The children run test/fixtures/*.mjs against the BUILT package
// (build core and this package first), as separate Node processes sharing one token file.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
    const isTemporary = (name: string) => /^\.tokens\.json\.\d+\.[0-9a-f]+\.tmp$/.test(name);
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

  describe('a refresh-token rotation race between two processes', () => {
    let server: Server;
    let tokenUrl: string;
    let issued: number;
    let refreshRequests: number;
    let invalidGrants: number;
    let currentRefreshToken: string;
    let lockRequests: number;
    let bothLocking: Promise<void>;
    let onLockRequest: () => void;

    beforeEach(async () => {
      issued = 0;
      refreshRequests = 0;
      invalidGrants = 0;
      currentRefreshToken = 'rt-0';
      lockRequests = 0;
      let allLocking!: () => void;
      bothLocking = new Promise((resolve) => { allLocking = resolve; });
      onLockRequest = () => {
        if (++lockRequests === 2) allLocking();
      };
      // Single-use rotating refresh tokens: a refresh token works once; reusing it is invalid_grant.
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
        req.on('end', async () => {
          const form = new URLSearchParams(body);
          const send = (status: number, json: unknown) => {
            res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(json));
          };
          if (form.get('grant_type') !== 'refresh_token') return send(400, { error: 'unsupported_grant_type' });
          if (form.get('refresh_token') !== currentRefreshToken) {
            invalidGrants++;
            return send(400, { error: 'invalid_grant', error_description: 'refresh token already used' });
          }
          refreshRequests++;
          issued++;
          currentRefreshToken = `rt-${issued}`;
          const answer = { access_token: `at-${issued}`, refresh_token: currentRefreshToken, token_type: 'bearer', expires_in: 3600 };
          // The token rotates at once; the answer waits until both processes have asked for the
          // lock, so the second one is certainly racing while the first refreshes.
          await bothLocking;
          send(200, answer);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
      await new FileStore({ path: file }).set('rotating#client#alice', {
        type: 'bearer',
        accessToken: 'at-0',
        refreshToken: 'rt-0',
        expiresAt: Date.now() + 3600_000,
      });
      await new FileStore({ path: file }).set('other#provider#', { type: 'bearer', accessToken: 'untouched' });
    });
    afterEach(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    async function race(mode: 'cross-process' | 'in-process-only'): Promise<Message[]> {
      const children = [0, 1].map(() => start('rotation-worker.mjs', [file, 'rotating#client#alice', tokenUrl, mode]));
      for (const child of children) child.on('message', (m: Message) => { if (m.type === 'lock') onLockRequest(); });
      await Promise.all(children.map((child) => nextMessage(child, 'ready')));
      const results = children.map((child) => new Promise<Message>((resolve) => {
        child.on('message', (m: Message) => { if (m.type === 'done' || m.type === 'failed') resolve(m); });
      }));
      for (const child of children) child.send('go');
      const outcome = await Promise.all(results);
      await Promise.all(children.map(exited));
      return outcome;
    }

    it('ends with one refresh, no invalid_grant, and both processes holding the newest tokens', async () => {
      const outcome = await race('cross-process');
      expect(lockRequests).toBe(2);
      expect(refreshRequests).toBe(1);
      expect(invalidGrants).toBe(0);
      expect(outcome).toEqual([
        { type: 'done', accessToken: 'at-1', refreshToken: 'rt-1' },
        { type: 'done', accessToken: 'at-1', refreshToken: 'rt-1' },
      ]);
      const store = new FileStore({ path: file });
      expect(await store.get('rotating#client#alice')).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1' });
      expect(await store.get('other#provider#')).toEqual({ type: 'bearer', accessToken: 'untouched' });
      expect((await readdir(join(dir, 'tokensmith'))).sort()).toEqual(['tokens.json']);
    });

    it('(control) with only an in-process lock the same race burns the refresh token: the test can fail', async () => {
      const outcome = await race('in-process-only');
      expect(refreshRequests).toBe(1);
      expect(invalidGrants).toBe(1);
      expect(outcome.filter((m) => m.type === 'failed')).toEqual([
        expect.objectContaining({ code: 'oauth_response', error: 'invalid_grant' }),
      ]);
    });
  });
});
