import type { Credentials, StoredEntry } from '@tokensmith/core';
import { identityOf } from './account-name.js';

// Where each account of a provider is stored, and which one a command uses. An account's token is
// stored under the strategy's key plus `#account:<name>` (and then the endpoint binding, as every
// key). A token stored under the bare key (by a version before accounts, or one that names nobody)
// is the provider's account too, named after the identity it holds, so old stores keep working
// without a migration step.

/** Separates a token key from its account name; never produced by core's `tokenKey`. */
export const ACCOUNT_MARK = '#account:';

/** The name of an account stored under the bare key whose credentials name nobody (an app token). */
export const UNNAMED_ACCOUNT = 'default';

/**
 * One account of a provider: its name, whether it lives under the bare key, and what is stored.
 *
 * @example
 * ```ts
 * const slot: AccountSlot = { account: 'twitterapi', bare: false, credentials };
 * ```
 */
export interface AccountSlot {
  account: string;
  /** Stored under the strategy's key without an account (written before accounts existed, or naming nobody). */
  bare: boolean;
  credentials?: Credentials;
}

/**
 * The key an account's token is stored under (before the endpoint binding).
 *
 * @example
 * ```ts
 * accountKey('v2:oauth1-pin:key@host:abc', 'twitterapi'); // 'v2:oauth1-pin:key@host:abc#account:twitterapi'
 * ```
 */
export function accountKey(key: string, account: string): string {
  return `${key}${ACCOUNT_MARK}${encodeURIComponent(account)}`;
}

/**
 * The key a slot is stored under.
 *
 * @example
 * ```ts
 * slotKey(key, { account: 'default', bare: true }) === key; // true
 * ```
 */
export function slotKey(key: string, slot: AccountSlot): string {
  return slot.bare ? key : accountKey(key, slot.account);
}

/**
 * A provider's accounts among `entries` (as the provider sees the store: endpoint binding
 * removed), sorted by name. A bare entry whose identity is also stored as a named account is
 * left out: the named one is the newer.
 *
 * @example
 * ```ts
 * accountSlots(await providerStore.entries(), await adapter.storeKey(config)).map((slot) => slot.account);
 * ```
 */
export function accountSlots(entries: readonly StoredEntry[], key: string): AccountSlot[] {
  const prefix = `${key}${ACCOUNT_MARK}`;
  const slots: AccountSlot[] = [];
  let bare: StoredEntry | undefined;
  for (const entry of entries) {
    if (entry.key === key) bare = entry;
    else if (entry.key.startsWith(prefix)) {
      let account: string;
      try {
        account = decodeURIComponent(entry.key.slice(prefix.length));
      } catch {
        continue; // not a key this CLI wrote
      }
      slots.push({ account, bare: false, credentials: entry.credentials });
    }
  }
  if (bare) {
    const account = identityOf(bare.credentials) ?? UNNAMED_ACCOUNT;
    if (!slots.some((slot) => slot.account === account)) slots.push({ account, bare: true, credentials: bare.credentials });
  }
  return slots.sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
}

/** Which account a command asked for, and from where. */
export interface AccountRequest {
  /** `--account NAME`. */
  flag?: string | undefined;
  /** `TOKENSMITH_ACCOUNT`. */
  env?: string | undefined;
  /** The provider's default account in the user's accounts file (`tokensmith switch`). */
  recorded?: string | undefined;
}

/** The account a command uses, or why none can be picked (the caller words the error). */
export type AccountChoice = { slot: AccountSlot } | { problem: string };

/**
 * Picks the account a command uses: `--account`, else `TOKENSMITH_ACCOUNT` (for a provider with
 * named accounts; one with none ignores it), else the recorded default, else the only account. A
 * provider with no account gets the bare key, as before accounts existed; several accounts and no
 * default is a problem naming the ways to choose.
 *
 * @example
 * ```ts
 * const choice = chooseAccount(slots, { flag: options.account, env: env.TOKENSMITH_ACCOUNT, recorded }, 'twitter');
 * ```
 */
export function chooseAccount(slots: readonly AccountSlot[], request: AccountRequest, provider: string): AccountChoice {
  const names = slots.map((slot) => slot.account).join(', ');
  const named = slots.some((slot) => !slot.bare || slot.account !== UNNAMED_ACCOUNT);
  const requested = request.flag ?? (named ? request.env : undefined);
  if (requested !== undefined) {
    const found = slots.find((slot) => slot.account === requested);
    if (found) return { slot: found };
    if (slots.length === 0) return { slot: { account: requested, bare: false } };
    const from = request.flag !== undefined ? '--account' : 'TOKENSMITH_ACCOUNT';
    return {
      problem: `provider ${provider} has no account ${requested} (${from}); its accounts: ${names}. Log it in with: tokensmith login ${provider} --account ${requested}`,
    };
  }
  if (request.recorded !== undefined) {
    const found = slots.find((slot) => slot.account === request.recorded);
    if (found) return { slot: found };
  }
  if (slots.length === 0) return { slot: { account: UNNAMED_ACCOUNT, bare: true } };
  if (slots.length === 1) return { slot: slots[0]! };
  return {
    problem: `provider ${provider} has ${slots.length} accounts (${names}) and no default; pass --account NAME, set TOKENSMITH_ACCOUNT=NAME, or run: tokensmith switch ${provider} NAME`,
  };
}
