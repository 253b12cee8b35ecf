// The cross-process half of the TokenStore contract: real child processes sharing one store, and a
// real counting token endpoint on 127.0.0.1. A store that only locks inside one process fails it.
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { TokenStore } from '../token-store.js';

/**
 * How {@link describeStoreAcrossProcesses} opens the store in each process.
 *
 * @example
 * ```ts
 * import { fileURLToPath } from 'node:url';
 * import type { StoreProcessesOptions } from '@tokensmith/core/testing';
 *
 * const options: StoreProcessesOptions = { storeModule: fileURLToPath(new URL('./fixtures/open-store.mjs', import.meta.url)), storeArgs: () => ({ path }) };
 * ```
 */
export interface StoreProcessesOptions {
  /**
   * Absolute path of an ES module exporting `openStore(storeArgs): TokenStore | Promise<TokenStore>`.
   * The test process and every child open the store through it (children import built packages).
   */
  storeModule: string;
  /** JSON-serialisable arguments for `openStore`, fresh per test (a new file, prefix or service). */
  storeArgs: () => unknown;
  /** Processes in the shared-token test. Default 8. */
  processes?: number;
  /** Concurrent `get()` calls per process in the shared-token test. Default 200. */
  calls?: number;
}

type Message = Record<string, unknown> & { type: string };
const WORKER = new URL('./store-worker.js', import.meta.url);

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
const nextMessage = (child: ChildProcess, ...types: string[]) =>
  new Promise<Message>((resolve, reject) => {
    const onMessage = (message: Message) => {
      if (!types.includes(message.type)) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code: number | null) => reject(new Error(`store worker exited (${code}) before sending ${types.join('/')}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });

/** A token endpoint that counts: client_credentials issues `cc-N`; refresh tokens are single-use and rotate. */
interface CountingTokenServer {
  url: string;
  grants: { clientCredentials: number; refresh: number; invalidGrant: number };
  /** Refresh answers wait for this (so a racing second process is certainly racing). */
  holdRefreshes: Promise<void>;
  releaseRefreshes(): void;
  stop(): Promise<void>;
}

async function startTokenServer(): Promise<CountingTokenServer> {
  let release!: () => void;
  const holdRefreshes = new Promise<void>((resolve) => {
    release = resolve;
  });
  const grants = { clientCredentials: 0, refresh: 0, invalidGrant: 0 };
  let currentRefreshToken = 'rt-0';
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    // The handler cannot reject: holdRefreshes only ever resolves.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    req.on('end', async () => {
      const form = new URLSearchParams(body);
      const send = (status: number, json: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(json));
      if (form.get('grant_type') === 'client_credentials') {
        grants.clientCredentials++;
        return send(200, { access_token: `cc-${grants.clientCredentials}`, token_type: 'bearer', expires_in: 3600 });
      }
      if (form.get('grant_type') !== 'refresh_token') return send(400, { error: 'unsupported_grant_type' });
      if (form.get('refresh_token') !== currentRefreshToken) {
        grants.invalidGrant++;
        return send(400, { error: 'invalid_grant', error_description: 'refresh token already used' });
      }
      grants.refresh++;
      currentRefreshToken = `rt-${grants.refresh}`;
      const answer = { access_token: `at-${grants.refresh}`, refresh_token: currentRefreshToken, token_type: 'bearer', expires_in: 3600 };
      await holdRefreshes;
      send(200, answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`,
    grants,
    holdRefreshes,
    releaseRefreshes: release,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Declares the cross-process TokenStore tests (jest): N processes x M concurrent `get()` on one
 * expired token make exactly one token request and all get the same token; a refresh-token
 * rotation race between two processes makes one refresh and no `invalid_grant`; and the negative
 * control (locking only inside each process) burns the refresh token, proving the test can fail.
 * Children run `store-worker.js` from this package's build and open the store with `storeModule`.
 *
 * @example
 * ```ts
 * import { join } from 'node:path';
 * import { describeStoreAcrossProcesses } from '@tokensmith/core/testing';
 *
 * describeStoreAcrossProcesses('FileStore', { storeModule: fixture('open-store.mjs'), storeArgs: () => ({ path: join(tmp(), 'tokens.json') }) });
 * ```
 */
export function describeStoreAcrossProcesses(name: string, options: StoreProcessesOptions): void {
  const processes = options.processes ?? 8;
  const calls = options.calls ?? 200;
  describe(`${name}: the TokenStore contract across processes`, () => {
    let server: CountingTokenServer;
    let storeArgs: unknown;
    let store: TokenStore;
    beforeEach(async () => {
      server = await startTokenServer();
      storeArgs = options.storeArgs();
      const { openStore } = (await import(options.storeModule)) as { openStore: (args: unknown) => TokenStore | Promise<TokenStore> };
      store = await openStore(storeArgs);
    });
    afterEach(async () => {
      await store?.close?.();
      await server?.stop();
    });

    const start = (mode: string, key: string, count = 1) =>
      fork(
        WORKER,
        [
          JSON.stringify({
            storeModule: pathToFileURL(options.storeModule).href,
            storeArgs,
            key,
            tokenUrl: server.url,
            mode,
            calls: count,
          }),
        ],
        {
          execArgv: [],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        },
      );

    async function race(children: ChildProcess[]): Promise<Message[]> {
      await Promise.all(children.map((child) => nextMessage(child, 'ready')));
      const results = children.map((child) => nextMessage(child, 'done', 'failed'));
      for (const child of children) child.send('go');
      const outcome = await Promise.all(results);
      await Promise.all(children.map(exited));
      return outcome;
    }

    it(`${processes} processes x ${calls} get() on one expired token: exactly one token request, one token for all`, async () => {
      const key = `${server.url}#shared-client#`;
      await store.set(key, { type: 'bearer', accessToken: 'seeded-expired-token', expiresAt: Date.now() - 1_000 });
      await store.set('other#provider#', { type: 'oauth1', token: 'other-token', tokenSecret: 'other-secret' });
      const outcome = await race(Array.from({ length: processes }, () => start('shared', key, calls)));
      expect(outcome.map((m) => m.type)).toEqual(Array(processes).fill('done'));
      expect(server.grants.clientCredentials).toBe(1);
      expect(outcome.reduce((sum, m) => sum + Number(m.calls), 0)).toBe(processes * calls);
      expect(new Set(outcome.flatMap((m) => m.accessTokens as string[]))).toEqual(new Set(['cc-1']));
      expect(await store.get(key)).toEqual({
        type: 'bearer',
        accessToken: 'cc-1',
        expiresAt: expect.any(Number),
        obtainedAt: expect.any(Number),
      });
      expect(await store.get('other#provider#')).toEqual({ type: 'oauth1', token: 'other-token', tokenSecret: 'other-secret' });
    });

    async function rotationRace(mode: 'rotation' | 'rotation-in-process-only') {
      const key = `${server.url}#rotating-client#alice`;
      await store.set(key, { type: 'bearer', accessToken: 'at-0', refreshToken: 'rt-0', expiresAt: Date.now() + 3600_000 });
      const children = [0, 1].map(() => start(mode, key));
      let lockRequests = 0;
      for (const child of children) {
        child.on('message', (m: Message) => {
          if (m.type === 'lock' && ++lockRequests === 2) server.releaseRefreshes();
        });
      }
      const outcome = await race(children);
      return { key, outcome, lockRequests };
    }

    it('a refresh-token rotation race between two processes: one refresh, no invalid_grant, both hold the newest tokens', async () => {
      const { key, outcome, lockRequests } = await rotationRace('rotation');
      expect(lockRequests).toBe(2);
      expect(server.grants).toEqual({ clientCredentials: 0, refresh: 1, invalidGrant: 0 });
      expect(outcome).toEqual([
        { type: 'done', accessToken: 'at-1', refreshToken: 'rt-1' },
        { type: 'done', accessToken: 'at-1', refreshToken: 'rt-1' },
      ]);
      expect(await store.get(key)).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1' });
    });

    it('(control) locking only inside each process, the same race burns the refresh token: the test can fail', async () => {
      const { outcome } = await rotationRace('rotation-in-process-only');
      expect(server.grants).toEqual({ clientCredentials: 0, refresh: 1, invalidGrant: 1 });
      expect(outcome.filter((m) => m.type === 'failed')).toEqual([
        expect.objectContaining({ code: 'oauth_response', error: 'invalid_grant' }),
      ]);
    });
  });
}
