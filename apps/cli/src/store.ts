import { MemoryStore, type TokenStore } from '@tokensmith/core';
import { CliError } from './cli-error.js';

/** A store and how to release it. */
export interface OpenedStore {
  store: TokenStore;
  description: string;
  close(): Promise<void>;
}

/** Opens the store named by `--store` / the config's `store`: `file` (default), `memory` or `redis://...`. */
export async function openStore(setting: string, env: NodeJS.ProcessEnv): Promise<OpenedStore> {
  if (setting === 'memory') return { store: new MemoryStore(), description: 'memory (this process only)', close: async () => {} };
  if (setting === 'file') {
    const { FileStore } = await import('@tokensmith/store-file');
    const store = new FileStore(env.TOKENSMITH_TOKEN_FILE ? { path: env.TOKENSMITH_TOKEN_FILE } : {});
    return { store, description: `file ${store.path}`, close: async () => {} };
  }
  if (/^rediss?:\/\//.test(setting)) {
    const { RedisStore } = await import('@tokensmith/store-redis');
    const store = new RedisStore(setting);
    const safe = new URL(setting);
    safe.password = '';
    safe.username = '';
    return { store, description: `redis ${safe.host}`, close: () => store.close() };
  }
  throw new CliError('usage', `--store must be 'file', 'memory' or a redis:// URL`);
}
