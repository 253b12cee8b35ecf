import type { StoredEntry } from '@tokensmith/core';
import type { ProviderConfig } from '../config/schema.js';
import { boundKey } from '../stores/endpoint-binding.js';
import { strategyAdapter } from '../strategies/index.js';
import { accountSlots, chooseAccount, type AccountSlot } from './slots.js';

// The accounts of many providers from one listing of the whole store (`accounts`, `status`): each
// provider's entries are those bound to its endpoints, seen without the binding.

/** One provider's account as a listing shows it. */
export interface ListedAccount extends AccountSlot {
  /** The account a command uses when none is named (the recorded default, or the only account). */
  isDefault: boolean;
}

/**
 * The accounts of the provider `config` among `all` (the unbound store's entries), each marked
 * whether it is the one used when no account is named.
 *
 * @example
 * ```ts
 * const listed = await providerAccounts(await opened.store.entries(), 'twitter', config, defaultAccount(env, 'twitter'));
 * ```
 */
export async function providerAccounts(
  all: readonly StoredEntry[],
  provider: string,
  config: ProviderConfig,
  recorded: string | undefined,
): Promise<ListedAccount[]> {
  const suffix = boundKey('', config);
  const mine = all.filter((entry) => entry.key.endsWith(suffix)).map((entry) => ({ ...entry, key: entry.key.slice(0, -suffix.length) }));
  const slots = accountSlots(mine, await strategyAdapter(config.strategy).storeKey(config));
  const choice = chooseAccount(slots, { recorded }, provider);
  const chosen = 'slot' in choice ? choice.slot.account : undefined;
  return slots.map((slot) => ({ ...slot, isDefault: slot.account === chosen }));
}
