import { tokenKey } from '@tokensmith/core/kit';

/** Presentation-only authorization parameters: they change the pages a person sees, never the tokens. */
const PRESENTATION_PARAMS = new Set(['prompt', 'display', 'ui_locales', 'max_age']);

/**
 * The store key of an OAuth 2 user strategy's tokens, through the kit's `tokenKey`: the endpoints,
 * the client id, a salted fingerprint of the client secret, the scopes, RFC 8707 `resource`,
 * `audience`, and every other authorization parameter that shapes the grant (`login_hint`,
 * `organization`, ...; not `prompt` or `display`). Changing any of them means a new login, never a
 * token issued for something else.
 *
 * @example
 * ```ts
 * credentialsKey({ strategy: 'device-code', endpoints: [new URL('https://auth.example.com')], clientId: 'cli', scopes: ['read'], authorizationParams: [] });
 * // 'v2:device-code:cli@auth.example.com:…'
 * ```
 */
export function credentialsKey(identity: {
  strategy: string;
  endpoints: URL[];
  clientId: string;
  clientSecret?: string | undefined;
  scopes: string[];
  authorizationParams: Array<[string, string]>;
}): string {
  const shaping = identity.authorizationParams.filter(([name]) => !PRESENTATION_PARAMS.has(name.toLowerCase()));
  const resource = shaping.filter(([name]) => name === 'resource').map(([, value]) => value);
  const audience = shaping.filter(([name]) => name === 'audience').map(([, value]) => value);
  const others = shaping.filter(([name]) => name !== 'resource' && name !== 'audience');
  const user = others.length
    ? new URLSearchParams([...others].sort(([a, x], [b, y]) => (a === b ? x.localeCompare(y) : a.localeCompare(b)))).toString()
    : undefined;
  return tokenKey({
    strategy: identity.strategy,
    endpoints: identity.endpoints,
    clientId: identity.clientId,
    secret: identity.clientSecret,
    scopes: identity.scopes,
    resource,
    audience: audience.length ? audience.sort().join(' ') : undefined,
    user,
  });
}
