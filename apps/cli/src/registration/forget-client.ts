import type { TokenStore } from '@tokensmith/core';
import { MAX_AUTH_RESPONSE_BYTES, limitResponseBody } from '@tokensmith/core/kit';
import { registrationIssuer } from './client-status.js';

/** What `logout --forget-client` did, in words for the person. */
export type ForgetClientResult =
  | { forgotten: false }
  | { forgotten: true; clientId: string; deletion: 'deleted' | 'unsupported' | 'failed'; endpoint?: string; reason?: string };

/**
 * Forgets the client registered for a provider without `clientId`: deleted at the server where it
 * can be (RFC 7592 DELETE at `registration_client_uri` with the registration access token;
 * Mastodon has no such API), and always removed from the store, so the next login registers anew.
 *
 * @example
 * ```ts
 * const result = await forgetRegisteredClient(config, store, { fetch, timeoutMs: 30_000 });
 * ```
 */
export async function forgetRegisteredClient(
  config: object,
  store: TokenStore,
  transport: { fetch: typeof fetch; timeoutMs: number },
): Promise<ForgetClientResult> {
  const issuer = registrationIssuer(config);
  if (issuer === undefined) return { forgotten: false };
  const { fromStoredClient, registeredClientKey, registrationOfKind } = await import('@tokensmith/oauth2');
  const key = registeredClientKey(issuer);
  const client = fromStoredClient(await store.get(key));
  if (!client) return { forgotten: false };
  const outcome = await registrationOfKind(client.kind, client.registrationClientUri ?? client.issuer).forget(client, {
    fetch: limitResponseBody(transport.fetch, MAX_AUTH_RESPONSE_BYTES),
    timeoutMs: transport.timeoutMs,
  });
  await store.delete(key);
  return { forgotten: true, clientId: client.clientId, ...outcome };
}
