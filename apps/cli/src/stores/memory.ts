import { MemoryStore } from '@tokensmith/core';
import type { StoreAdapter } from './adapter.js';

/**
 * `memory`: tokens in this process only, gone when the command ends.
 *
 * @example
 * ```ts
 * const opened = await memoryStore.open('memory', process.env, () => {});
 * ```
 */
export const memoryStore: StoreAdapter = {
  kind: 'memory',
  choice: "'memory'",
  help: [['memory', 'nothing kept after the command']],
  matches: (setting) => setting === 'memory',
  open: async () => ({
    store: new MemoryStore(),
    where: { kind: 'memory' },
    description: 'memory (this process only)',
    close: async () => {},
  }),
};
