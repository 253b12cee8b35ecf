import { presetEndpoints } from './describe.js';

/**
 * The endpoints a configured provider resolved to (its own and its preset's, templates filled), by
 * field: what `providers --json` shows. `presetBaseUrl` is not one (the URLs already moved onto it).
 *
 * @example
 * ```ts
 * providerEndpoints({ tokenUrl: 'https://fosstodon.org/oauth/token', timeline: { url: 'https://fosstodon.org' } });
 * // { tokenUrl: 'https://fosstodon.org/oauth/token', 'timeline.url': 'https://fosstodon.org' }
 * ```
 */
export function providerEndpoints(config: object): Record<string, string> {
  const { presetBaseUrl: _moved, ...settings } = config as Record<string, unknown>;
  return presetEndpoints(settings);
}
