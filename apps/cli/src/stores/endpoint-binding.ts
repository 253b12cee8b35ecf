import { createHash } from 'node:crypto';
import type { TokenStore } from '@tokensmith/core';

// Why: a stored token's key covers the token endpoint and the client, not every place the CLI may
// send the token. A repository's config naming the same public client with its own `timeline.url`
// or `revocationUrl` would otherwise get the user's stored token sent there. So each provider sees
// the store through keys that also cover a digest of every URL-valued setting it has. Tokens stored
// before this binding existed have keys without it and are simply not found: the person logs in once more.

/** Setting names whose values are endpoints a token may be sent to (collected at any depth). */
const ENDPOINT_SETTING = /(Url|Uri|^url|^issuer|^baseUrl|^allowedOrigins)$/;

/** Separates a token key from its endpoint digest; never produced by core's `tokenKey`. */
const BINDING_MARK = '#endpoints:';

/**
 * Every endpoint-valued setting of a provider, as sorted `path=value` lines: keys ending in `Url`
 * or `Uri`, `url` (as in `timeline.url`), `issuer`, `baseUrl`, `allowedOrigins`, at any depth, so
 * a new strategy's URLs are covered without an edit here.
 *
 * @example
 * ```ts
 * endpointSettings({ tokenUrl: 'https://a/token', timeline: { url: 'https://a/t' }, clientId: 'x' });
 * // ['timeline.url="https://a/t"', 'tokenUrl="https://a/token"']
 * ```
 */
export function endpointSettings(settings: object): string[] {
  const found: string[] = [];
  const visit = (value: unknown, path: string, name: string) => {
    if (ENDPOINT_SETTING.test(name) && value !== undefined) found.push(`${path}=${JSON.stringify(value)}`);
    else if (typeof value === 'object' && value !== null && !Array.isArray(value))
      for (const [key, inner] of Object.entries(value)) visit(inner, path === '' ? key : `${path}.${key}`, key);
  };
  visit(settings, '', '');
  return found.sort();
}

/**
 * The digest a provider's keys are bound with: SHA-256 (128 bits, hex) of {@link endpointSettings}.
 *
 * @example
 * ```ts
 * endpointDigest({ tokenUrl: 'https://a/token' }) === endpointDigest({ tokenUrl: 'https://b/token' }); // false
 * ```
 */
export function endpointDigest(settings: object): string {
  return createHash('sha256')
    .update(JSON.stringify(endpointSettings(settings)), 'utf8')
    .digest('hex')
    .slice(0, 32);
}

/**
 * `store` as one provider sees it: every key gets the digest of the provider's endpoint settings,
 * so a config that differs in any endpoint (token, revocation, timeline, issuer, ...) sees no
 * stored token of another. `entries()` lists only this provider's bound entries, under the keys
 * the provider used.
 *
 * @example
 * ```ts
 * const store = bindToEndpoints(opened.store, providerSettings);
 * await store.set(key, credentials); // stored under `${key}#endpoints:<digest>`
 * ```
 */
export function bindToEndpoints(store: TokenStore, settings: object): TokenStore {
  const suffix = `${BINDING_MARK}${endpointDigest(settings)}`;
  const bound = (key: string) => `${key}${suffix}`;
  return bindWith(store, suffix, bound);
}

/**
 * The key a provider's `key` is stored under in the unbound store (what {@link bindToEndpoints}
 * writes), for a reader that lists the whole store once and looks each provider up.
 *
 * @example
 * ```ts
 * const credentials = allEntries.get(boundKey(await adapter.storeKey(config), config));
 * ```
 */
export function boundKey(key: string, settings: object): string {
  return `${key}${BINDING_MARK}${endpointDigest(settings)}`;
}

function bindWith(store: TokenStore, suffix: string, bound: (key: string) => string): TokenStore {
  const wrapped: TokenStore = {
    get: (key) => store.get(bound(key)),
    set: (key, credentials) => store.set(bound(key), credentials),
    delete: (key) => store.delete(bound(key)),
    lock: (key, fn) => store.lock(bound(key), fn),
  };
  if (store.entries) {
    const list = () => (store.entries as NonNullable<TokenStore['entries']>).call(store);
    wrapped.entries = async () =>
      (await list())
        .filter((entry) => entry.key.endsWith(suffix))
        .map((entry) => ({ key: entry.key.slice(0, -suffix.length), credentials: entry.credentials }));
  }
  if (store.reset) wrapped.reset = () => (store.reset as NonNullable<TokenStore['reset']>).call(store);
  if (store.close) wrapped.close = () => (store.close as NonNullable<TokenStore['close']>).call(store);
  return wrapped;
}
