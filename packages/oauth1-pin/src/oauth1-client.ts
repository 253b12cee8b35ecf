import { optionalFunction, resolveTimeoutMs, requireEndpoint, requireOptions, requireString } from '@tokensmith/core/kit';
import type { OAuth1Transport } from './oauth1-http.js';
import { createNonce } from './signature.js';

// The client settings both steps of the PIN flow take, and their validation: each field checked
// once (the provider validates at construction), named in the error, its value never shown.

/**
 * The client settings every OAuth 1.0a PIN step needs.
 *
 * @example
 * ```ts
 * const options: OAuth1ClientOptions = {
 *   consumerKey, consumerSecret,
 *   requestTokenUrl: 'https://api.twitter.com/oauth/request_token',
 *   authorizeUrl: 'https://api.twitter.com/oauth/authorize',
 *   accessTokenUrl: 'https://api.twitter.com/oauth/access_token',
 * };
 * ```
 */
export interface OAuth1ClientOptions {
  /** The consumer (API) key. */
  consumerKey: string;
  /** The consumer (API) secret. Never logged. */
  consumerSecret: string;
  /** Full URL of the temporary credentials endpoint, e.g. `https://api.twitter.com/oauth/request_token`. */
  requestTokenUrl: string | URL;
  /** Full URL of the resource owner authorization page, e.g. `https://api.twitter.com/oauth/authorize`. */
  authorizeUrl: string | URL;
  /** Full URL of the token endpoint, e.g. `https://api.twitter.com/oauth/access_token`. */
  accessTokenUrl: string | URL;
  /** The fetch to use. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Clock, epoch ms; `oauth_timestamp` is its value in whole seconds. Default `Date.now`. */
  now?: () => number;
  /** Timeout of one HTTP request (its body included), whole ms from 1. Default 30 s; 0 is refused. */
  timeoutMs?: number;
  /** Nonce source, fresh per request. Default: 16 random bytes from node:crypto, as hex. */
  randomNonce?: () => string;
}

/**
 * Options of one flow step: the client settings plus an optional abort signal.
 *
 * @example
 * ```ts
 * await requestToken({ ...options, signal: AbortSignal.timeout(10_000) });
 * ```
 */
export interface OAuth1StepOptions extends OAuth1ClientOptions {
  signal?: AbortSignal;
}

/**
 * Client settings after validation.
 *
 * @example
 * ```ts
 * const client: ResolvedOAuth1Client = resolveOAuth1Client(options, 'myFactory');
 * ```
 */
export interface ResolvedOAuth1Client extends OAuth1Transport {
  requestTokenUrl: URL;
  authorizeUrl: URL;
  accessTokenUrl: URL;
}

/**
 * Validates the client settings (throwing `invalid_options` naming the field, never its value).
 *
 * @example
 * ```ts
 * const client = resolveOAuth1Client(options, 'requestToken');
 * ```
 */
export function resolveOAuth1Client(options: OAuth1ClientOptions, caller: string): ResolvedOAuth1Client {
  requireOptions(options, caller);
  const consumerKey = requireString(options, 'consumerKey');
  const consumerSecret = requireString(options, 'consumerSecret');
  const requestTokenUrl = requireEndpoint(options, 'requestTokenUrl');
  const authorizeUrl = requireEndpoint(options, 'authorizeUrl');
  const accessTokenUrl = requireEndpoint(options, 'accessTokenUrl');
  const fetchFn = optionalFunction(options, 'fetch') ?? globalThis.fetch;
  const now = optionalFunction(options, 'now') ?? Date.now;
  const randomNonce = optionalFunction(options, 'randomNonce') ?? createNonce;
  const timeoutMs = resolveTimeoutMs(options);
  return { consumerKey, consumerSecret, requestTokenUrl, authorizeUrl, accessTokenUrl, fetch: fetchFn, now, randomNonce, timeoutMs };
}
