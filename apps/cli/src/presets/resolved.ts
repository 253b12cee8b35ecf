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
  const endpoints: Record<string, string> = {};
  // JSON field names are camelCase in every command: a nested setting's path is joined (timeline.url -> timelineUrl).
  for (const [field, url] of Object.entries(presetEndpoints(settings)))
    endpoints[camelPath(field)] = URL.canParse(url) && (new URL(url).search !== '' || new URL(url).username !== '') ? redactUrl(url) : url;
  return endpoints;
}

/** `timeline.url` -> `timelineUrl`: a dotted settings path as one camelCase JSON field name. */
function camelPath(path: string): string {
  return path.replace(/\.([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
