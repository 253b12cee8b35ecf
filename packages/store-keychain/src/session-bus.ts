// Is a D-Bus session bus there, and does it answer? Asked in JavaScript, bounded, before the native
// keyring binding is touched: the binding connects synchronously under a lock, so a bus socket that
// accepts and never answers would freeze the whole process (measured: the event loop stopped).
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { storeUnavailable, type TokensmithError } from '@tokensmith/core/kit';

/** Platforms whose keychain is the freedesktop Secret Service, reached over the D-Bus session bus. */
export const SECRET_SERVICE_PLATFORMS: readonly string[] = ['linux', 'freebsd', 'openbsd', 'netbsd'];

const NEXT = 'start a keyring (e.g. gnome-keyring) in this session, or keep tokens in the file store instead';
const checked = new Map<string, Promise<TokensmithError | undefined>>();

/** The socket of a `unix:path=` / `unix:abstract=` address (the first one of a `;` list), if any. */
function socketOf(address: string): string | undefined {
  for (const part of address.split(';')) {
    const match = /^unix:(?:.*,)?(path|abstract)=([^,]+)/.exec(part);
    if (match) return (match[1] === 'abstract' ? '\0' : '') + decodeURIComponent(match[2] as string);
  }
  return undefined;
}

/** Sends the D-Bus SASL opening (a NUL, then `AUTH EXTERNAL <uid in hex>`); any reply line means it answers. */
function answers(socket: string, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const connection = createConnection({ path: socket });
    let reply = '';
    const done = (problem: string | undefined) => {
      connection.destroy();
      resolve(problem);
    };
    connection.setTimeout(timeoutMs, () => done(`the D-Bus session bus at ${socket} did not answer within ${timeoutMs} ms`));
    connection.on('error', (error: NodeJS.ErrnoException) =>
      done(`cannot reach the D-Bus session bus at ${socket} (${error.code ?? error.message})`),
    );
    connection.on('connect', () => {
      const uid = String(process.getuid?.() ?? 0);
      connection.write(`\0AUTH EXTERNAL ${Buffer.from(uid).toString('hex')}\r\n`);
    });
    connection.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n'))
        done(/^(OK|REJECTED|DATA)\b/.test(reply) ? undefined : `the D-Bus session bus at ${socket} answered in a way D-Bus does not`);
    });
  });
}

/**
 * Resolves `undefined` when the session bus answers (or when this platform's keychain is not the
 * Secret Service), else a `store_unavailable` saying why, with the next step. A success is
 * remembered for the process; a failure is asked again next time.
 *
 * @example
 * ```ts
 * const problem = await sessionBusProblem(process.env, 1_500);
 * if (problem) throw problem;
 * ```
 */
export function sessionBusProblem(
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  platform: string = process.platform,
): Promise<TokensmithError | undefined> {
  if (!SECRET_SERVICE_PLATFORMS.includes(platform)) return Promise.resolve(undefined);
  let address = env.DBUS_SESSION_BUS_ADDRESS;
  if (!address) {
    // Where systemd's user bus lives; libdbus finds it there without the variable.
    const runtimeBus = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'bus') : undefined;
    if (!runtimeBus || !existsSync(runtimeBus)) {
      return Promise.resolve(storeUnavailable(`no OS keychain: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set); ${NEXT}`));
    }
    address = `unix:path=${runtimeBus}`;
  }
  const socket = socketOf(address);
  // A tcp: or launchd: address is left to the binding.
  if (socket === undefined) return Promise.resolve(undefined);
  const cached = checked.get(socket);
  if (cached) return cached;
  const check = answers(socket, timeoutMs).then((problem) => {
    if (problem === undefined) return undefined;
    checked.delete(socket);
    return storeUnavailable(`no OS keychain: ${problem}; ${NEXT}`);
  });
  checked.set(socket, check);
  return check;
}
