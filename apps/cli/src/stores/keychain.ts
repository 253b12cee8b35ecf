import { dirname } from 'node:path';
import type { StoreAdapter, StoreOpening } from './adapter.js';

/**
 * The OS keychain as a store, without asking whether it answers (the caller has asked).
 *
 * @example
 * ```ts
 * const opened = await openKeychain(process.env);
 * opened.description; // 'keychain (service tokensmith)'
 * ```
 */
export async function openKeychain(env: NodeJS.ProcessEnv): Promise<StoreOpening> {
  const [{ KeychainStore }, { defaultTokenFilePath }] = await Promise.all([
    import('@tokensmith/store-keychain'),
    import('@tokensmith/store-file'),
  ]);
  // The cross-process refresh locks live beside where the token file would be (the keychain has no lock).
  const store = new KeychainStore({ lockDir: dirname(defaultTokenFilePath(env)) });
  return {
    store,
    readOneByOne: true,
    where: { kind: 'keychain', path: store.service },
    description: `keychain (service ${store.service})`,
    close: async () => {},
  };
}

/**
 * `keychain`: the OS keychain only (macOS Keychain, Windows Credential Manager, Secret Service).
 * It is probed when opened, the same probe `auto` uses: a keychain that does not answer is a
 * named error before any login starts, not after the person approved one.
 *
 * @example
 * ```ts
 * const opened = await keychainStore.open('keychain', process.env, () => {});
 * ```
 */
export const keychainStore: StoreAdapter = {
  kind: 'keychain',
  choice: "'keychain'",
  help: [['keychain', 'the OS keychain only (macOS Keychain, Windows Credential Manager, Secret Service)']],
  matches: (setting) => setting === 'keychain',
  open: async (_setting, env, _notice, signal) => {
    const { probeStoreKeychain } = await import('./keychain-probe.js');
    const probe = await probeStoreKeychain(env, signal ? { signal } : {});
    signal?.throwIfAborted();
    if (!probe.available) {
      const { TokensmithError, storeUnavailable } = await import('@tokensmith/core/kit');
      // No binding installed is this install's setup (exit 1); a keychain that does not answer is an outage (exit 3).
      throw probe.code === 'config_error'
        ? new TokensmithError('config_error', probe.reason, { operation: 'store' })
        : storeUnavailable(probe.reason);
    }
    return openKeychain(env);
  },
};
