import {
  MemoryStore,
  TOKEN_KEY_PREFIX,
  createTokenManager,
  expirySkewMs,
  isFresh,
  isVschar,
  requireVschar,
  resolveSkewMs,
  secretFingerprint,
  tokenKey,
  type BearerCredentials,
  type TokenIdentity,
} from '../src/kit.js';

const base: TokenIdentity = {
  strategy: 'client-credentials',
  endpoints: ['https://api.twitter.com/oauth2/token'],
  clientId: 'xvz1evFS4wEEPTGEFPHBog',
  secret: 'L8qq9PZyRg6ieKGEKhZolGC0vJWLw8iEJ88DRdyOg',
  scopes: ['read', 'write'],
};

describe('tokenKey: everything that makes credentials different', () => {
  it('is readable, versioned, stable and free of the secret', () => {
    const key = tokenKey(base);
    expect(key).toMatch(/^v2:client-credentials:xvz1evFS4wEEPTGEFPHBog@api\.twitter\.com:[0-9a-f]{32}$/);
    expect(key.startsWith(TOKEN_KEY_PREFIX)).toBe(true);
    expect(key).not.toContain(base.secret);
    expect(key).not.toContain(secretFingerprint(base.secret!));
    // A fixed value: the key must be the same in every process and every release.
    expect(tokenKey(base)).toBe(key);
    expect(key).toBe('v2:client-credentials:xvz1evFS4wEEPTGEFPHBog@api.twitter.com:f5418742fbb4b7f9b6b73f33d7a172a7');
  });

  it.each<[string, Partial<TokenIdentity>]>([
    ['another secret', { secret: 'wrong-secret' }],
    ['no secret', { secret: undefined }],
    ['another client id', { clientId: 'other' }],
    ['another token endpoint', { endpoints: ['https://api.twitter.com/oauth2/token2'] }],
    ['another endpoint list', { endpoints: ['https://api.twitter.com/oauth2/token', 'https://issuer.example'] }],
    ['narrower scopes', { scopes: ['read'] }],
    ['a resource', { resource: 'https://api.example.com' }],
    ['an audience', { audience: 'https://api.example.com' }],
    ['a user', { user: 'alice' }],
    ['another strategy', { strategy: 'authorization-code' }],
  ])('changes with %s', (_why, change) => {
    expect(tokenKey({ ...base, ...change })).not.toBe(tokenKey(base));
  });

  it('ignores scope order, duplicates and the array/string form, and URL spelling', () => {
    expect(tokenKey({ ...base, scopes: 'write read read' })).toBe(tokenKey(base));
    expect(tokenKey({ ...base, endpoints: ['HTTPS://API.twitter.com:443/oauth2/token'] })).toBe(tokenKey(base));
    expect(tokenKey({ ...base, resource: ['b', 'a'] })).toBe(tokenKey({ ...base, resource: ['a', 'b'] }));
  });

  it('fingerprints a secret with a salted HMAC: equal for equal secrets, never the plain SHA-256', async () => {
    const { createHash } = await import('node:crypto');
    expect(secretFingerprint('s')).toBe(secretFingerprint('s'));
    expect(secretFingerprint('s')).not.toBe(secretFingerprint('t'));
    expect(createHash('sha256').update('s').digest('hex')).not.toContain(secretFingerprint('s'));
  });

  it('keeps the deprecated { tokenUrl, clientId } shape giving the old key', () => {
    expect(tokenKey({ tokenUrl: 'https://a.example/token', clientId: 'c' })).toBe('https://a.example/token#c#');
  });

  it('serves no token stored under the right secret to a config with a wrong one', async () => {
    const store = new MemoryStore();
    const right = createTokenManager<BearerCredentials>({
      key: tokenKey(base),
      store,
      obtain: async () => ({ type: 'bearer', accessToken: 'RIGHT' }),
    });
    await right.get();
    let asked = 0;
    const wrong = createTokenManager<BearerCredentials>({
      key: tokenKey({ ...base, secret: 'wrong' }),
      store,
      obtain: async () => {
        asked++;
        return undefined;
      },
    });
    await expect(wrong.get()).rejects.toMatchObject({ code: 'login_required' });
    expect(asked).toBe(1);
  });

  it('ignores an old-format entry in the same store', async () => {
    const store = new MemoryStore();
    await store.set(tokenKey({ tokenUrl: 'https://api.twitter.com/oauth2/token', clientId: base.clientId }), {
      type: 'bearer',
      accessToken: 'OLD',
    });
    const tokens = createTokenManager<BearerCredentials>({
      key: tokenKey(base),
      store,
      obtain: async () => ({ type: 'bearer', accessToken: 'NEW' }),
    });
    await expect(tokens.get()).resolves.toMatchObject({ accessToken: 'NEW' });
  });
});

describe('expiry skew: min(30 s, a tenth of the lifetime)', () => {
  const token = (lifetimeMs: number): BearerCredentials => ({
    type: 'bearer',
    accessToken: 't',
    obtainedAt: 1_000_000,
    expiresAt: 1_000_000 + lifetimeMs,
  });
  it('sizes the skew from the lifetime', () => {
    expect(expirySkewMs(token(10_000))).toBe(1_000);
    expect(expirySkewMs(token(3_600_000))).toBe(30_000);
    expect(expirySkewMs({ type: 'bearer', accessToken: 't', expiresAt: 5 })).toBe(30_000); // stored before obtainedAt existed
    expect(expirySkewMs(token(10_000), 0)).toBe(0);
  });

  it('uses a 10 s token for 9 s instead of renewing it on every call', async () => {
    let clock = 0;
    let issued = 0;
    const tokens = createTokenManager<BearerCredentials>({
      key: 'k',
      now: () => clock,
      obtain: async () => {
        issued++;
        return { type: 'bearer', accessToken: `t${issued}`, obtainedAt: clock, expiresAt: clock + 10_000 };
      },
    });
    for (clock = 0; clock < 9_000; clock += 1_000) await tokens.get();
    expect(issued).toBe(1);
    clock = 9_000;
    await tokens.get();
    expect(issued).toBe(2);
  });

  it('honours refreshSkewSeconds and validates it', () => {
    expect(resolveSkewMs({})).toBeUndefined();
    expect(resolveSkewMs({ refreshSkewSeconds: 0 })).toBe(0);
    expect(resolveSkewMs({ refreshSkewSeconds: 2.5 })).toBe(2_500);
    for (const bad of [-1, Number.NaN, Infinity, 86_401, '5']) {
      expect(() => resolveSkewMs({ refreshSkewSeconds: bad as number })).toThrow(
        'refreshSkewSeconds must be a number of seconds from 0 to 86400',
      );
    }
  });

  it('treats a non-finite or non-number expiresAt (a corrupt entry) as expired, never fresh forever', () => {
    for (const expiresAt of [Infinity, Number.NaN, null, '9999999999999']) {
      expect(isFresh({ type: 'bearer', accessToken: 't', expiresAt } as unknown as BearerCredentials, 0)).toBe(false);
    }
  });

  it('replaces a stored entry with expiresAt null (Infinity after JSON) instead of failing', async () => {
    const store = new MemoryStore();
    await store.set('k', { type: 'bearer', accessToken: 'BAD', expiresAt: null } as unknown as BearerCredentials);
    const tokens = createTokenManager<BearerCredentials>({
      key: 'k',
      store,
      obtain: async () => ({ type: 'bearer', accessToken: 'GOOD' }),
    });
    await expect(tokens.get()).resolves.toMatchObject({ accessToken: 'GOOD' });
    await expect(store.get('k')).resolves.toMatchObject({ accessToken: 'GOOD' });
  });
});

describe('VSCHAR', () => {
  it('accepts printable ASCII and refuses control characters and non-ASCII, naming the field only', () => {
    expect(isVschar('a b~!')).toBe(true);
    expect(isVschar('')).toBe(false);
    expect(isVschar('a\nb')).toBe(false);
    expect(isVschar('é')).toBe(false);
    expect(() => requireVschar('SECRET\r\n', 'clientSecret')).toThrow(/^clientSecret must be printable ASCII/);
    expect(() => requireVschar('SECRET\r\n', 'clientSecret')).not.toThrow(/SECRET\r/);
  });
});
