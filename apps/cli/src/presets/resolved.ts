import { redactUrl } from '@tokensmith/core/kit';
import { presetEndpoints } from './describe.js';

/**
 * The endpoints a configured provider resolved to (its own and its preset's, templates filled), by
 * field: what `providers --json` shows. `presetBaseUrl` is not one (the URLs already moved onto it).
 * A URL with user info or a secret-looking query parameter is shown masked, as in logs.
 *
 * @example
 * ```ts
 * providerEndpoints({ tokenUrl: 'https://fosstodon.org/oauth/token', timeline: { url: 'https://fosstodon.org' } });
 * // { tokenUrl: 'https://fosstodon.org/oauth/token', timelineUrl: 'https://fosstodon.org' }
 * ```
 */
export function providerEndpoints(config: object): Record<string, string> {
  const { presetBaseUrl: _moved, ...settings } = config as Record<string, unknown>;
  const endpoints = presetEndpoints(settings);
  for (const [field, url] of Object.entries(endpoints))
    if (URL.canParse(url) && (new URL(url).search !== '' || new URL(url).username !== '')) endpoints[field] = redactUrl(url);
  return endpoints;
}
