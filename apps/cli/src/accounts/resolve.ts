import type { TokenStore } from '@tokensmith/core';
import { CliError } from '../cli-error.js';
import type { ProviderConfig } from '../config/schema.js';
import { strategyAdapter } from '../strategies/index.js';
import { ACCOUNT_ENV, accountNameProblem } from './account-name.js';
import { loginStore, storeForAccount, type LoginTarget } from './account-store.js';
import { defaultAccount, noteAccount, setDefaultAccount } from './defaults.js';
import { UNNAMED_ACCOUNT, accountSlots, chooseAccount, type AccountSlot } from './slots.js';

/** The account a command works with, and the provider's store as that account sees it. */
export interface ResolvedAccount {
  /** The store the strategy gets. */
  store: TokenStore;
  /** Every account of the provider, before the command ran. */
  slots: AccountSlot[];
  /** The account used (undefined for a login without `--account`: the answer names it, see `login`). */
  slot: AccountSlot | undefined;
  /** A login's record of the account it stored. */
  login: LoginTarget | undefined;
}

/**
 * `--account NAME` or `TOKENSMITH_ACCOUNT`, checked: a usage error names the bad one.
 *
 * @example
 * ```ts
 * const { flag, env } = requestedAccount(options.account, io.env);
 * ```
 */
export function requestedAccount(flag: string | undefined, env: NodeJS.ProcessEnv): { flag?: string; env?: string } {
  const fromEnv = env[ACCOUNT_ENV] === '' ? undefined : env[ACCOUNT_ENV];
  const problem =
    (flag === undefined ? undefined : accountNameProblem(flag, '--account')) ??
    (fromEnv === undefined ? undefined : accountNameProblem(fromEnv, ACCOUNT_ENV));
  if (problem) throw new CliError('usage', problem);
  return { ...(flag === undefined ? {} : { flag }), ...(fromEnv === undefined ? {} : { env: fromEnv }) };
}

/**
 * The provider's accounts in `store` (the provider's view: endpoint-bound). A store that cannot be
 * listed (or fails to) has none listed: the strategy then meets the store as before accounts, and
 * reports its failure in its own words.
 *
 * @example
 * ```ts
 * const slots = await listAccounts(opened.forProvider(config), config);
 * ```
 */
export async function listAccounts(store: TokenStore, config: ProviderConfig): Promise<AccountSlot[]> {
  if (!store.entries) return [];
  const key = await strategyAdapter(config.strategy).storeKey(config);
  try {
    return accountSlots(await store.entries(), key);
  } catch {
    return [];
  }
}

/**
 * Picks the account a command uses (see chooseAccount) and wraps `store` for it; a login gets the
 * store that names the account after the provider's answer. Errors name the ways to choose.
 *
 * @example
 * ```ts
 * const { store: accountStore } = await resolveAccount(store, picked, { flag: global.account, env: io.env, purpose: 'use' });
 * ```
 */
export async function resolveAccount(
  store: TokenStore,
  picked: { name: string; provider: ProviderConfig },
  options: { flag: string | undefined; env: NodeJS.ProcessEnv; purpose: 'use' | 'login' },
): Promise<ResolvedAccount> {
  const request = requestedAccount(options.flag, options.env);
  const slots = await listAccounts(store, picked.provider);
  if (options.purpose === 'login') {
    const login: LoginTarget = { stored: false, account: undefined };
    return { store: loginStore(store, slots, request.flag ?? request.env, login), slots, slot: undefined, login };
  }
  const choice = chooseAccount(slots, { ...request, recorded: defaultAccount(options.env, picked.name) }, picked.name);
  if ('problem' in choice) throw new CliError('usage', choice.problem);
  return { store: storeForAccount(store, choice.slot), slots, slot: choice.slot, login: undefined };
}

/**
 * After a login that added a provider's second account: records the first one as the default, so
 * commands and scripts that named no account keep using the account they used before.
 *
 * @example
 * ```ts
 * await keepDefaultAfterLogin(io.env, 'twitter', session.account);
 * ```
 */
export async function keepDefaultAfterLogin(env: NodeJS.ProcessEnv, provider: string, resolved: ResolvedAccount): Promise<void> {
  // The names completion offers (accounts file, names only): the account just stored, and those before it.
  if (resolved.login?.stored && resolved.login.account !== undefined)
    for (const name of [resolved.login.account, ...resolved.slots.filter((slot) => !slot.bare).map((slot) => slot.account)])
      await noteAccount(env, provider, name, true);
  if (!resolved.login?.stored || resolved.slots.length !== 1) return;
  const before = resolved.slots[0]!.account;
  if (before === (resolved.login.account ?? UNNAMED_ACCOUNT) || defaultAccount(env, provider) !== undefined) return;
  await setDefaultAccount(env, provider, before);
}
