// RedisStore against the TokenStore contract, on a real redis-server, in one process and across processes.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describeStoreAcrossProcesses, describeTokenStore } from '@tokensmith/core/testing';
import { RedisStore } from '../src/index.js';
import { startRedisServer, type RedisServer } from '../src/testing/redis-server.js';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});
const prefix = () => `conformance-${randomBytes(4).toString('hex')}:`;

describeTokenStore('RedisStore', () => new RedisStore(server.url, { keyPrefix: prefix() }), {
  entries: true,
  reopen: (store) => new RedisStore(server.url, { keyPrefix: (store as RedisStore).keyPrefix }),
});

describeStoreAcrossProcesses('RedisStore', {
  storeModule: fileURLToPath(new URL('./fixtures/open-store.mjs', import.meta.url)),
  storeArgs: () => ({ url: server.url, keyPrefix: prefix() }),
});
