// Whether the OS keychain answers, asked so that a keychain that never answers cannot keep the CLI
// alive. On the Secret Service the native binding connects to D-Bus on a thread of its own; a bus
// (or a Secret Service) that accepts and never answers leaves that thread waiting for ever, and
// then neither SIGINT, SIGTERM nor process.exit() ends the process (measured: the result printed,
// the process stayed). So there the probe runs in a child process that is killed at the bound, on
// a signal, or when this process exits; the binding is loaded here only once it has answered.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KeychainProbe } from '@tokensmith/store-keychain';

/** The documented bound on a keychain call (store-keychain's `timeoutMs` default): the probe waits no longer. */
export const KEYCHAIN_TIMEOUT_MS = 10_000;

const NEXT =
  'check that its service (e.g. gnome-keyring) is running, or use the file store (`--store file`, or `store: file` in the config)';

const SECRET_SERVICE_PLATFORMS: readonly string[] = ['linux', 'freebsd', 'openbsd', 'netbsd'];

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
 * abort it in the binary). Without a bus it answers at once; with one, it asks from a child process.
 *
 * @example
 * ```ts
 * const probe = await probeStoreKeychain(process.env, { timeoutMs: 1_500 });
 * if (!probe.available) console.error(probe.reason);
 * ```
 */
export async function probeStoreKeychain(
  env: NodeJS.ProcessEnv,
  options: { timeoutMs?: number; signal?: AbortSignal; platform?: string } = {},
): Promise<KeychainProbe> {
  const timeoutMs = options.timeoutMs ?? KEYCHAIN_TIMEOUT_MS;
  const platform = options.platform ?? process.platform;
  if (!SECRET_SERVICE_PLATFORMS.includes(platform) || !busNamed(env)) {
    const { probeKeychain } = await import('@tokensmith/store-keychain');
    return probeKeychain({ env, timeoutMs });
  }
  return probeInChild(env, timeoutMs, options.signal);
}

/** Runs {@link answerProbe} in a child Node process; kills it at the bound, on `signal` and at exit. */
async function probeInChild(env: NodeJS.ProcessEnv, timeoutMs: number, signal: AbortSignal | undefined): Promise<KeychainProbe> {
  // Loaded here only: the stored-token start-up path loads no node:child_process.
  const { spawn } = await import('node:child_process');
  const script = `import(${JSON.stringify(import.meta.url)}).then((m) => m.answerProbe(${timeoutMs}))`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    const kill = () => child.kill('SIGKILL');
    const finish = (probe: KeychainProbe) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      process.off('exit', kill);
      kill();
      resolve(probe);
    };
    const timer = setTimeout(
      () => finish({ available: false, reason: `no OS keychain: the keychain did not answer within ${timeoutMs} ms; ${NEXT}` }),
      timeoutMs,
    );
    const onAbort = () => finish({ available: false, reason: 'no OS keychain: the probe was cancelled' });
    signal?.addEventListener('abort', onAbort, { once: true });
    process.once('exit', kill);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n')[0];
      if (out.includes('\n') && line !== undefined) {
        try {
          finish(JSON.parse(line) as KeychainProbe);
        } catch {
          finish({ available: false, reason: 'no OS keychain: the probe gave no answer' });
        }
      }
    });
    child.on('error', (error) => finish({ available: false, reason: `no OS keychain: the probe could not start (${error.message})` }));
    child.on('exit', () => {
      if (!out.includes('\n')) finish({ available: false, reason: 'no OS keychain: the probe ended without an answer' });
    });
  });
}

/**
 * The child's side of the probe: asks the keychain and writes the answer as one JSON line on
 * stdout (the parent kills this process as soon as it has read it).
 *
 * @example
 * ```ts
 * await answerProbe(1_500); // prints {"available":true} or {"available":false,"reason":"..."}
 * ```
 */
export async function answerProbe(timeoutMs: number): Promise<void> {
  const { probeKeychain } = await import('@tokensmith/store-keychain');
  const probe = await probeKeychain({ env: process.env, timeoutMs });
  process.stdout.write(`${JSON.stringify(probe)}\n`);
}
