// `@tokensmith/store-file`: tokens in one 0600 JSON file, and the cross-process file lock that
// guards it (also taken by stores that have no lock of their own, such as the OS keychain).
export { FileStore } from './file-store.js';
export { defaultTokenFilePath } from './default-path.js';
export type { FileStoreOptions } from './file-store.js';
export { TokenFileError } from './token-file-error.js';
export type { TokenFileProblem } from './token-file-error.js';
export { withFileLock, keyLockPath, pidAlive } from './file-lock.js';
export type { FileLockOptions } from './file-lock.js';
