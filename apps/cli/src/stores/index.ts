// The store registry: every kind of token store the CLI offers, one adapter each. Adding a store is
// one adapter module beside these and one line in STORE_ADAPTERS; the config schema, `--store`'s
// help, `init`'s header and the usage error all read this list.
import type { StoreAdapter } from './adapter.js';
import { autoStore } from './auto.js';
import { fileStore } from './file.js';
import { keychainStore } from './keychain.js';
import { memoryStore } from './memory.js';
import { redisStore } from './redis.js';

/**
 * Every store adapter, in the order the choices are listed.
 *
 * @example
 * ```ts
 * STORE_ADAPTERS.map((adapter) => adapter.kind); // ['auto', 'keychain', 'file', 'memory', 'redis']
 * ```
 */
export const STORE_ADAPTERS: readonly StoreAdapter[] = [autoStore, keychainStore, fileStore, memoryStore, redisStore];

/**
 * The adapter a store setting names, or `undefined` when none does.
 *
 * @example
 * ```ts
 * storeAdapterFor('file:~/demo.json')?.kind; // 'file'
 * ```
 */
export function storeAdapterFor(setting: string): StoreAdapter | undefined {
  return STORE_ADAPTERS.find((adapter) => adapter.matches(setting));
}

/**
 * What `--store` and the config's `store` accept, as one phrase for messages.
 *
 * @example
 * ```ts
 * `--store must be ${STORE_CHOICES}`;
 * ```
 */
export const STORE_CHOICES = ((choices) => `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`)(
  STORE_ADAPTERS.map((adapter) => adapter.choice),
);

/**
 * The store lines of a commented config header (`init`), aligned: `#   <setting>  <meaning>`.
 *
 * @example
 * ```ts
 * storeHelpLines(); // ['#   auto (default)     the OS keychain when one answers, else the file below', ...]
 * ```
 */
export function storeHelpLines(): string[] {
  const lines = STORE_ADAPTERS.flatMap((adapter) => adapter.help);
  const width = Math.max(...lines.map(([setting]) => setting.length)) + 2;
  return lines.map(([setting, meaning]) => `#   ${setting.padEnd(width)}${meaning}`);
}

/**
 * `--store`'s help text: the settings by name, read from the registry.
 *
 * @example
 * ```ts
 * program.option('--store <store>', storeOptionHelp());
 * ```
 */
export function storeOptionHelp(): string {
  return `token store: ${STORE_CHOICES} (auto: the OS keychain if one answers, else the file; file:PATH: a token file of its own)`;
}
