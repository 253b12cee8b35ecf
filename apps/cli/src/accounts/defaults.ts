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
  /**
   * Provider name to the names of the accounts logged in here (names only, never a token): what shell
   * completion offers for `--account`, read without opening a store. The store stays the truth.
   */
  known?: Record<string, string[]>;
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

/** The accounts file (empty tables when it is missing or unreadable; names are own keys only). */
function readAccountsFile(env: NodeJS.ProcessEnv): Required<AccountsFile> {
  const defaults: Record<string, string> = Object.create(null) as Record<string, string>;
  const known: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  let parsed: Partial<AccountsFile>;
  try {
    parsed = JSON.parse(readFileSync(accountsFilePath(env), 'utf8')) as Partial<AccountsFile>;
  } catch {
    return { defaults, known };
  }
  if (typeof parsed.defaults === 'object' && parsed.defaults !== null)
    for (const [provider, account] of Object.entries(parsed.defaults)) if (typeof account === 'string') defaults[provider] = account;
  if (typeof parsed.known === 'object' && parsed.known !== null)
    for (const [provider, names] of Object.entries(parsed.known))
      if (Array.isArray(names)) known[provider] = names.filter((name): name is string => typeof name === 'string');
  return { defaults, known };
}

/** The recorded defaults. */
function readDefaults(env: NodeJS.ProcessEnv): Record<string, string> {
  return readAccountsFile(env).defaults;
}

/**
 * Every provider's recorded default account (a table with no prototype: only own keys), read once
 * for a command that looks at many providers.
 *
 * @example
 * ```ts
 * defaultAccounts(process.env).twitter; // 'ada' after `tokensmith switch twitter ada`
 * ```
 */
export function defaultAccounts(env: NodeJS.ProcessEnv): Record<string, string> {
  return readDefaults(env);
}

/** Table keys in order, so the file is stable across writes. */
function sortedTable<T>(table: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(table).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Changes the accounts file under its lock: read, change, write whole (temp file, rename). */
async function updateAccountsFile(env: NodeJS.ProcessEnv, change: (file: Required<AccountsFile>) => void): Promise<void> {
  mkdirSync(userConfigDir(env), { recursive: true, mode: 0o700 });
  const path = accountsFilePath(env);
  const { withFileLock } = await import('@tokensmith/store-file');
  await withFileLock(`${path}.lock`, { now: Date.now, ...LOCK }, async () => {
    const file = readAccountsFile(env);
    change(file);
    const written: AccountsFile = {
      defaults: sortedTable(file.defaults),
      ...(Object.keys(file.known).length === 0 ? {} : { known: sortedTable(file.known) }),
    };
    writeFileAtomic(path, `${JSON.stringify(written, null, 2)}\n`);
  });
}

/**
 * The account names logged in here for a provider (the recorded default first), for shell
 * completion: read from the accounts file alone, no store opened.
 *
 * @example
 * ```ts
 * knownAccounts(process.env, 'twitter'); // ['ada', 'ada-work']
 * ```
 */
export function knownAccounts(env: NodeJS.ProcessEnv, provider: string): string[] {
  const file = readAccountsFile(env);
  const recorded = file.defaults[provider];
  return [...new Set([...(recorded === undefined ? [] : [recorded]), ...(file.known[provider] ?? [])])];
}

/**
 * Notes that an account of a provider was logged in (`present`) or out, for {@link knownAccounts}.
 *
 * @example
 * ```ts
 * await noteAccount(process.env, 'twitter', 'ada', true);
 * ```
 */
export async function noteAccount(env: NodeJS.ProcessEnv, provider: string, account: string, present: boolean): Promise<void> {
  const listed = readAccountsFile(env).known[provider] ?? [];
  if (listed.includes(account) === present) return; // nothing to change: no lock, no write
  await updateAccountsFile(env, (file) => {
    const names = new Set(file.known[provider] ?? []);
    if (present) names.add(account);
    else names.delete(account);
    if (names.size === 0) delete file.known[provider];
    else file.known[provider] = [...names].sort();
  });
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
  await updateAccountsFile(env, ({ defaults }) => {
    if (account === undefined) delete defaults[provider];
    else defaults[provider] = account;
  });
}
