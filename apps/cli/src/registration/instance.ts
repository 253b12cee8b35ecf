import { TokensmithError } from '@tokensmith/core/kit';
import type { ProviderConfig } from '../config/schema.js';

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
 * The provider `login NAME --instance HOST` uses: the configured one with its issuer (and a
 * timeline or base URL on the old issuer's origin) moved to the instance, or, when the config has
 * no provider NAME, a one-off Mastodon provider: authorization code with a registered app, scope
 * `read`, the home timeline as its timeline. Only an authorization-code provider takes an instance.
 *
 * @example
 * ```ts
 * instanceProvider(undefined, 'fosstodon.org'); // { strategy: 'authorization-code', issuer: 'https://fosstodon.org', scopes: ['read'], ... }
 * ```
 */
export function instanceProvider(configured: ProviderConfig | undefined, instance: string, name = 'the provider'): ProviderConfig {
  const origin = instanceOrigin(instance);
  if (!configured)
    return {
      strategy: 'authorization-code',
      issuer: origin,
      scopes: ['read'],
      baseUrl: origin,
      timeline: { url: `${origin}/api/v1/timelines/home`, format: 'mastodon' },
    };
  if (configured.strategy !== 'authorization-code')
    throw new TokensmithError(
      'config_error',
      `--instance is for a Mastodon-type provider (strategy authorization-code); ${name} uses ${configured.strategy}`,
    );
  const oldOrigin = configured.issuer === undefined ? undefined : new URL(configured.issuer).origin;
  const move = (url: string | undefined) =>
    url !== undefined && new URL(url).origin === oldOrigin ? origin + url.slice(oldOrigin.length) : url;
  const baseUrl = move(configured.baseUrl);
  const timelineUrl = move(configured.timeline?.url);
  return {
    ...configured,
    issuer: origin,
    ...(baseUrl === undefined ? {} : { baseUrl }),
    ...(configured.timeline && timelineUrl ? { timeline: { ...configured.timeline, url: timelineUrl } } : {}),
  };
}
