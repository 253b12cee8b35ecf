import { TokensmithError } from '@tokensmith/core/kit';
import type { ProviderConfig } from '../config/schema.js';
import { STRATEGIES, STRATEGIES_BY_NAME, strategyAdapter } from '../strategies/index.js';

// `login NAME --instance HOST`: the Mastodon instance a provider logs in to, given on the command
// line. It sets the issuer of a configured authorization-code provider, or, for a name the config
// does not have, makes a one-off provider (no config entry needed: discover, register, log in).

const isLoopback = (hostname: string) => /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === '[::1]' || hostname === 'localhost';

/**
 * The origin of an instance given as `fosstodon.org`, `https://fosstodon.org` or `127.0.0.1:8787`:
 * https, or http on loopback only (a local sandbox). Throws `config_error` naming `--instance`.
 *
 * @example
 * ```ts
 * instanceOrigin('fosstodon.org'); // 'https://fosstodon.org'
 * instanceOrigin('127.0.0.1:8787'); // 'http://127.0.0.1:8787'
 * ```
 */
export function instanceOrigin(value: string): string {
  const text = value.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  const bad = () =>
    new TokensmithError(
      'config_error',
      `--instance ${value.slice(0, 100)} is not a host name (e.g. --instance fosstodon.org, or 127.0.0.1:PORT for a local one)`,
    );
  if (!URL.canParse(withScheme)) throw bad();
  let url = new URL(withScheme);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username || url.password) throw bad();
  // A bare loopback address means the local sandbox: plain http is allowed there, and only there.
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text) && isLoopback(url.hostname)) url = new URL(`http://${text}`);
  if (url.protocol === 'http:' && !isLoopback(url.hostname))
    throw new TokensmithError(
      'config_error',
      `--instance ${url.host} must use https (plain http is allowed only on loopback such as 127.0.0.1)`,
    );
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw bad();
  return url.origin;
}

/**
 * The provider `login NAME --instance HOST` uses: the configured one moved to the instance by its
 * adapter (`onInstance`), or, when the config has no provider NAME, the one-off provider of the
 * strategy that takes instances (a Mastodon login with a registered app). A strategy without
 * `onInstance` takes no instance.
 *
 * @example
 * ```ts
 * instanceProvider(undefined, 'fosstodon.org'); // { strategy: 'authorization-code', issuer: 'https://fosstodon.org', scopes: ['read'], ... }
 * ```
 */
export function instanceProvider(configured: ProviderConfig | undefined, instance: string, name = 'the provider'): ProviderConfig {
  const origin = instanceOrigin(instance);
  const takers = STRATEGIES.map((strategy) => STRATEGIES_BY_NAME[strategy]).filter((adapter) => adapter.onInstance !== undefined);
  const adapter = configured ? strategyAdapter(configured.strategy) : takers[0];
  if (!adapter?.onInstance)
    throw new TokensmithError(
      'config_error',
      `--instance is for a Mastodon-type provider (strategy ${takers.map((taker) => taker.name).join(' or ')}); ${name} uses ${configured?.strategy ?? 'none'}`,
    );
  return adapter.onInstance(origin, configured) as ProviderConfig;
}
