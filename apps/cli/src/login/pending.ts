import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, unlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { TokensmithError } from '@tokensmith/core';
import { writePrivateFile } from '../files/private-file.js';

/**
 * The state an OAuth 1.0a login keeps between its two CLI runs (`login P --no-browser` without a
 * terminal, then `login P --pin PIN`): the request token and its secret. It is a credential for
 * a few minutes, so it is kept like the token file: one 0600 file per provider in a 0700
 * directory beside the token store, written through a temp file and a rename, opened without
 * following links, refused unless it is a regular file of this user, removed once used or expired.
 */

/** How long a request token is kept when the library gives no expiry (Twitter documents none). */
export const DEFAULT_PENDING_TTL_MS = 15 * 60_000;

/** What is kept for one provider. `state` is the library's pending state, as it returned it. */
export interface PendingLogin<S = unknown> {
  provider: string;
  /** Identifies the config it was made for: a changed consumer or endpoint does not reuse it. */
  identity: string;
  /** Epoch ms after which the request token is no longer worth trying. */
  expiresAt: number;
  /** The authorize URL the person must open (it holds no secret: only the public request token). */
  authorizeUrl: string;
  state: S;
}

/** Where pending logins live: beside `TOKENSMITH_TOKEN_FILE`, else `${XDG_CONFIG_HOME:-~/.config}/tokensmith/pending`. */
export function pendingDirectory(env: NodeJS.ProcessEnv): string {
  if (env.TOKENSMITH_TOKEN_FILE) return join(dirname(env.TOKENSMITH_TOKEN_FILE), 'pending');
  const xdg = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  return join(xdg, 'tokensmith', 'pending');
}

/** A stable, secret-free id of the parts that make a pending login belong to one config. */
export function pendingIdentity(parts: Record<string, string>): string {
  const text = Object.keys(parts)
    .sort()
    .map((key) => `${key}=${parts[key]}`)
    .join('\n');
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

function fileFor(env: NodeJS.ProcessEnv, provider: string): string {
  const name = createHash('sha256').update(provider).digest('hex').slice(0, 24);
  return join(pendingDirectory(env), `${name}.json`);
}

function unsafe(path: string, why: string): TokensmithError {
  return new TokensmithError('store_error', `refusing the pending login file ${path}: ${why}; delete it and run the login again`);
}

/** Saves the pending login for `pending.provider` (replacing an older one), mode 0600. */
export function savePendingLogin(env: NodeJS.ProcessEnv, pending: PendingLogin): string {
  const path = fileFor(env, pending.provider);
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const info = lstatSync(dir);
  if (!info.isDirectory()) throw unsafe(dir, 'it is not a directory');
  if (typeof process.getuid === 'function' && info.uid !== process.getuid()) throw unsafe(dir, 'the directory belongs to another user');
  writePrivateFile(path, JSON.stringify(pending));
  return path;
}

/**
 * Reads the pending login for `provider`, or undefined when there is none, it has expired, or it
 * was made for another config (the stale file is removed then).
 */
export function readPendingLogin<S>(
  env: NodeJS.ProcessEnv,
  provider: string,
  identity: string,
  now = Date.now(),
): PendingLogin<S> | undefined {
  const path = fileFor(env, provider);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw unsafe(path, 'it is a symbolic link');
    throw unsafe(path, `it cannot be opened (${code ?? 'error'})`);
  }
  let text: string;
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw unsafe(path, 'it is not a regular file');
    if (typeof process.getuid === 'function' && info.uid !== process.getuid()) throw unsafe(path, 'it belongs to another user');
    if ((info.mode & 0o077) !== 0) throw unsafe(path, 'other users can read or write it');
    if (info.size > 64 * 1024) throw unsafe(path, 'it is too large');
    text = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  let pending: PendingLogin<S>;
  try {
    pending = JSON.parse(text) as PendingLogin<S>;
  } catch {
    removePendingLogin(env, provider);
    return undefined;
  }
  if (
    !pending ||
    typeof pending !== 'object' ||
    pending.identity !== identity ||
    typeof pending.expiresAt !== 'number' ||
    !(pending.expiresAt > now)
  ) {
    removePendingLogin(env, provider);
    return undefined;
  }
  return pending;
}

/** Removes the pending login for `provider` (nothing to do when there is none). */
export function removePendingLogin(env: NodeJS.ProcessEnv, provider: string): void {
  try {
    unlinkSync(fileFor(env, provider));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
