import { CliError } from '../cli-error.js';
import type { Notice, OpenedStore } from './adapter.js';
import { bindToEndpoints } from './endpoint-binding.js';
import { STORE_CHOICES, storeAdapterFor } from './index.js';

export type { Notice, OpenedStore } from './adapter.js';
export { STORE_CHOICES } from './index.js';

/**
 * Opens the store named by `--store` / the config's `store` (the adapters in stores/index.ts say
 * which settings exist). Providers use the result through `forProvider`, which binds their keys to
 * their endpoints (stores/endpoint-binding.ts).
 *
 * @example
 * ```ts
 * const opened = await openStore('auto', process.env, (line) => process.stderr.write(`${line}\n`));
 * const store = opened.forProvider(providerSettings);
 * ```
 */
export async function openStore(
  setting: string,
  env: NodeJS.ProcessEnv,
  notice: Notice = (line) => process.stderr.write(`${line}\n`),
  signal?: AbortSignal,
): Promise<OpenedStore> {
  const adapter = storeAdapterFor(setting);
  if (!adapter) throw new CliError('usage', `--store must be ${STORE_CHOICES}`);
  const opened = await adapter.open(setting, env, notice, signal);
  return { ...opened, forProvider: (settings) => bindToEndpoints(opened.store, settings) };
}
