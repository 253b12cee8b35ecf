// `@tokensmith/store-keychain`: tokens in the operating system's keychain, one item per token key.
export { KeychainStore } from './keychain-store.js';
export type { KeychainStoreOptions } from './keychain-store.js';
export { probeKeychain } from './probe.js';
export type { KeychainProbe, KeychainProbeOptions } from './probe.js';
