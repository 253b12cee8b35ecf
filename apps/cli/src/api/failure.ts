import type { ErrorCategory } from '@tokensmith/core';
import { bearerError } from './challenge.js';

// What an HTTP failure of `tokensmith api` means for the person who ran it, read from what the
// server said (status, RFC 6750 challenge, X's problem types, rate-limit headers), never guessed
// from wording. The exit code follows the category: 2 for 401/403 (log in, grant, enroll), 3 for
// 5xx and 429 (nothing to fix here but waiting), 1 for any other 4xx (the request itself).

/** What a failed api call knows about its provider. */
export interface ApiFailureContext {
  provider: string;
  /** The provider authenticates as the app alone (client credentials): no user context. */
  appOnly: boolean;
  /** Other configured providers that act for a user on the same API, to suggest one. */
  userContextProviders: readonly string[];
  /** The request was already retried with a fresh token (a refresh or a new app token). */
  retriedWithFreshToken: boolean;
  /** Now, epoch ms (for a rate-limit reset). */
  now: number;
}

/** A failed call, explained. */
export interface ApiFailure {
  category: ErrorCategory;
  message: string;
}

function problemOf(body: string): { type?: string; title?: string; detail?: string; reason?: string; errors?: unknown[] } {
  try {
    const parsed = JSON.parse(body) as unknown;
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

/**
 * When a rate limit ends and why that is known: `x-rate-limit-reset` (epoch seconds, X) or
 * `Retry-After` (seconds or an HTTP date, RFC 9110 10.2.3). `undefined` when the server said nothing.
 *
 * @example
 * ```ts
 * rateLimitReset(new Headers({ 'retry-after': '30' }), Date.UTC(2026, 0, 1)); // { at: Date.UTC(2026, 0, 1) + 30000, source: 'Retry-After' }
 * ```
 */
export function rateLimitReset(headers: Headers, now: number): { at: number; source: string } | undefined {
  const reset = headers.get('x-rate-limit-reset') ?? headers.get('x-ratelimit-reset');
  if (reset !== null) {
    if (/^\d{9,11}$/.test(reset.trim())) return { at: Number(reset) * 1000, source: 'x-rate-limit-reset' };
    if (!Number.isNaN(Date.parse(reset))) return { at: Date.parse(reset), source: 'x-ratelimit-reset' };
  }
  const retryAfter = headers.get('retry-after');
  if (retryAfter === null) return undefined;
  if (/^\d+$/.test(retryAfter.trim())) return { at: now + Number(retryAfter) * 1000, source: 'Retry-After' };
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : { at: date, source: 'Retry-After' };
}

function inWords(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}

/**
 * Explains an HTTP status >= 400 from an api call: the category (so the exit code) and one message
 * naming what a person can do.
 *
 * @example
 * ```ts
 * explainApiFailure(403, new Headers({ 'www-authenticate': 'Bearer error="insufficient_scope", scope="tweet.write"' }), '', context).message;
 * // "... needs the scope tweet.write, which the token lacks: add it to providers.x.scopes, then run tokensmith login x"
 * ```
 */
export function explainApiFailure(status: number, headers: Headers, body: string, context: ApiFailureContext): ApiFailure {
  const { provider } = context;
  const challenge = bearerError(headers.get('www-authenticate'));
  const problem = problemOf(body);
  if (challenge?.error === 'insufficient_scope') {
    const scopes =
      challenge.scopes.length > 0 ? `the scope${challenge.scopes.length > 1 ? 's' : ''} ${challenge.scopes.join(' ')}` : 'a scope';
    return {
      category: 'auth',
      message: `HTTP ${status}: this endpoint needs ${scopes}, which ${provider}'s token was not granted: add ${challenge.scopes.length > 0 ? 'it' : 'the scope the API documents'} to providers.${provider}.scopes, then run tokensmith login ${provider}`,
    };
  }
  const type = typeof problem.type === 'string' ? problem.type : '';
  const appOnlyRefused =
    type.endsWith('/unsupported-authentication') ||
    (typeof problem.detail === 'string' && /Application-Only is forbidden/.test(problem.detail));
  if (status === 403 && appOnlyRefused) {
    const others = context.userContextProviders.filter((name) => name !== provider);
    return {
      category: 'auth',
      message: `HTTP 403: this endpoint acts for a user, and ${provider} authenticates as the app alone. ${
        others.length > 0
          ? `Call it with ${others[0]} (tokensmith api ${others[0]} ...)`
          : 'Configure a user-context provider (authorization-code, device-code or oauth1-pin) and call it with that'
      }`,
    };
  }
  if (status === 403 && (type.endsWith('/client-forbidden') || problem.reason === 'client-not-enrolled')) {
    return {
      category: 'auth',
      message: `HTTP 403 (${problem.reason ?? 'client-forbidden'}): the app behind ${provider} is not allowed to use this endpoint. In the X developer portal, attach the app to a Project (v2 endpoints need one) and check its access level`,
    };
  }
  if (status === 401) {
    return {
      category: 'auth',
      message: context.retriedWithFreshToken
        ? `HTTP 401 even with a fresh token: the login for ${provider} is gone (revoked, or the app's access removed); run tokensmith login ${provider}`
        : `HTTP 401: the server refused ${provider}'s token${challenge ? ` (${challenge.error}${challenge.description ? `: ${challenge.description}` : ''})` : ''}; run tokensmith login ${provider}`,
    };
  }
  if (status === 403) return { category: 'auth', message: `HTTP 403: ${provider}'s token may not do this (the body above says why)` };
  if (status === 429) {
    const reset = rateLimitReset(headers, context.now);
    return {
      category: 'provider',
      message: reset
        ? `HTTP 429: rate limited; the window resets at ${new Date(reset.at).toISOString()} (in ${inWords(reset.at - context.now)}, from ${reset.source})`
        : 'HTTP 429: rate limited, and the server did not say until when',
    };
  }
  if (status >= 500) return { category: 'provider', message: `HTTP ${status}: the server failed; try again later` };
  return { category: 'usage', message: `HTTP ${status}: the server refused the request (the body above says why)` };
}
