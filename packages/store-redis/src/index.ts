// `@tokensmith/store-redis`: tokens in Redis, with a refresh lock shared by every process and host.
export { RedisStore } from './redis-store.js';
export type { RedisStoreOptions } from './redis-store.js';
export type { RedisClientLike } from './bounded-command.js';
export { redactRedisUrl } from './connection.js';
