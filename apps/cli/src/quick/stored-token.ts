import { fstatSync, readFileSync, statSync, writeSync } from 'node:fs';
import type { Credentials, TokenStore } from '@tokensmith/core';
import { isFresh, resolveSkewMs } from '@tokensmith/core/kit';
import { findConfigFile, isReadableByOthers, loadConfig } from '../config/load.js';
import { requireUsableHome } from '../config/locate.js';
import type { ProviderEntry } from '../config/providers.js';
import type { ProviderConfig } from '../config/schema.js';
import { bindToEndpoints } from '../stores/endpoint-binding.js';
import { ACCOUNT_ENV, isAccountName } from '../accounts/account-name.js';
import { defaultAccount } from '../accounts/defaults.js';
import { ACCOUNT_MARK, accountKey, accountSlots, chooseAccount, type AccountRequest } from '../accounts/slots.js';
import { fileStore } from '../stores/file.js';
import { STRATEGIES_BY_NAME } from '../strategies/index.js';
import { tokenOverrideVariable } from '../bridges/env-override.js';
import { sanitizeForTerminal } from '../terminal/safety.js';

// What the quick paths (quick/token.ts, quick/credential.ts) share: the provider's stored token,
// found as the full CLI finds it, or undefined on any doubt. The config is located, read,
// trust-checked and validated by the CLI's own modules; the key is the adapter's, bound to the
// provider's endpoints; the token file is the default file store's; fresh means what the token
// manager means (core's isFresh, the provider's refreshSkewSeconds).

/** Set (to anything) only by tests: the launcher skips the quick paths, to compare them with the full CLI. */
export const NO_QUICK_PATH_ENV = 'TOKENSMITH_NO_QUICK_PATH';

/** The global options a quick path understands: `-c/--config PATH`, `--store S` and `--account NAME`. */
export interface QuickGlobals {
  config: string | undefined;
  store: string | undefined;
  account?: string | undefined;
}

/** An invocation split into its positionals and the flags a quick path knows; undefined for anything else. */
export interface QuickArgs extends QuickGlobals {
  positionals: string[];
  format: string | undefined;
  json: boolean;
}

/**
 * Splits `argv` into positionals, `--format F`, `--json`, `-c/--config PATH`, `--store S` and `--account NAME` (each
 * at most once, `--flag=value` too); undefined when anything else is there, so that the CLI answers.
 *
 * @example
 * ```ts
 * splitQuickArgs(['-c', 'a.yaml', 'token', 'x']); // { positionals: ['token', 'x'], config: 'a.yaml', ... }
 * ```
 */
export function splitQuickArgs(argv: readonly string[]): QuickArgs | undefined {
  const args: QuickArgs = { positionals: [], format: undefined, json: false, config: undefined, store: undefined, account: undefined };
  const valued = { '--format': 'format', '--config': 'config', '-c': 'config', '--store': 'store', '--account': 'account' } as const;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = equals > 0 ? arg.slice(0, equals) : arg;
    if (flag === '--json' && equals < 0 && !args.json) args.json = true;
    else if (Object.hasOwn(valued, flag)) {
      const field = valued[flag as keyof typeof valued];
      const value = equals > 0 ? arg.slice(equals + 1) : argv[++i];
      if (args[field] !== undefined || value === undefined || value === '' || (equals < 0 && value.startsWith('-'))) return undefined;
      args[field] = value;
    } else if (arg.startsWith('-'))
      return undefined; // a flag this path does not know
    else args.positionals.push(arg);
  }
  return args;
}

/**
 * Whether a file descriptor may be a terminal. Asked of the descriptor itself: node:tty
 * (process.stdout, isatty) loads node:net, a tenth of a quick path's time. Only a character device
 * other than /dev/null can be a terminal; a closed descriptor counts as doubt.
 *
 * @example
 * ```ts
 * if (mayBeTerminal(1)) return false; // progress lines are the full CLI's business
 * ```
 */
export function mayBeTerminal(fd: number): boolean {
  let stat;
  try {
    stat = fstatSync(fd);
  } catch {
    return true;
  }
  return stat.isCharacterDevice() && stat.rdev !== statSync('/dev/null', { throwIfNoEntry: false })?.rdev;
}

/** Whether a store setting is the plain token file: `file`, `file:PATH`, or `auto` with TOKENSMITH_TOKEN_FILE set. */
function isTokenFileSetting(setting: string, env: NodeJS.ProcessEnv): boolean {
  return fileStore.matches(setting) || (setting === 'auto' && Boolean(env.TOKENSMITH_TOKEN_FILE));
}

/** A provider's fresh stored token and what printing it needs. */
export interface StoredToken {
  name: string;
  config: ProviderConfig;
  credentials: Credentials;
  /** Writes the line the full CLI's pickProvider writes to stderr for a working-directory config (call just before the answer). */
  announce(): void;
}

/**
 * The fresh stored token of the provider `choose` picks from the config's entries (undefined: none),
 * or undefined on any doubt: no config file (the demo), an untrusted file, a warning the CLI would
 * print first, a store other than the token file, the `TOKENSMITH_<P>_TOKEN` override, no token or
 * one inside its expiry skew. Errors propagate; the caller takes them as doubt too. `inUse`: the
 * providers `choose` can pick besides `defaultProvider` (when it picks nothing else): the config may
 * then be read without the others (see loadConfig), so `choose` sees only those entries.
 *
 * @example
 * ```ts
 * const found = await findStoredToken({ config: undefined, store: undefined }, (entries) => 'github', process.env, process.cwd());
 * ```
 */
export async function findStoredToken(
  globals: QuickGlobals,
  choose: (entries: ProviderEntry[], defaultProvider: string | undefined) => string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
  inUse?: readonly string[],
): Promise<StoredToken | undefined> {
  requireUsableHome(env);
  if (!findConfigFile(globals.config, cwd, env)) return undefined; // the demo: its sandbox is the CLI's
  const loaded = await loadConfig(globals.config, cwd, env, 'in-use', inUse);
  if (!loaded || loaded.trust?.required) return undefined;
  if (isReadableByOthers(loaded.path) && loaded.literalSecrets.length > 0) return undefined; // the CLI warns first (mode first: listing walks every provider)
  const setting = globals.store ?? loaded.config.store ?? 'auto';
  if (!isTokenFileSetting(setting, env)) return undefined;
  const name = choose(loaded.entries, loaded.config.defaultProvider);
  const entry = loaded.entries.find((candidate) => candidate.name === name);
  const config = entry?.config;
  if (!entry || !config || env[tokenOverrideVariable(entry.name)] !== undefined) return undefined;
  // The account as the CLI picks it (accounts/slots.ts), from one read of the token file; a name the CLI would refuse is its to explain.
  const flag = globals.account;
  const fromEnv = env[ACCOUNT_ENV] === '' ? undefined : env[ACCOUNT_ENV];
  if ((flag !== undefined && !isAccountName(flag)) || (fromEnv !== undefined && !isAccountName(fromEnv))) return undefined;
  const key = await STRATEGIES_BY_NAME[config.strategy].storeKey(config);
  const opened = await fileStore.open(setting === 'auto' ? 'file' : setting, env, () => undefined);
  const request = { flag, env: fromEnv, recorded: defaultAccount(env, entry.name) };
  let credentials: Credentials | undefined;
  try {
    credentials = await oneAccountsToken(bindToEndpoints(opened.store, config), key, request, opened.where.path, entry.name);
  } finally {
    await opened.close();
  }
  if (!credentials || !isFresh(credentials, Date.now(), resolveSkewMs(config))) return undefined;
  const announce = () => {
    // pickProvider's line, straight to fd 2 (process.stderr on a pipe loads node:net).
    if (loaded.origin === 'working-directory')
      writeSync(
        2,
        `using ${sanitizeForTerminal(loaded.path)}${entry.variables.length ? ` (provider ${entry.name}; environment variables ${entry.variables.join(', ')})` : ` (provider ${entry.name})`}\n`,
      );
  };
  return { name: entry.name, config, credentials, announce };
}

/**
 * The token of the account the CLI would pick (accounts/slots.ts `chooseAccount`), reading one entry
 * of the token file where that is enough (the store's single-entry reader), else every entry:
 * - an account named by `--account`, `TOKENSMITH_ACCOUNT` or the recorded default: its own key; when
 *   that key holds nothing, undefined (the CLI explains, or finds it under a key from before accounts);
 * - none named: when the file's text holds no account key of this provider's key (its JSON spelling
 *   appears nowhere, and no escape could hide one), the bare key is the only possible slot;
 * - otherwise the whole listing, as the CLI does.
 * Undefined hands over to the full CLI, which is never wrong; this never returns a token the CLI
 * would not use.
 *
 * @example
 * ```ts
 * await oneAccountsToken(bound, key, { flag: undefined, env: undefined, recorded: 'ada' }, '/home/ada/.config/tokensmith/tokens.json', 'x');
 * ```
 */
async function oneAccountsToken(
  store: TokenStore,
  key: string,
  request: AccountRequest,
  path: string | undefined,
  provider: string,
): Promise<Credentials | undefined> {
  const named = request.flag ?? request.env ?? request.recorded;
  if (named !== undefined) return store.get(accountKey(key, named));
  let text: string | undefined;
  try {
    text = path === undefined ? undefined : readFileSync(path, 'utf8');
  } catch {
    text = undefined;
  }
  if (
    text !== undefined &&
    !text.includes('\\u') &&
    !text.includes('\\/') &&
    !text.includes(JSON.stringify(`${key}${ACCOUNT_MARK}`).slice(1, -1))
  )
    return store.get(key);
  const choice = chooseAccount(accountSlots((await store.entries?.()) ?? [], key), request, provider);
  return 'slot' in choice ? choice.slot.credentials : undefined;
}
