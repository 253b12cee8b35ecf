// `@tokensmith/core/testing`: the TokenStore conformance suites (jest), for every store package's
// tests and for third-party stores. Test-only: nothing in a library imports it.
export { describeTokenStore } from './describe-token-store.js';
export type { TokenStoreSuiteOptions } from './describe-token-store.js';
export { describeStoreAcrossProcesses } from './describe-store-across-processes.js';
export type { StoreProcessesOptions } from './describe-store-across-processes.js';
export { caughtTokensmithError } from './caught.js';
