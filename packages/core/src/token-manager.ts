import { tokenIdentity, type Credentials } from './credentials.js';
import { isFresh } from './expiry.js';
import { TokensmithError } from './errors.js';
import type { GetTokenOptions } from './provider.js';
import { MemoryStore, type TokenStore } from './token-store.js';
import { abortable } from './signals.js';

/**
 * How a {@link TokenManager} obtains a token without a person: request one (client credentials)
 * or refresh `current`, what the store holds (possibly expired or rejected). It runs under the
 * store's lock. Resolve `undefined` when it cannot (no refresh token): the manager then runs the
 * interactive flow, if there is one, outside the lock. `drop()` forgets the stored token (a refresh
 * token the server no longer accepts) without taking the lock again.
 */
export type ObtainToken<C extends Credentials> = (context: { current: C | undefined; drop: () => Promise<void> }) => Promise<C | undefined>;

/** Whether a flow's failure is its signal's abort (however the flow reported it). */
function isAbortFailure(error: unknown, signal: AbortSignal): boolean {
  if (error === signal.reason) return true;
  if (error instanceof TokensmithError) return error.code === 'aborted' || error.code === 'timeout';
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/**
 * An interactive flow (a person approves): it runs outside every lock, once however many callers
 * wait, and its result is stored with {@link TokenManager.replace}.
 */
export type InteractiveFlow<C extends Credentials> = (context: { signal?: AbortSignal }) => Promise<C>;

/**
 * Options of {@link createTokenManager}.
 */
export interface TokenManagerOptions<C extends Credentials> {
  /** The store key (see `tokenKey`). */
  key: string;
  /** Obtains a token without a person (under the store lock). Omit for purely interactive strategies. */
  obtain?: ObtainToken<C>;
  /** The flow `get()` falls back to when nothing usable is stored and `obtain` cannot help. */
  interactive?: InteractiveFlow<C>;
  /** What to tell a caller when no token can be had without a person and there is no `interactive`. */
  loginHint?: string;
  /**
   * Called when a login's credentials could not be stored: revoke them at the provider where it
   * can (RFC 7009), so a person who approved a login whose tokens cannot be kept leaves no live,
   * unrevoked token behind. Resolve `true` when every issued token was revoked, `false` when the
   * provider cannot revoke (or it failed). The store's error is then thrown, saying which.
   */
  discardUnstored?: (credentials: C) => Promise<boolean>;
  store?: TokenStore;
  /** Clock, epoch ms. Default `Date.now`. */
  now?: () => number;
  /**
   * Tokens within this many ms of expiry count as expired. Default: per token, the smaller of 30 s
   * and a tenth of its lifetime (`expirySkewMs`). Strategies pass `resolveSkewMs(options)`.
   */
  skewMs?: number | undefined;
}

/**
 * The token lifecycle every strategy shares, and the only code that writes the store: an
 * in-memory hit costs no I/O; a miss reads the store, then under the store's lock re-reads and
 * obtains once, however many callers are waiting. Interactive flows run outside the lock (a person
 * typing never blocks another process) and are single-flight too.
 *
 * @example
 * ```ts
 * const tokens = createTokenManager({ key, obtain: async () => ({ type: 'bearer', accessToken: await fetchIt() }) });
 * const creds = await tokens.get();
 * ```
 */
export interface TokenManager<C extends Credentials> {
  get(options?: GetTokenOptions): Promise<C>;
  /** Runs `flow` (or joins the login already running), then stores its result with `replace`. */
  login(flow: InteractiveFlow<C>, options?: { signal?: AbortSignal }): Promise<C>;
  /** Stores `credentials` under the store lock, then adopts them in memory. */
  replace(credentials: C): Promise<C>;
  /** Marks the current token as rejected; the store keeps it (and its refresh token). */
  invalidate(): Promise<void>;
  /** Forgets the token here and in the store (logout, `invalid_grant`). */
  drop(): Promise<void>;
  /** The token in memory or in the store, without obtaining one. */
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
  const { key, obtain, interactive } = options;
  const store = options.store ?? new MemoryStore();
  const now = options.now ?? Date.now;
  const skewMs = options.skewMs;

  let cached: C | undefined;
  let rejected: string | undefined;
  /** A forced refresh asked for before anything was cached: reject whatever the store holds. */
  let rejectStored = false;
  let inflight: Promise<C> | undefined;
  /** The interactive flow in progress, and the signal of the caller that started it. */
  let loginInflight: { promise: Promise<C>; signal: AbortSignal | undefined } | undefined;

  const usable = (credentials: Credentials | undefined): credentials is C =>
    credentials !== undefined && isFresh(credentials, now(), skewMs) && tokenIdentity(credentials) !== rejected;

  const adopt = (credentials: C): C => {
    cached = credentials;
    rejected = undefined;
    return credentials;
  };

  const replace = async (credentials: C): Promise<C> => {
    // Adopt before storing: with single-use refresh tokens the old ones are spent, so a store
    // failure must not also lose the new token. The caller still hears about the failure.
    adopt(credentials);
    await store.lock(key, () => store.set(key, credentials));
    return credentials;
  };

  // A login's tokens that cannot be stored are not kept in memory either (the command fails): they
  // are revoked where the provider can, and the store's error says whether they were.
  const storeLogin = async (credentials: C): Promise<C> => {
    try {
      return await replace(credentials);
    } catch (error) {
      if (cached === credentials) cached = undefined;
      const revoked = options.discardUnstored ? await options.discardUnstored(credentials).catch(() => false) : false;
      const note = revoked
        ? 'the tokens this login was issued have been revoked at the provider'
        : 'the tokens this login was issued could not be revoked (the provider offers no revocation, or it failed); they expire on their own';
      if (error instanceof TokensmithError) throw new TokensmithError(error.code, `${error.message}; ${note}`, { cause: error });
      throw error;
    }
  };

  const startLogin = (flow: InteractiveFlow<C>, signal: AbortSignal | undefined) => {
    const entry = {
      signal,
      promise: Promise.resolve()
        .then(() => flow(signal ? { signal } : {}))
        .then(storeLogin)
        .finally(() => {
          if (loginInflight === entry) loginInflight = undefined;
        }),
    };
    return entry;
  };

  // Single-flight: a caller joins the flow in progress. That flow runs under the signal of the
  // caller who started it; when that caller gives up, the others did not: each of them whose own
  // signal is not aborted starts (or joins) a fresh flow instead of failing with the other's abort.
  const login = async (flow: InteractiveFlow<C>, loginOptions?: { signal?: AbortSignal }): Promise<C> => {
    const signal = loginOptions?.signal;
    for (;;) {
      const shared = (loginInflight ??= startLogin(flow, signal));
      try {
        return await abortable(shared.promise, signal);
      } catch (error) {
        const starter = shared.signal;
        const abortedByStarter = starter !== undefined && starter !== signal && starter.aborted && isAbortFailure(error, starter);
        if (!abortedByStarter || signal?.aborted) throw error;
      }
    }
  };

  const load = async (): Promise<C> => {
    const stored = (await store.get(key)) as C | undefined;
    if (rejectStored) {
      rejectStored = false;
      if (stored !== undefined) rejected = tokenIdentity(stored);
    }
    if (usable(stored)) return (cached = stored);
    const obtained = await store.lock(key, async () => {
      const current = (await store.get(key)) as C | undefined;
      if (usable(current)) return (cached = current);
      const drop = async () => {
        cached = undefined;
        await store.delete(key);
      };
      const fresh = obtain ? await obtain({ current, drop }) : undefined;
      if (fresh === undefined) return undefined;
      adopt(fresh);
      await store.set(key, fresh);
      return fresh;
    });
    if (obtained !== undefined) return obtained;
    if (interactive) return login(interactive);
    throw new TokensmithError(
      'login_required',
      options.loginHint ?? 'no usable token is stored and this provider cannot obtain one without a login',
    );
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
    login,
    replace,
    async invalidate() {
      if (cached !== undefined) rejected = tokenIdentity(cached);
      cached = undefined;
    },
    async drop() {
      cached = undefined;
      rejected = undefined;
      await store.lock(key, () => store.delete(key));
    },
    async peek() {
      return cached ?? ((await store.get(key)) as C | undefined);
    },
  };
}
