import { DEFAULT_EXPIRY_SKEW_MS, isFresh, tokenIdentity, type Credentials } from './credentials.js';
import type { GetTokenOptions } from './provider.js';
import { MemoryStore, type TokenStore } from './token-store.js';
import { abortable } from './signals.js';

/**
 * How a {@link TokenManager} obtains a token: `current` is what the store holds (possibly
 * expired or rejected, e.g. to use its refresh token).
 */
export type ObtainToken<C extends Credentials> = (context: { current: C | undefined }) => Promise<C>;

/**
 * Options of {@link createTokenManager}.
 */
export interface TokenManagerOptions<C extends Credentials> {
  /** The store key (see `tokenKey`). */
  key: string;
  obtain: ObtainToken<C>;
  store?: TokenStore;
  /** Clock, epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Tokens within this many ms of expiry count as expired. Default 30 s. */
  skewMs?: number;
}

/**
 * The cache every strategy shares: an in-memory hit costs no I/O; a miss reads the store, then
 * under the store's lock re-reads and obtains once, however many callers are waiting.
 *
 * @example
 * ```ts
 * const tokens = createTokenManager({ key, obtain: async () => requestToken() });
 * const creds = await tokens.get();
 * ```
 */
export interface TokenManager<C extends Credentials> {
  get(options?: GetTokenOptions): Promise<C>;
  /** Marks the current token as rejected; the store keeps it (and its refresh token). */
  invalidate(): Promise<void>;
  /** Forgets the token here and in the store (logout). */
  clear(): Promise<void>;
  /** The token in the store, without obtaining one. */
  peek(): Promise<C | undefined>;
}

/**
 * Creates a {@link TokenManager}.
 *
 * @example
 * ```ts
 * const tokens = createTokenManager<BearerCredentials>({
 *   key: tokenKey({ tokenUrl, clientId }),
 *   obtain: async () => ({ type: 'bearer', accessToken: await fetchIt() }),
 * });
 * ```
 */
export function createTokenManager<C extends Credentials>(options: TokenManagerOptions<C>): TokenManager<C> {
  const { key, obtain } = options;
  const store = options.store ?? new MemoryStore();
  const now = options.now ?? Date.now;
  const skewMs = options.skewMs ?? DEFAULT_EXPIRY_SKEW_MS;

  let cached: C | undefined;
  let rejected: string | undefined;
  /** A forced refresh asked for before anything was cached: reject whatever the store holds. */
  let rejectStored = false;
  let inflight: Promise<C> | undefined;

  const usable = (credentials: Credentials | undefined): credentials is C =>
    credentials !== undefined && isFresh(credentials, now(), skewMs) && tokenIdentity(credentials) !== rejected;

  const remember = (credentials: C): C => {
    cached = credentials;
    return credentials;
  };

  const load = async (): Promise<C> => {
    const stored = (await store.get(key)) as C | undefined;
    if (rejectStored) {
      rejectStored = false;
      if (stored !== undefined) rejected = tokenIdentity(stored);
    }
    if (usable(stored)) return remember(stored);
    return store.lock(key, async () => {
      const current = (await store.get(key)) as C | undefined;
      if (usable(current)) return remember(current);
      const fresh = await obtain({ current });
      rejected = undefined;
      // Remember before storing: with single-use refresh tokens the old ones are spent, so a store
      // failure must not also lose the new token. The caller still hears about the failure.
      remember(fresh);
      await store.set(key, fresh);
      return fresh;
    });
  };

  return {
    get(getOptions) {
      if (cached !== undefined && !getOptions?.forceRefresh && usable(cached)) return Promise.resolve(cached);
      if (getOptions?.forceRefresh) {
        if (cached !== undefined) rejected = tokenIdentity(cached);
        else rejectStored = true;
      }
      cached = undefined;
      inflight ??= load().finally(() => {
        inflight = undefined;
      });
      return abortable(inflight, getOptions?.signal);
    },
    async invalidate() {
      if (cached !== undefined) rejected = tokenIdentity(cached);
      cached = undefined;
    },
    async clear() {
      cached = undefined;
      rejected = undefined;
      await store.lock(key, () => store.delete(key));
    },
    async peek() {
      return cached ?? ((await store.get(key)) as C | undefined);
    },
  };
}
