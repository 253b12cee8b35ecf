import { TokensmithError } from './errors.js';

function invalid(field: string, rule: string): TokensmithError {
  return new TokensmithError('invalid_options', `${field} ${rule}`);
}

/**
 * Reads a required non-empty string option, or throws `invalid_options` naming the field.
 * The value itself is never echoed (it may be a secret).
 *
 * @example
 * ```ts
 * const clientId = requireString(options, 'clientId'); // throws "clientId must be a non-empty string"
 * ```
 */
export function requireString<O extends object>(options: O, field: keyof O & string): string {
  const value: unknown = options[field];
  if (typeof value !== 'string' || value.trim() === '') throw invalid(field, 'must be a non-empty string');
  return value;
}

/**
 * Reads an optional string option: `undefined` stays undefined, anything else must be a non-empty string.
 *
 * @example
 * ```ts
 * const secret = optionalString(options, 'clientSecret');
 * ```
 */
export function optionalString<O extends object>(options: O, field: keyof O & string): string | undefined {
  return options[field] === undefined ? undefined : requireString(options, field);
}

/**
 * Whether a hostname is a loopback address (127.0.0.0/8, ::1, localhost).
 *
 * @example
 * ```ts
 * isLoopbackHost('127.0.0.1'); // true
 * ```
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Reads an endpoint option (`string | URL`) as a URL. `https:` is required, `http:` is allowed only
 * on loopback (a local sandbox or test server); anything else throws, naming the field.
 *
 * @example
 * ```ts
 * const tokenUrl = requireEndpoint(options, 'tokenUrl'); // "tokenUrl must be an https:// URL (http:// is allowed only on loopback)"
 * ```
 */
export function requireEndpoint<O extends object>(options: O, field: keyof O & string): URL {
  const value: unknown = options[field];
  if (!(value instanceof URL) && (typeof value !== 'string' || value.trim() === '')) {
    throw invalid(field, 'must be a URL (string or URL), e.g. https://api.example.com/oauth2/token');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(field, 'must be an absolute URL, e.g. https://api.example.com/oauth2/token');
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:') {
    if (isLoopbackHost(url.hostname)) return url;
    throw new TokensmithError(
      'insecure_endpoint',
      `${field} must use https:// (plain http:// is allowed only on loopback such as 127.0.0.1): ${url.origin}`,
      { endpoint: url },
    );
  }
  throw invalid(field, `must be an https:// URL, not ${url.protocol}`);
}

/**
 * Reads an optional positive number option (timeouts, skew windows).
 *
 * @example
 * ```ts
 * const timeoutMs = optionalNumber(options, 'timeoutMs', 30_000);
 * ```
 */
export function optionalNumber<O extends object>(options: O, field: keyof O & string, fallback: number): number {
  const value: unknown = options[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw invalid(field, 'must be a finite number >= 0');
  return value;
}

/**
 * Reads an optional function option (an injected `fetch`, clock or prompt).
 *
 * @example
 * ```ts
 * const now = optionalFunction(options, 'now') ?? Date.now;
 * ```
 */
export function optionalFunction<O extends object, K extends keyof O & string>(options: O, field: K): O[K] | undefined {
  const value: unknown = options[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw invalid(field, 'must be a function');
  return value as O[K];
}

/**
 * Throws unless `options` is a plain object: the first check of every factory.
 *
 * @example
 * ```ts
 * requireOptions(options, 'createClientCredentialsProvider');
 * ```
 */
export function requireOptions(options: unknown, factory: string): asserts options is object {
  if (!options || typeof options !== 'object') throw new TokensmithError('invalid_options', `${factory} needs an options object`);
}
