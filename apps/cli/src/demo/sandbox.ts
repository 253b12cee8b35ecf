import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { Sandbox } from '@tokensmith/sandbox';
import { writePrivateFile } from '../files/private-file.js';

/**
 * The built-in demo (no config file) runs an embedded sandbox inside each `tokensmith` process. For
 * `login`, then `status`, then `timeline`, then `logout` to work as four commands, two things must
 * outlive a process: the CLI's tokens, kept in a demo token file of their own (never mixed with
 * real tokens), and the sandbox's memory of what it issued, so the next process's sandbox still
 * accepts them. The second is a snapshot of the sandbox's token tables, restored in place at the
 * start of the next run on the same port (the port is part of every endpoint, so of every token's
 * identity). Both files live in the demo directory, 0600; `rm -r` of it resets the demo.
 */

/** The demo's directory: `${XDG_CONFIG_HOME:-~/.config}/tokensmith/demo`. */
export function demoDirectory(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  return join(xdg, 'tokensmith', 'demo');
}

/** The built-in demo's token file. */
export function demoTokenFile(env: NodeJS.ProcessEnv): string {
  return join(demoDirectory(env), 'demo-tokens.json');
}

/** The token file of the config `tokensmith sandbox` prints (its own, apart from the built-in demo's and the real one). */
export function sandboxTokenFile(env: NodeJS.ProcessEnv): string {
  return join(demoDirectory(env), 'sandbox-tokens.json');
}

const stateFile = (env: NodeJS.ProcessEnv) => join(demoDirectory(env), 'sandbox-state.json');

type Snapshot = { port: number; state: Record<string, unknown> };

/** The parts of the sandbox's state that record what it issued (the rest is config and code). */
const ISSUED = ['appTokens', 'userTokens', 'extensions'] as const;

function isPlain(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Maps, sets, arrays and plain objects as JSON; functions and class instances (fault injectors) are left out. */
function freeze(value: unknown): unknown {
  // Code (grant handlers, routes) is not state: only data entries are kept.
  if (value instanceof Map) return { $map: [...value].filter(([, v]) => typeof v !== 'function').map(([k, v]) => [freeze(k), freeze(v)]) };
  if (value instanceof Set) return { $set: [...value].filter((v) => typeof v !== 'function').map(freeze) };
  if (Array.isArray(value)) return value.map(freeze);
  if (isPlain(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      if (
        typeof item !== 'function' &&
        (!item || typeof item !== 'object' || item instanceof Map || item instanceof Set || Array.isArray(item) || isPlain(item))
      )
        out[key] = freeze(item);
    return out;
  }
  return typeof value === 'function' ? undefined : value;
}

function thaw(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(thaw);
  if (isPlain(value)) {
    if (Array.isArray(value.$map)) return new Map((value.$map as Array<[unknown, unknown]>).map(([k, v]) => [thaw(k), thaw(v)]));
    if (Array.isArray(value.$set)) return new Set((value.$set as unknown[]).map(thaw));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = thaw(item);
    return out;
  }
  return value;
}

/** Fills `target`'s maps, sets and plain objects from `saved` in place: the sandbox's modules keep their references. */
function restoreInto(target: Record<string, unknown>, saved: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(saved)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const current = target[key];
    try {
      if (current instanceof Map && value instanceof Map) {
        for (const [k, v] of value) if (!current.has(k)) current.set(k, v);
      } else if (current instanceof Set && value instanceof Set) for (const v of value) current.add(v);
      else if (isPlain(current) && isPlain(value)) restoreInto(current, value);
      else if (current === undefined) target[key] = value;
    } catch {
      // A read-only field (a counter behind a getter): not part of what was issued.
    }
  }
}

function readSnapshot(env: NodeJS.ProcessEnv): Snapshot | undefined {
  try {
    const fd = openSync(stateFile(env), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      const info = fstatSync(fd);
      if (!info.isFile() || (typeof process.getuid === 'function' && info.uid !== process.getuid()) || info.size > 4 * 1024 * 1024)
        return undefined;
      const parsed = JSON.parse(readFileSync(fd, 'utf8')) as Snapshot;
      return Number.isInteger(parsed.port) && isPlain(parsed.state) ? parsed : undefined;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined; // no demo yet, or an unreadable one: start afresh
  }
}

function writeSnapshot(env: NodeJS.ProcessEnv, snapshot: Snapshot): void {
  writePrivateFile(stateFile(env), JSON.stringify(snapshot), { dirMode: 0o700 });
}

/**
 * Starts the demo's embedded sandbox on the port the last demo run used (a new one when it is
 * taken), with what that run's sandbox had issued; `stop()` saves it again.
 *
 * @example
 * ```ts
 * const sandbox = await startDemoSandbox(process.env);
 * try { ... } finally { await sandbox.stop(); }
 * ```
 */
export async function startDemoSandbox(env: NodeJS.ProcessEnv): Promise<Sandbox> {
  const { startSandbox } = await import('@tokensmith/sandbox');
  const saved = readSnapshot(env);
  let sandbox: Sandbox;
  let restored = false;
  try {
    sandbox = await startSandbox({ port: saved?.port ?? 0 });
    restored = saved !== undefined;
  } catch {
    sandbox = await startSandbox({ port: 0 }); // the old port is taken: a fresh demo
  }
  if (restored && saved) restoreInto(sandbox.state as unknown as Record<string, unknown>, thaw(saved.state) as Record<string, unknown>);
  const stop = sandbox.stop.bind(sandbox);
  return Object.assign(sandbox, {
    stop: async () => {
      try {
        const state: Record<string, unknown> = {};
        for (const key of ISSUED) state[key] = freeze((sandbox.state as unknown as Record<string, unknown>)[key]);
        writeSnapshot(env, { port: Number(new URL(sandbox.url).port), state });
      } catch {
        // The demo forgetting is not worth failing the command for.
      }
      await stop();
    },
  });
}
