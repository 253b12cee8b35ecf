import { inspect } from 'node:util';
import type { Credentials } from './credentials.js';
import type { TokenProvider } from './provider.js';

/**
 * Finishes a provider object: `util.inspect`, `console.log` and `JSON.stringify` show only
 * `description` (public facts such as the strategy and endpoints), never a secret held in the closure.
 *
 * @example
 * ```ts
 * return defineProvider({ strategy: 'client-credentials', getToken, authorize, invalidate }, { tokenUrl: url.href, clientId });
 * ```
 */
export function defineProvider<P extends TokenProvider<Credentials>>(provider: P, description: Record<string, string>): P {
  const summary = { strategy: provider.strategy, ...description };
  Object.defineProperties(provider, {
    toJSON: { value: () => summary, enumerable: false },
    [inspect.custom]: { value: () => `TokenProvider ${inspect(summary)}`, enumerable: false },
  });
  return provider;
}

/**
 * The `Authorization` header for a bearer token.
 *
 * @example
 * ```ts
 * bearerHeaders({ type: 'bearer', accessToken: 'abc' }); // { authorization: 'Bearer abc' }
 * ```
 */
export function bearerHeaders(credentials: Credentials): Record<string, string> {
  if (credentials.type !== 'bearer') throw new TypeError('bearerHeaders needs bearer credentials');
  // A DPoP-bound token sent as Bearer is refused by the server (RFC 9449 7.1); say so here instead.
  if (credentials.tokenType === 'DPoP') throw new TypeError('a DPoP-bound token needs a proof per request, not a Bearer header');
  return { authorization: `Bearer ${credentials.accessToken}` };
}
