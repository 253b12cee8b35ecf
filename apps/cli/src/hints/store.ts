import { TokensmithError } from '@tokensmith/core';
import type { Explanation } from './scope.js';
import { CONNECT_REASONS, systemError } from './system-error.js';

// Failures of the token store: a Redis that is not there (or does not answer), or a store that says
// it is unavailable. Checked before any other family: a store failure is not the provider's.

/** A Redis URL as it may be printed: the password (and a user name) masked. */
export function maskStoreUrl(setting: string): string {
  if (!/^rediss?:\/\//.test(setting) || !URL.canParse(setting)) return setting;
  const url = new URL(setting);
  if (url.password) url.password = '***';
  if (url.username && url.password) url.username = '***';
  else if (url.username) url.username = '***';
  // URL adds a '/' path to a bare host: print the setting as the user wrote it.
  return url.href.endsWith('/') && !setting.endsWith('/') ? url.href.slice(0, -1) : url.href;
}

/** A failure of the token store named by `setting` (`--store` or the config's), or undefined for any other failure. */
export function explainStore(error: unknown, setting: string): Explanation | undefined {
  const redis = /^rediss?:\/\//.test(setting);
  const unavailable = error instanceof TokensmithError && error.code === 'store_unavailable';
  if (
    !unavailable &&
    !(
      redis &&
      error instanceof TokensmithError &&
      (error.code === 'store_error' || error.code === 'timeout') &&
      /redis/i.test(error.message)
    )
  )
    return undefined;
  if (redis && (unavailable || /max retries|ECONNREFUSED|connect|timed out|not answer/i.test(error.message))) {
    const sys = systemError(error);
    const within = /within (\d+) ms/.exec(error.message)?.[1];
    // The store names the socket error in its message when ioredis gave up without one attached.
    const code = sys?.code ?? /\((E[A-Z]+)\)/.exec(error.message)?.[1];
    const why = code ? (CONNECT_REASONS[code] ?? code) : within ? `it did not answer within ${within} ms` : 'it did not answer';
    return {
      message: `the token store, Redis at ${maskStoreUrl(setting)}, is not reachable (${why})`,
      hint: "is Redis running at that address? Start it, or check --store or the config's store setting (--store file keeps tokens in a local file)",
      category: 'provider',
    };
  }
  return unavailable
    ? { message: error.message, hint: "check the token store (--store or the config's store setting) and try again", category: 'provider' }
    : undefined;
}
