import type { Credentials, TokenStore } from '@tokensmith/core';
import { identityOf } from './account-name.js';
import { accountKey, slotKey, type AccountSlot } from './slots.js';

// A provider's store as one account sees it: the strategy stores under its own key, and these
// wrappers put the account into it. Keep the endpoint binding below them (stores/endpoint-binding.ts),
// so every key, with an account or without, is bound to the provider's endpoints.

/**
 * Keys that hold a record of the whole provider, not of one account: the app registered for a
 * provider without clientId (`registered-client:<issuer>`, @tokensmith/oauth2's registeredClientKey),
 * which every account's login uses. They pass through the account wrappers unchanged.
 */
const PROVIDER_RECORD_KEY = /^registered-client:/;

/**
 * The store wrapper's passthroughs: reset and close belong to the whole store, and a provider-wide
 * record's key goes to `store` as it is.
 */
function withPassthroughs(store: TokenStore, wrapped: TokenStore): TokenStore {
  const shared = (k: string) => PROVIDER_RECORD_KEY.test(k);
  const result: TokenStore = {
    get: (k) => (shared(k) ? store.get(k) : wrapped.get(k)),
    set: (k, credentials) => (shared(k) ? store.set(k, credentials) : wrapped.set(k, credentials)),
    delete: (k) => (shared(k) ? store.delete(k) : wrapped.delete(k)),
    lock: (k, fn) => (shared(k) ? store.lock(k, fn) : wrapped.lock(k, fn)),
  };
  if (store.reset) result.reset = () => (store.reset as NonNullable<TokenStore['reset']>).call(store);
  if (store.close) result.close = () => (store.close as NonNullable<TokenStore['close']>).call(store);
  return result;
}

/**
 * `store` as the account `slot` sees it: every key the strategy uses becomes the slot's key.
 *
 * @example
 * ```ts
 * const store = storeForAccount(opened.forProvider(config), { account: 'ada', bare: false });
 * ```
 */
export function storeForAccount(store: TokenStore, slot: AccountSlot): TokenStore {
  const key = (strategyKey: string) => slotKey(strategyKey, slot);
  return withPassthroughs(store, {
    get: (k) => store.get(key(k)),
    set: (k, credentials) => store.set(key(k), credentials),
    delete: (k) => store.delete(key(k)),
    lock: (k, fn) => store.lock(key(k), fn),
  });
}

/** The login store's record of where it stored the new credentials. */
export interface LoginTarget {
  /** Whether the login stored credentials. */
  stored: boolean;
  /** The account the login stored (undefined when the answer named nobody: the bare key). */
  account: string | undefined;
}

/**
 * `store` for a login: nothing is read (a login starts afresh), and what the login stores goes to
 * the account `requested` names, else the one the provider's answer names (screen_name,
 * preferred_username, username, sub), else the bare key (an answer naming nobody, as before
 * accounts). A bare entry holding the same identity is removed once its account is stored by name.
 *
 * @example
 * ```ts
 * const target: LoginTarget = { stored: false, account: undefined };
 * const store = loginStore(providerStore, slots, options.account, target);
 * ```
 */
export function loginStore(
  store: TokenStore,
  slots: readonly AccountSlot[],
  requested: string | undefined,
  target: LoginTarget,
): TokenStore {
  const place = (credentials: Credentials) => requested ?? identityOf(credentials);
  return withPassthroughs(store, {
    get: async () => undefined,
    async set(k, credentials) {
      const account = place(credentials);
      Object.assign(target, { stored: true, account });
      if (account === undefined) return store.set(k, credentials);
      await store.set(accountKey(k, account), credentials);
      if (slots.some((slot) => slot.bare && slot.account === account)) await store.delete(k);
    },
    delete: async (k) => {
      if (requested !== undefined) await store.delete(accountKey(k, requested));
    },
    lock: (k, fn) => store.lock(requested === undefined ? k : accountKey(k, requested), fn),
  });
}
