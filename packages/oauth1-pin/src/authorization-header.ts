import { TokensmithError } from '@tokensmith/core/kit';
import { percentEncode } from './percent-encoding.js';

/**
 * The `Authorization` header value of RFC 5849 3.5.1: `OAuth ` then the `oauth_*` parameters
 * (sorted by name, names and values percent-encoded, values double-quoted, comma-separated),
 * after an optional `realm`. Parameters not starting with `oauth_` are left out.
 *
 * @example
 * ```ts
 * buildAuthorizationHeader({ oauth_consumer_key: 'key', oauth_signature: 'tnnArxj06cWHq44gCs1OSKk/jLY=' });
 * // 'OAuth oauth_consumer_key="key", oauth_signature="tnnArxj06cWHq44gCs1OSKk%2FjLY%3D"'
 * ```
 */
export function buildAuthorizationHeader(oauthParams: Record<string, string>, options: { realm?: string } = {}): string {
  const parts: string[] = [];
  if (options.realm !== undefined) {
    if (/["\\\r\n]/.test(options.realm))
      throw new TokensmithError('signature_error', 'realm must not contain quotes, backslashes or line breaks');
    parts.push(`realm="${options.realm}"`);
  }
  const names = Object.keys(oauthParams)
    .filter((name) => name.startsWith('oauth_'))
    .sort();
  for (const name of names) parts.push(`${percentEncode(name)}="${percentEncode(oauthParams[name] ?? '')}"`);
  return `OAuth ${parts.join(', ')}`;
}
