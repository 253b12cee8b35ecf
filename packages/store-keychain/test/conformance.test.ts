// KeychainStore against the TokenStore contract, on a real gnome-keyring in a private D-Bus session,
// in one process and across 8 real processes.
import { fileURLToPath } from 'node:url';
import { describeStoreAcrossProcesses, describeTokenStore } from '@tokensmith/core/testing';
import { KeychainStore } from '../src/index.js';
import { lockDir, uniqueService } from './keyring.js';

describeTokenStore('KeychainStore', () => new KeychainStore({ service: uniqueService(), lockDir: lockDir() }), {
  entries: true,
  reopen: (store) => new KeychainStore({ service: (store as KeychainStore).service, lockDir: (store as KeychainStore).lockDir }),
});

describeStoreAcrossProcesses('KeychainStore', {
  storeModule: fileURLToPath(new URL('./fixtures/open-store.mjs', import.meta.url)),
  storeArgs: () => ({ service: uniqueService(), lockDir: lockDir() }),
});
