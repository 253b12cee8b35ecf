import type { SandboxState } from './state.js';

// What the OAuth 1.0a module remembers: request tokens, their decisions, access tokens, nonces.

/** How far `oauth_timestamp` may be from the sandbox clock, in seconds (Twitter: 300 s). */
export const OAUTH1_TIMESTAMP_WINDOW_SECONDS = 300;
/** How long a request token may wait for its exchange. */
export const REQUEST_TOKEN_TTL_MS = 15 * 60_000;

/** A request token (temporary credentials) and what the user decided on the authorize page. */
export interface SandboxRequestToken {
  consumerKey: string;
  secret: string;
  createdAt: number;
  /** The hidden form field of the last rendered authorize page (CSRF protection). */
  authenticityToken?: string;
  decision?: { approved: true; verifier: string; screenName: string; userId: string } | { approved: false };
}

/** An issued OAuth 1.0a access token (token credentials). */
export interface SandboxAccessToken {
  consumerKey: string;
  secret: string;
  screenName: string;
  userId: string;
}

/** The OAuth 1.0a module's memory inside `state.extensions.oauth1`. */
export interface OAuth1SandboxStore {
  requestTokens: Map<string, SandboxRequestToken>;
  /** Request tokens already exchanged, denied or burnt by a wrong PIN. */
  usedRequestTokens: Set<string>;
  accessTokens: Map<string, SandboxAccessToken>;
  /** Seen `consumer&token&timestamp&nonce` keys, with their timestamp (s), pruned outside the window. */
  nonces: Map<string, number>;
}

/**
 * The OAuth 1.0a module's memory of a sandbox (for tests that need to reach in).
 *
 * @example
 * ```ts
 * oauth1Store(sandbox.state).accessTokens.size; // tokens issued so far
 * ```
 */
export function oauth1Store(state: SandboxState): OAuth1SandboxStore {
  const store = state.extensions.oauth1 as OAuth1SandboxStore | undefined;
  if (!store) throw new Error('the OAuth 1.0a module is not installed');
  return store;
}

/**
 * The request token record of a live (known, unexpired) request token; an expired one is burnt.
 *
 * @example
 * ```ts
 * const record = liveRequestToken(oauth1Store(state), token, state.now());
 * ```
 */
export function liveRequestToken(store: OAuth1SandboxStore, token: string | undefined, now: number): SandboxRequestToken | undefined {
  if (!token) return undefined;
  const record = store.requestTokens.get(token);
  if (!record) return undefined;
  if (now - record.createdAt > REQUEST_TOKEN_TTL_MS) {
    burn(store, token);
    return undefined;
  }
  return record;
}

/**
 * Makes a request token unusable (exchanged, denied, expired or burnt by a wrong PIN).
 *
 * @example
 * ```ts
 * burn(state.oauth1, token); // single use, whatever happens next
 * ```
 */
export function burn(store: OAuth1SandboxStore, token: string): void {
  store.requestTokens.delete(token);
  store.usedRequestTokens.add(token);
}
