// The native keyring binding runs in a child process, never in this one: its Secret Service
// connection is synchronous (even `new AsyncEntry()` connects under a lock), so a daemon that is
// stopped (SIGSTOP), a bus that answers only the handshake, or a `tcp:` address at a listener that
// never answers froze the whole process for the binding's 25 s D-Bus timeout or for ever, deaf to
// Ctrl-C. Here this process only waits on a message with a deadline: past `timeoutMs` the child is
// killed (SIGKILL) and forgotten (the next call starts a new one), and SIGINT/SIGTERM are handled as
// always. Not a worker thread: a thread stuck in native code cannot be stopped, and Node joins every
// worker at exit, so `process.exit()` itself hung (measured). Inside the helper the binding does run
// on a worker thread, so that the helper's main thread can still end it when this process goes. Cost: one `node` start per command
// that uses the keychain, paid on the stored-token path: a first get() took 780 ms against 230 ms
// in-process (medians of 6 paired runs on a 2-core machine at load 14, where `node -e 0` took
// 430 ms; on an idle machine that start is ~40-50 ms). Later calls reuse the helper (~25 ms).
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { TokensmithError } from '@tokensmith/core/kit';

/** One keychain operation, as sent to the child. */
export type KeyringRequest =
  | { op: 'get' | 'delete'; service: string; account: string }
  | { op: 'set'; service: string; account: string; secret: string }
  | { op: 'find'; service: string };

/**
 * The child's code (CommonJS, as a string: the CLI is bundled, and a string needs no file beside
 * the bundle). It ends itself when its parent goes (the IPC channel closes), even while a call is
 * stuck in the binding: the binding runs on a worker thread. On Linux the binding is pinned to the
 * Secret Service: it would otherwise fall back to the kernel keyring, which forgets everything at logout.
 */
const CHILD_SOURCE = `
const { Worker } = require('node:worker_threads');
// The binding runs on a worker thread: a call stuck in native code blocks that thread only, so this
// main thread still sees its parent go (the IPC channel closes, even when the parent was SIGKILLed)
// and ends the whole process. process.exit() would wait for the stuck thread; SIGKILL does not.
const worker = new Worker(\`
const { parentPort, workerData } = require('node:worker_threads');
let keyring, loadError;
try { keyring = require(workerData); } catch (error) { loadError = 'cannot load @napi-rs/keyring (its native binary for this platform may be missing): ' + ((error && error.message) || error); }
const OPTIONS = { linux: { store: 'secret-service' } };
parentPort.on('message', (request) => {
  try {
    if (loadError) throw new Error(loadError);
    let value;
    if (request.op === 'find') value = keyring.findCredentials(request.service);
    else {
      const entry = new keyring.Entry(request.service, request.account, OPTIONS);
      if (request.op === 'get') value = entry.getPassword();
      else if (request.op === 'set') value = entry.setPassword(request.secret);
      else value = entry.deletePassword();
    }
    parentPort.postMessage({ id: request.id, ok: true, value: value === undefined ? null : value });
  } catch (error) {
    parentPort.postMessage({ id: request.id, ok: false, message: String((error && error.message) || error) });
  }
});
\`, { eval: true, workerData: process.argv[1] });
const end = () => process.kill(process.pid, 'SIGKILL');
worker.on('message', (reply) => process.send(reply));
worker.on('error', end);
process.on('message', (request) => worker.postMessage(request));
process.on('disconnect', end);
`;

/** Where the binding is, resolved from this module (or the bundle chunk it was bundled into). */
function bindingPath(): string {
  try {
    return createRequire(import.meta.url).resolve('@napi-rs/keyring');
  } catch (error) {
    // Its optional install failed or was skipped: a setup problem (config_error, exit 1), not an outage.
    throw new TokensmithError(
      'config_error',
      'the OS keychain token store needs the @napi-rs/keyring package, which is not installed here (its optional install failed or was skipped): run `npm install -g @napi-rs/keyring` (or install it next to tokensmith), or use the file store (`--store file`, or `store: file` in the config)',
      { cause: error },
    );
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** The error a call that ran past its deadline rejects with (an AbortError, as the binding's own). */
const deadlineError = (timeoutMs: number) =>
  Object.assign(new Error(`The operation was aborted after ${timeoutMs} ms`), { name: 'AbortError' });

let child: ChildProcess | undefined;
const pending = new Map<number, Pending>();
let nextId = 0;

/** Stops waiting on the child: every pending call rejects with `reason`, the child is killed and forgotten. */
function abandon(reason: unknown): void {
  const stuck = child;
  child = undefined;
  stuck?.kill('SIGKILL');
  const calls = [...pending.values()];
  pending.clear();
  for (const call of calls) call.reject(reason);
}

/** A child stuck in the binding must not outlive this process. */
const killOnExit = () => child?.kill('SIGKILL');

function startChild(): ChildProcess {
  const started = spawn(process.execPath, ['-e', CHILD_SOURCE, bindingPath()], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  started.on('message', (reply: { id: number; ok: boolean; value?: unknown; message?: string }) => {
    const call = pending.get(reply.id);
    if (!call) return;
    pending.delete(reply.id);
    if (reply.ok) call.resolve(reply.value);
    else call.reject(new Error(reply.message));
  });
  started.on('error', (error) => {
    if (child === started) abandon(error);
  });
  started.on('exit', (code, signal) => {
    if (child === started) abandon(new Error(`the keychain helper process exited (${signal ?? code})`));
  });
  if (!process.listeners('exit').includes(killOnExit)) process.on('exit', killOnExit);
  // Never what keeps this process alive (a pending call's deadline timer does that); after the
  // listeners, which would ref the channel again.
  started.unref();
  started.channel?.unref();
  return started;
}

/**
 * Runs one keychain operation in the helper process, rejecting with an AbortError after
 * `timeoutMs` (the helper, stuck in the binding, is then killed) or at once when `signal` aborts.
 *
 * @example
 * ```ts
 * const secret = await keyringCall({ op: 'get', service: 'tokensmith', account: key }, 10_000);
 * ```
 */
export function keyringCall(request: KeyringRequest, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let helper: ChildProcess;
    try {
      helper = child ??= startChild();
    } catch (error) {
      return reject(error);
    }
    const id = ++nextId;
    const onAbort = () => abandon(signal?.reason);
    const timer = setTimeout(() => abandon(deadlineError(timeoutMs)), timeoutMs);
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    pending.set(id, {
      resolve: (value) => {
        settle();
        resolve(value);
      },
      reject: (error) => {
        settle();
        reject(error);
      },
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    helper.send({ id, ...request }, (error) => {
      if (error) abandon(error);
    });
  });
}
