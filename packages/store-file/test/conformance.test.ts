// FileStore against the TokenStore contract, in one process and across real processes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeStoreAcrossProcesses, describeTokenStore } from '@tokensmith/core/testing';
import { FileStore } from '../src/index.js';

const dirs: string[] = [];
const tokenFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokensmith-file-conformance-'));
  dirs.push(dir);
  return join(dir, 'tokensmith', 'tokens.json');
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describeTokenStore('FileStore', () => new FileStore({ path: tokenFile() }), {
  entries: true,
  reopen: (store) => new FileStore({ path: (store as FileStore).path }),
});

describeStoreAcrossProcesses('FileStore', {
  storeModule: fileURLToPath(new URL('./fixtures/open-store.mjs', import.meta.url)),
  storeArgs: () => ({ path: tokenFile() }),
});
