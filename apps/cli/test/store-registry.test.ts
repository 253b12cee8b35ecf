// The store registry (stores/index.ts) and the endpoint binding (stores/endpoint-binding.ts), in process.
import { MemoryStore } from '@tokensmith/core';
import { bindToEndpoints, endpointSettings } from '../src/stores/endpoint-binding.js';
import { STORE_ADAPTERS, STORE_CHOICES, storeAdapterFor } from '../src/stores/index.js';

describe('the store registry', () => {
  it.each([
    ['auto', 'auto'],
    ['keychain', 'keychain'],
    ['file', 'file'],
    ['file:/srv/tokens.json', 'file'],
    ['file:~/demo/tokens.json', 'file'],
    ['memory', 'memory'],
    ['redis://:pw@127.0.0.1:6379', 'redis'],
    ['rediss://cache:6380', 'redis'],
  ])('%s is the %s store', (setting, kind) => {
    expect(storeAdapterFor(setting)?.kind).toBe(kind);
  });

  it.each(['sqlite', 'file:tokens.json', 'ftp://x', 'Auto', ''])('%j names no store', (setting) => {
    expect(storeAdapterFor(setting)).toBeUndefined();
  });

  it('every setting matches exactly one adapter; the choices are listed from the adapters', () => {
    for (const setting of ['auto', 'keychain', 'file', 'file:/a.json', 'memory', 'redis://h'])
      expect(STORE_ADAPTERS.filter((adapter) => adapter.matches(setting))).toHaveLength(1);
    for (const adapter of STORE_ADAPTERS) expect(STORE_CHOICES).toContain(adapter.choice);
  });
});

describe('stored tokens bound to a provider endpoints', () => {
  const provider = {
    strategy: 'authorization-code',
    issuer: 'https://auth.example.com',
    clientId: 'app',
    revocationUrl: 'https://auth.example.com/revoke',
    redirectUri: 'http://127.0.0.1/callback',
    scopes: ['read'],
    timeline: { url: 'https://api.example.com/timeline', format: 'twitter-v1' },
  };
  const token = { type: 'bearer' as const, accessToken: 'at' };

  it('collects every URL-valued setting at any depth, and nothing else', () => {
    expect(endpointSettings(provider)).toEqual([
      'issuer="https://auth.example.com"',
      'redirectUri="http://127.0.0.1/callback"',
      'revocationUrl="https://auth.example.com/revoke"',
      'timeline.url="https://api.example.com/timeline"',
    ]);
    expect(endpointSettings({ api: { baseUrl: 'https://a', allowedOrigins: ['https://b'] } })).toEqual([
      'api.allowedOrigins=["https://b"]',
      'api.baseUrl="https://a"',
    ]);
  });

  it.each([
    ['timeline.url', { ...provider, timeline: { ...provider.timeline, url: 'https://evil.example/t' } }],
    ['revocationUrl', { ...provider, revocationUrl: 'https://evil.example/revoke' }],
    ['issuer', { ...provider, issuer: 'https://evil.example' }],
    ['a new tokenUrl', { ...provider, tokenUrl: 'https://evil.example/token' }],
  ])('a config differing in %s sees no stored token', async (_name, other) => {
    const store = new MemoryStore();
    await bindToEndpoints(store, provider).set('k', token);
    expect(await bindToEndpoints(store, provider).get('k')).toEqual(token);
    expect(await bindToEndpoints(store, other).get('k')).toBeUndefined();
    expect(await bindToEndpoints(store, other).entries?.()).toEqual([]);
  });

  it('entries() lists the provider own entries under the keys it used; delete and lock use the bound key', async () => {
    const store = new MemoryStore();
    const bound = bindToEndpoints(store, provider);
    await bound.set('k', token);
    await store.set('unbound-legacy-key', token);
    expect(await bound.entries?.()).toEqual([{ key: 'k', credentials: token }]);
    expect(await store.get('k')).toBeUndefined(); // never under the bare key
    expect(await bound.lock('k', async () => bound.get('k'))).toEqual(token);
    await bound.delete('k');
    expect(await bound.get('k')).toBeUndefined();
    expect(await store.get('unbound-legacy-key')).toEqual(token);
  });
});
