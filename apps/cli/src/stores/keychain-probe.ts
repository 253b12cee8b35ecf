// Whether the OS keychain answers, asked so that a keychain that never answers cannot keep the CLI
// alive. @tokensmith/store-keychain runs the native binding in a helper process that it kills at
// the call's bound and when this process exits (and that ends itself if this process is killed),
// so the probe is asked here, in process, and raced against SIGINT/SIGTERM.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KeychainProbe } from '@tokensmith/store-keychain';

/** The documented bound on a keychain call (store-keychain's `timeoutMs` default): the probe waits no longer. */
export const KEYCHAIN_TIMEOUT_MS = 10_000;

/**
 * Whether a D-Bus session bus is named here (the binding would try it).
 *
 * @example
 * ```ts
 * busNamed({ DBUS_SESSION_BUS_ADDRESS: "unix:path=/run/user/1000/bus" }); // true
 * ```
 */
export function busNamed(env: NodeJS.ProcessEnv): boolean {
  if (env.DBUS_SESSION_BUS_ADDRESS) return true;
  return env.XDG_RUNTIME_DIR !== undefined && existsSync(join(env.XDG_RUNTIME_DIR, 'bus'));
}

/**
 * Asks whether the OS keychain answers, within `timeoutMs`, cancelled by `signal` (SIGINT/SIGTERM
 * abort it in the binary): a cancelled probe answers at once, and the helper it started is killed
 * when the process exits.
 *
 * @example
 * ```ts
 * const probe = await probeStoreKeychain(process.env, { timeoutMs: 1_500 });
 * if (!probe.available) console.error(probe.reason);
 * ```
 */
export async function probeStoreKeychain(
  env: NodeJS.ProcessEnv,
  options: { timeoutMs?: number; signal?: AbortSignal; platform?: NodeJS.Platform } = {},
): Promise<KeychainProbe> {
  const { probeKeychain } = await import('@tokensmith/store-keychain');
  const probe = probeKeychain({
    env,
    timeoutMs: options.timeoutMs ?? KEYCHAIN_TIMEOUT_MS,
    ...(options.platform ? { platform: options.platform } : {}),
  });
  const signal = options.signal;
  if (!signal) return probe;
  if (signal.aborted) return { available: false, reason: 'no OS keychain: the probe was cancelled' };
  return new Promise((resolve) => {
    const onAbort = () => resolve({ available: false, reason: 'no OS keychain: the probe was cancelled' });
    signal.addEventListener('abort', onAbort, { once: true });
    void probe.then((answer) => {
      signal.removeEventListener('abort', onAbort);
      resolve(answer);
    });
  });
}
