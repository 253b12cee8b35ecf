import type { ProviderConfig } from '../config/schema.js';
import type { OpenedStore } from '../stores/adapter.js';
import type { StoredEntry } from '@tokensmith/core';
import { boundKey } from '../stores/endpoint-binding.js';
import { defaultAccounts } from './defaults.js';
import { providerAccounts, type ListedAccount } from './listing.js';

/**
 * For `status`: each provider's accounts from one listing of the store (made at the first call;
 * the keychain too, whose listing leaves out only a key with two items), or an empty list when the
 * store cannot list or holds none of the provider's (status then looks the provider's key up as
 * before accounts).
 *
 * @example
 * ```ts
 * const accountsOf = accountLookup(opened, io.env);
 * for (const listed of await accountsOf('twitter', config)) console.log(listed.account, listed.isDefault);
 * ```
 */
export function accountLookup(
  opened: OpenedStore,
  env: NodeJS.ProcessEnv,
): (provider: string, config: ProviderConfig) => Promise<ListedAccount[]> {
  // The listing, grouped by endpoint binding, and the recorded defaults: each read once, so status is
  // linear in providers + tokens (a filter of every entry per provider was providers x tokens).
  let grouped: Promise<Map<string, StoredEntry[]>> | undefined;
  let defaults: Record<string, string> | undefined;
  return async (provider, config) => {
    if (!opened.store.entries) return [];
    // A store that fails to list (an unreadable keychain item, a corrupt file) lists nothing here:
    // status then asks the provider's key, and the store's own error says what is wrong.
    grouped ??= opened.store
      .entries()
      .catch(() => [])
      .then(groupByBinding);
    defaults ??= defaultAccounts(env);
    const mine = (await grouped).get(boundKey('', config)) ?? [];
    return providerAccounts(mine, provider, config, Object.hasOwn(defaults, provider) ? defaults[provider] : undefined);
  };
}

/**
 * The fields a `status` row adds for an account: its name and whether it is the default, for a
 * provider with several accounts; nothing for a provider with one (its row stays as it was before
 * accounts; `tokensmith accounts` names it).
 *
 * @example
 * ```ts
 * rows.push({ provider, strategy, ...accountFields(listed, all.length), ...credentialFields(listed.credentials) });
 * ```
 */
export function accountFields(listed: ListedAccount, count: number): { account?: string; default?: boolean } {
  if (count === 1) return {};
  return { account: listed.account, default: listed.isDefault };
}

/** Entries by their endpoint binding's suffix (`#endpoints:<digest>`, what `boundKey('', config)` is). */
function groupByBinding(entries: readonly StoredEntry[]): Map<string, StoredEntry[]> {
  const groups = new Map<string, StoredEntry[]>();
  for (const entry of entries) {
    const at = entry.key.lastIndexOf('#endpoints:');
    if (at < 0) continue;
    const suffix = entry.key.slice(at);
    const group = groups.get(suffix);
    if (group) group.push(entry);
    else groups.set(suffix, [entry]);
  }
  return groups;
}
