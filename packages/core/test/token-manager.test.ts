import { jest } from '@jest/globals';
import { TokensmithError } from '../src/errors.js';
import { createTokenManager, MemoryStore, type BearerCredentials, type TokenStore, type Credentials } from '../src/kit.js';

function countingStore(): TokenStore & { calls: { get: number; set: number; lock: number } } {
  const inner = new MemoryStore();
  const calls = { get: 0, set: 0, lock: 0 };
  return {
    calls,
    get: (key) => {
      calls.get++;
      return inner.get(key);
    },
    set: (key, value) => {
      calls.set++;
      return inner.set(key, value);
    },
    delete: (key) => inner.delete(key),
    lock: (key, fn) => {
      calls.lock++;
      return inner.lock(key, fn);
    },
  };
}

const bearer = (accessToken: string, extra: Partial<BearerCredentials> = {}): BearerCredentials => ({
  type: 'bearer',
  accessToken,
  ...extra,
});

describe('createTokenManager', () => {
  it('makes exactly one token request for 1,000 concurrent cold callers', async () => {
    let requests = 0;
    const tokens = createTokenManager({
      key: 'k',
      obtain: async () => {
        requests++;
        return bearer(`t${requests}`);
      },
    });
    const results = await Promise.all(Array.from({ length: 1000 }, () => tokens.get()));
    expect(requests).toBe(1);
    expect(new Set(results.map((r) => r.type === 'bearer' && r.accessToken))).toEqual(new Set(['t1']));
  });

  it('serves a cached hit without touching the store', async () => {
    const store = countingStore();
    const tokens = createTokenManager({ key: 'k', store, obtain: async () => bearer('t') });
    await tokens.get();
    const before = { ...store.calls };
    for (let i = 0; i < 100; i++) await tokens.get();
    expect(store.calls).toEqual(before);
  });

  it('renews inside the skew window using the injected clock', async () => {
    let clock = 1_000_000;
    let n = 0;
    const tokens = createTokenManager({
      key: 'k',
      now: () => clock,
      skewMs: 30_000,
      obtain: async () => bearer(`t${++n}`, { expiresAt: clock + 60_000 }),
    });
    expect(await tokens.get()).toMatchObject({ accessToken: 't1' });
    clock += 29_000;
    expect(await tokens.get()).toMatchObject({ accessToken: 't1' });
    clock += 2_000; // now 31 s into a 60 s token: within 30 s of expiry
    expect(await tokens.get()).toMatchObject({ accessToken: 't2' });
  });

  it('keeps a token without expiresAt until it is invalidated', async () => {
    let clock = 0;
    let n = 0;
    const tokens = createTokenManager({ key: 'k', now: () => clock, obtain: async () => bearer(`t${++n}`) });
    await tokens.get();
    clock += 365 * 24 * 3600_000;
    expect((await tokens.get()).accessToken).toBe('t1');
    await tokens.invalidate();
    expect((await tokens.get()).accessToken).toBe('t2');
    expect(n).toBe(2);
  });

  it('hands obtain() the stored token on refresh, and forceRefresh replaces it', async () => {
    const seen: Array<Credentials | undefined> = [];
    let n = 0;
    const tokens = createTokenManager<BearerCredentials>({
      key: 'k',
      obtain: async ({ current }) => {
        seen.push(current);
        n++;
        return bearer(`t${n}`, { refreshToken: `r${n}` });
      },
    });
    await tokens.get();
    const second = await tokens.get({ forceRefresh: true });
    expect(second.accessToken).toBe('t2');
    expect(seen).toEqual([undefined, bearer('t1', { refreshToken: 'r1' })]);
  });

  it('picks up a token another process stored instead of refreshing again', async () => {
    const store = new MemoryStore();
    let n = 0;
    const a = createTokenManager<BearerCredentials>({ key: 'k', store, obtain: async () => bearer(`a${++n}`) });
    const b = createTokenManager<BearerCredentials>({ key: 'k', store, obtain: async () => bearer(`b${++n}`) });
    await a.get();
    await a.invalidate();
    await b.invalidate();
    await store.set('k', bearer('from-elsewhere'));
    expect((await a.get()).accessToken).toBe('from-elsewhere');
    expect(n).toBe(1);
  });

  it('lets one caller stop waiting without failing the shared request', async () => {
    let release!: (c: BearerCredentials) => void;
    const tokens = createTokenManager<BearerCredentials>({
      key: 'k',
      obtain: () =>
        new Promise((r) => {
          release = r;
        }),
    });
    const controller = new AbortController();
    const impatient = tokens.get({ signal: controller.signal });
    const patient = tokens.get();
    controller.abort();
    await expect(impatient).rejects.toMatchObject({ code: 'aborted' });
    await Promise.resolve();
    release(bearer('t'));
    await expect(patient).resolves.toMatchObject({ accessToken: 't' });
  });

  it('does not cache a failure: the next call tries again', async () => {
    const obtain = jest.fn<() => Promise<BearerCredentials>>().mockRejectedValueOnce(new Error('down')).mockResolvedValueOnce(bearer('t'));
    const tokens = createTokenManager({ key: 'k', obtain });
    await expect(tokens.get()).rejects.toThrow('down');
    await expect(tokens.get()).resolves.toMatchObject({ accessToken: 't' });
  });

  it('drop() forgets the token in the store too', async () => {
    const store = new MemoryStore();
    const tokens = createTokenManager({ key: 'k', store, obtain: async () => bearer('t') });
    await tokens.get();
    await tokens.drop();
    expect(await store.get('k')).toBeUndefined();
    expect(await tokens.peek()).toBeUndefined();
  });
});

describe('createTokenManager edge cases', () => {
  it('forceRefresh as the first call refreshes the stored token instead of returning it', async () => {
    const store = new MemoryStore();
    await store.set('k', bearer('stored', { refreshToken: 'r0' }));
    const seen: Array<string | undefined> = [];
    const tokens = createTokenManager<BearerCredentials>({
      key: 'k',
      store,
      obtain: async ({ current }) => {
        seen.push(current?.refreshToken);
        return bearer('fresh');
      },
    });
    expect((await tokens.get({ forceRefresh: true })).accessToken).toBe('fresh');
    expect(seen).toEqual(['r0']);
  });

  it('keeps a freshly obtained token in memory when the store fails to save it, and reports the failure', async () => {
    const inner = new MemoryStore();
    const store: TokenStore = {
      ...inner,
      get: (k) => inner.get(k),
      delete: (k) => inner.delete(k),
      lock: (k, fn) => inner.lock(k, fn),
      set: async () => {
        throw new Error('disk full');
      },
    };
    let n = 0;
    const tokens = createTokenManager<BearerCredentials>({ key: 'k', store, obtain: async () => bearer(`t${++n}`) });
    await expect(tokens.get()).rejects.toThrow('disk full');
    expect((await tokens.get()).accessToken).toBe('t1');
    expect(n).toBe(1);
  });
});

describe('createTokenManager: a shared interactive flow whose starter gives up', () => {
  /** An injected flow: each run is recorded, waits for its signal or for `approve(n)`. */
  function interactiveFlows() {
    const runs: Array<{ signal: AbortSignal | undefined; approve: (token: string) => void }> = [];
    const started: Array<() => void> = [];
    const flow = ({ signal }: { signal?: AbortSignal }) =>
      new Promise<BearerCredentials>((resolve, reject) => {
        runs.push({ signal, approve: (token) => resolve(bearer(token)) });
        signal?.addEventListener('abort', () => reject(Object.assign(new Error('login was aborted'), { name: 'AbortError' })), {
          once: true,
        });
        started.shift()?.();
      });
    /** Resolves when the next run starts (or at once when `count` runs already have). */
    const runsStarted = (count: number) =>
      runs.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => started.push(() => (runs.length >= count ? resolve() : undefined)));
    return { runs, flow, runsStarted };
  }

  it('login(): a joiner whose own signal is live gets a fresh flow, not the starter’s abort', async () => {
    const { runs, flow, runsStarted } = interactiveFlows();
    const tokens = createTokenManager<BearerCredentials>({ key: 'k' });
    const starter = new AbortController();
    const first = tokens.login(flow, { signal: starter.signal });
    await runsStarted(1);
    const joiner = new AbortController();
    const second = tokens.login(flow, { signal: joiner.signal });
    starter.abort();
    await expect(first).rejects.toMatchObject({ code: 'aborted' });
    // Raced with the joiner, so that a joiner failing with the starter's abort fails the test at once.
    await Promise.race([runsStarted(2), second]);
    expect(runs).toHaveLength(2);
    expect(runs[1]!.signal).toBe(joiner.signal);
    runs[1]!.approve('fresh');
    await expect(second).resolves.toEqual(bearer('fresh'));
    expect(await tokens.peek()).toEqual(bearer('fresh'));
  });

  it('get(): a caller waiting on a login whose starter aborts gets the interactive fallback', async () => {
    const { runs, flow, runsStarted } = interactiveFlows();
    const inner = new MemoryStore();
    let lockDone!: () => void;
    const lockReturned = new Promise<void>((resolve) => (lockDone = resolve));
    const store: TokenStore = {
      get: (key) => inner.get(key),
      set: (key, value) => inner.set(key, value),
      delete: (key) => inner.delete(key),
      lock: (key, fn) => inner.lock(key, fn).finally(lockDone),
    };
    const tokens = createTokenManager<BearerCredentials>({ key: 'k', interactive: flow, store });
    const starter = new AbortController();
    const login = tokens.login(flow, { signal: starter.signal });
    await runsStarted(1);
    const get = tokens.get();
    // get() joins the shared flow right after its store lock (found nothing, no obtain): once the
    // lock returned and pending callbacks ran, it is waiting on the starter's flow.
    await lockReturned;
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toHaveLength(1);
    starter.abort();
    await expect(login).rejects.toMatchObject({ code: 'aborted' });
    await Promise.race([runsStarted(2), get]);
    runs[1]!.approve('for get');
    await expect(get).resolves.toEqual(bearer('for get'));
  });

  it('joiners share one fresh flow, and a joiner that aborted itself still fails', async () => {
    const { runs, flow, runsStarted } = interactiveFlows();
    const tokens = createTokenManager<BearerCredentials>({ key: 'k' });
    const starter = new AbortController();
    const first = tokens.login(flow, { signal: starter.signal });
    await runsStarted(1);
    const quitter = new AbortController();
    const quitting = tokens.login(flow, { signal: quitter.signal }).catch((error: unknown) => error);
    const patient = [tokens.login(flow), tokens.login(flow)];
    quitter.abort();
    starter.abort();
    await expect(first).rejects.toMatchObject({ code: 'aborted' });
    expect(await quitting).toMatchObject({ code: 'aborted' });
    await Promise.race([runsStarted(2), ...patient]);
    runs[1]!.approve('shared');
    await expect(Promise.all(patient)).resolves.toEqual([bearer('shared'), bearer('shared')]);
    expect(runs).toHaveLength(2);
  });

  it('a failure that is not the starter’s abort reaches every joiner, with no second flow', async () => {
    const tokens = createTokenManager<BearerCredentials>({ key: 'k' });
    let runs = 0;
    const denied = async () => {
      runs++;
      throw new Error('the user denied access');
    };
    const starter = new AbortController();
    const both = [tokens.login(denied, { signal: starter.signal }), tokens.login(denied)];
    await expect(Promise.allSettled(both)).resolves.toMatchObject([
      { status: 'rejected', reason: { message: 'the user denied access' } },
      { status: 'rejected', reason: { message: 'the user denied access' } },
    ]);
    expect(runs).toBe(1);
  });
});

describe('a login whose tokens cannot be stored', () => {
  const failingStore = (): TokenStore => {
    const inner = new MemoryStore();
    return {
      get: (key) => inner.get(key),
      set: async () => {
        throw new TokensmithError('store_unavailable', 'no OS keychain: the keychain is locked');
      },
      delete: (key) => inner.delete(key),
      lock: (key, fn) => inner.lock(key, fn),
    };
  };

  it('revokes what was issued through discardUnstored, says so, and keeps nothing in memory', async () => {
    const discarded: Credentials[] = [];
    const tokens = createTokenManager<BearerCredentials>({
      key: 'k',
      store: failingStore(),
      discardUnstored: async (credentials) => {
        discarded.push(credentials);
        return true;
      },
    });
    await expect(tokens.login(async () => bearer('issued', { refreshToken: 'rt' }))).rejects.toMatchObject({
      code: 'store_unavailable',
      message: 'no OS keychain: the keychain is locked; the tokens this login was issued have been revoked at the provider',
    });
    expect(discarded).toEqual([bearer('issued', { refreshToken: 'rt' })]);
    expect(await tokens.peek()).toBeUndefined();
  });

  it('says when the provider could not revoke them (no discardUnstored, or it failed)', async () => {
    for (const discardUnstored of [undefined, async () => false, async () => Promise.reject(new Error('network down'))]) {
      const tokens = createTokenManager<BearerCredentials>({
        key: 'k',
        store: failingStore(),
        ...(discardUnstored ? { discardUnstored } : {}),
      });
      const failure = (await tokens.login(async () => bearer('issued')).catch((error: unknown) => error)) as Error;
      expect(failure.message).toMatch(/; the tokens this login was issued could not be revoked \(/);
    }
  });
});
