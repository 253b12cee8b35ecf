// A store setting as it may be printed (status, errors): a Redis URL's credentials masked. Kept
// among the stores, which print it, below the hints that word store failures with it.

/**
 * A Redis URL as it may be printed: the password (and a user name) masked.
 *
 * @example
 * ```ts
 * maskStoreUrl('redis://:s3cret@cache.internal:6379'); // 'redis://:***@cache.internal:6379'
 * ```
 */
export function maskStoreUrl(setting: string): string {
  if (!/^rediss?:\/\//.test(setting) || !URL.canParse(setting)) return setting;
  const url = new URL(setting);
  if (url.password) url.password = '***';
  if (url.username && url.password) url.username = '***';
  else if (url.username) url.username = '***';
  // URL adds a '/' path to a bare host: print the setting as the user wrote it.
  return url.href.endsWith('/') && !setting.endsWith('/') ? url.href.slice(0, -1) : url.href;
}
