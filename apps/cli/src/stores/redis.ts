import { maskStoreUrl } from './mask.js';
import type { StoreAdapter } from './adapter.js';

/**
 * `redis://...` / `rediss://...`: one Redis shared by every process and host that uses it. The
 * URL may hold a password: it is described (and printed) masked.
 *
 * @example
 * ```ts
 * const opened = await redisStore.open('redis://127.0.0.1:6379', process.env, () => {});
 * ```
 */
export const redisStore: StoreAdapter = {
  kind: 'redis',
  choice: 'a redis:// URL',
  help: [['redis://host:6379', 'shared by every process and host using that Redis (npm install -g ioredis)']],
  matches: (setting) => /^rediss?:\/\//.test(setting),
  open: async (setting) => {
    const { RedisStore } = await import('@tokensmith/store-redis');
    const store = new RedisStore(setting);
    return {
      store,
      where: { kind: 'redis', path: maskStoreUrl(setting) },
      description: `redis ${new URL(setting).host}`,
      close: () => store.close(),
    };
  },
};
