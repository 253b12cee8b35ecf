import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { userConfigDir } from '../config/locate.js';
import { writeFileAtomic } from '../files/safe-write.js';

// Each provider's default account, in the user's config dir beside the trust records: per-user
// state, never in a config file a repository may ship. Written whole to a temp file and renamed
// over the old one, so a reader (`token` in another process, the quick path) sees the old file or
// the new one, never half of one. Writers take a lock file beside it for the read-change-write, so
// two `switch`es of different providers at once both land. `TOKENSMITH_ACCOUNT` changes the account
// for one process without touching this file.

/** The accounts file as stored. */
interface AccountsFile {
  /** Provider name to its default account. */
  defaults: Record<string, string>;
}

/**
 * The file holding each provider's default account: `$XDG_CONFIG_HOME/tokensmith/accounts.json`.
 *
 * @example
 * ```ts
 * accountsFilePath({ HOME: '/home/ada' }); // '/home/ada/.config/tokensmith/accounts.json'
 * ```
 */
export function accountsFilePath(env: NodeJS.ProcessEnv): string {
  return join(userConfigDir(env), 'accounts.json');
}

/** The recorded defaults (an empty table when the file is missing or unreadable; names are own keys only). */
function readDefaults(env: NodeJS.ProcessEnv): Record<string, string> {
  const defaults: Record<string, string> = Object.create(null) as Record<string, string>;
  let parsed: Partial<AccountsFile>;
  try {
    parsed = JSON.parse(readFileSync(accountsFilePath(env), 'utf8')) as Partial<AccountsFile>;
  } catch {
    return defaults;
  }
  if (typeof parsed.defaults === 'object' && parsed.defaults !== null)
    for (const [provider, account] of Object.entries(parsed.defaults)) if (typeof account === 'string') defaults[provider] = account;
  return defaults;
}

/**
 * The provider's default account as `tokensmith switch` recorded it, or undefined.
 *
 * @example
 * ```ts
 * defaultAccount(process.env, 'twitter'); // 'ada' after `tokensmith switch twitter ada`
 * ```
 */
export function defaultAccount(env: NodeJS.ProcessEnv, provider: string): string | undefined {
  return readDefaults(env)[provider];
}

/** How long a writer waits for another's lock, and when a lock left behind counts as stale (ms). */
const LOCK = { timeoutMs: 10_000, leaseMs: 10_000, pollMs: 10 };

/**
 * Records (or, with `undefined`, forgets) the provider's default account under the accounts file's
 * lock: the whole file written to a temp file and renamed over the old one (mode 0600, the
 * directory 0700).
 *
 * @example
 * ```ts
 * await setDefaultAccount(process.env, 'twitter', 'ada');
 * ```
 */
export async function setDefaultAccount(env: NodeJS.ProcessEnv, provider: string, account: string | undefined): Promise<void> {
  mkdirSync(userConfigDir(env), { recursive: true, mode: 0o700 });
  const path = accountsFilePath(env);
  const { withFileLock } = await import('@tokensmith/store-file');
  await withFileLock(`${path}.lock`, { now: Date.now, ...LOCK }, async () => {
    const defaults = readDefaults(env);
    if (account === undefined) delete defaults[provider];
    else defaults[provider] = account;
    const sorted = Object.fromEntries(Object.entries(defaults).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    writeFileAtomic(path, `${JSON.stringify({ defaults: sorted } satisfies AccountsFile, null, 2)}\n`);
  });
}
