import { TokensmithError } from '@tokensmith/core/kit';
import { KeychainStore } from './keychain-store.js';
import { sessionBusProblem } from './session-bus.js';

/**
 * Whether an OS keychain answers here, and if not, why (one line, for a notice).
 *
 * @example
 * ```ts
 * const probe: KeychainProbe = { available: false, reason: 'no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)' };
 * ```
 */
export type KeychainProbe =
  | { available: true }
  | {
      available: false;
      reason: string;
      /** Why, as data: `config_error` when this install cannot use a keychain at all (the binding is not installed). */
      code?: 'config_error';
    };

/**
 * Options of {@link probeKeychain}.
 *
 * @example
 * ```ts
 * const options: KeychainProbeOptions = { timeoutMs: 1_000 };
 * ```
 */
export interface KeychainProbeOptions {
  /** Service whose items are listed to see that the keychain answers. Default `tokensmith`. */
  service?: string;
  /** Bound on the probe. Default 1.5 s. */
  timeoutMs?: number;
  /** Environment (the D-Bus address). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Platform. Default `process.platform`. */
  platform?: NodeJS.Platform;
}

/**
 * Asks, quickly and bounded, whether an OS keychain answers: the CLI's `auto` store uses the
 * keychain when it does and the file store otherwise. Where the keychain is the Secret Service and
 * no D-Bus session bus is reachable (no `DBUS_SESSION_BUS_ADDRESS`, no `$XDG_RUNTIME_DIR/bus`),
 * it answers at once without loading the native binding. A keychain that answers but is locked or
 * denies access counts as available: its tokens are there, and the error says how to unlock it.
 *
 * @example
 * ```ts
 * const probe = await probeKeychain();
 * const store = probe.available ? new KeychainStore() : new FileStore();
 * ```
 */
export async function probeKeychain(options: KeychainProbeOptions = {}): Promise<KeychainProbe> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const timeoutMs = options.timeoutMs ?? 1_500;
  const problem = await sessionBusProblem(env, timeoutMs, platform);
  if (problem) return { available: false, reason: problem.message };
  try {
    await new KeychainStore({ service: options.service ?? 'tokensmith', timeoutMs }).entries();
    return { available: true };
  } catch (error) {
    if (error instanceof TokensmithError && error.code === 'store_error') return { available: true };
    const reason = error instanceof Error ? error.message : String(error);
    return error instanceof TokensmithError && error.code === 'config_error'
      ? { available: false, reason, code: 'config_error' }
      : { available: false, reason };
  }
}
