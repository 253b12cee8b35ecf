import type { Credentials } from '@tokensmith/core/kit';
import type { ClientAuthMethod } from '../client-config.js';

/** How a client was registered: RFC 7591 dynamic registration, or Mastodon's `POST /api/v1/apps`. */
export type RegistrationKind = 'rfc7591' | 'mastodon';

/**
 * A client registered by tokensmith: what a later login reuses and `forget` deletes. Its secret and
 * registration access token are secrets: they live in the token store, never in output.
 *
 * @example
 * ```ts
 * const client: RegisteredClient = {
 *   kind: 'mastodon', issuer: 'https://fosstodon.org', clientId: 'abc', clientSecret: 's3cr3t',
 *   authMethod: 'post', redirectUris: ['http://127.0.0.1/callback'], registeredAt: Date.now(),
 * };
 * ```
 */
export interface RegisteredClient {
  kind: RegistrationKind;
  /** The issuer it was registered with (its metadata's `issuer`). */
  issuer: string;
  clientId: string;
  clientSecret?: string | undefined;
  /** How it authenticates at the token endpoint (`post` on Mastodon: its server does not URL-decode Basic). */
  authMethod: ClientAuthMethod;
  /** The redirect URIs it was registered with; a login that needs another one registers again. */
  redirectUris: string[];
  /** RFC 7591 3.2.1: the bearer token for RFC 7592 read/update/delete. */
  registrationAccessToken?: string | undefined;
  /** RFC 7591 3.2.1: where RFC 7592 reads, updates and deletes this client. */
  registrationClientUri?: string | undefined;
  /** When it was registered, epoch ms. */
  registeredAt: number;
}

/** Marks a stored record as a registered client (a store entry is otherwise a token). */
const RECORD_MARK = 'tokensmith-registered-client/v1';

/**
 * The store key a registered client is kept under: one per issuer (a caller that binds keys to
 * its settings, as the CLI does, adds its own part).
 *
 * @example
 * ```ts
 * registeredClientKey('https://fosstodon.org'); // 'registered-client:https://fosstodon.org/'
 * ```
 */
export function registeredClientKey(issuer: string | URL): string {
  return `registered-client:${new URL(issuer).href}`;
}

/**
 * A registered client as a store entry. Stores hold {@link Credentials}; the OAuth 1.0a shape is
 * the one with a free string map (`extra`), so every store (file, keychain, Redis) keeps the
 * record as it is and judges it usable (`isCredentials` checks only `token` and `tokenSecret`).
 * `token` is the client id and `tokenSecret` the client secret (empty for a public client).
 *
 * @example
 * ```ts
 * await store.set(registeredClientKey(client.issuer), toStoredClient(client));
 * ```
 */
export function toStoredClient(client: RegisteredClient): Credentials {
  const { clientId, clientSecret, ...rest } = client;
  return { type: 'oauth1', token: clientId, tokenSecret: clientSecret ?? '', extra: { kind: RECORD_MARK, client: JSON.stringify(rest) } };
}

/**
 * The registered client a store entry holds, or `undefined` when the entry is not one (nothing
 * stored, a token, or a record this version cannot read: then it is registered again).
 *
 * @example
 * ```ts
 * const client = fromStoredClient(await store.get(registeredClientKey(issuer)));
 * ```
 */
export function fromStoredClient(stored: Credentials | undefined): RegisteredClient | undefined {
  if (stored?.type !== 'oauth1' || stored.extra?.kind !== RECORD_MARK || typeof stored.extra.client !== 'string') return undefined;
  try {
    const rest = JSON.parse(stored.extra.client) as Omit<RegisteredClient, 'clientId' | 'clientSecret'>;
    if (!Array.isArray(rest.redirectUris) || typeof rest.issuer !== 'string') return undefined;
    return { ...rest, clientId: stored.token, ...(stored.tokenSecret === '' ? {} : { clientSecret: stored.tokenSecret }) };
  } catch {
    return undefined;
  }
}

/**
 * Whether a stored client can serve a login that needs `redirectUri`: registered with it exactly.
 *
 * @example
 * ```ts
 * const reusable = servesRedirect(client, 'http://127.0.0.1/callback'); // false: register again
 * ```
 */
export function servesRedirect(client: RegisteredClient, redirectUri: string): boolean {
  return client.redirectUris.includes(redirectUri);
}
