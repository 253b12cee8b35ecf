import type { Credentials } from '@tokensmith/core';

/**
 * The issuer a provider registers its client with: its `issuer` when it has no `clientId` (any
 * strategy's settings may be given; those that always have a client id get undefined).
 *
 * @example
 * ```ts
 * registrationIssuer({ strategy: 'authorization-code', issuer: 'https://fosstodon.org', scopes: ['read'] }); // 'https://fosstodon.org'
 * ```
 */
export function registrationIssuer(config: object): string | undefined {
  const { clientId, issuer } = config as { clientId?: unknown; issuer?: unknown };
  return clientId === undefined && typeof issuer === 'string' ? issuer : undefined;
}

/** What `status` shows about a registered client: never its secret or registration access token. */
export interface RegisteredClientStatus {
  kind: 'rfc7591' | 'mastodon';
  clientId: string;
  registeredAt: string;
  redirectUris: string[];
  /** Where RFC 7592 deletes it at `logout --forget-client` (RFC 7591 clients that got one). */
  registrationClientUri?: string;
}

/**
 * The registered client stored for a provider without `clientId`, as `status` shows it, and the
 * client fields its tokens are keyed by; undefined when none is stored.
 *
 * @example
 * ```ts
 * const found = await registeredClientOf(config, (key) => stored(boundKey(key, config)));
 * ```
 */
export async function registeredClientOf(
  config: object,
  read: (key: string) => Promise<Credentials | undefined>,
): Promise<
  | {
      status: RegisteredClientStatus;
      client: { clientId: string; clientSecret?: string; authMethod: import('@tokensmith/oauth2').ClientAuthMethod };
    }
  | undefined
> {
  const issuer = registrationIssuer(config);
  if (issuer === undefined) return undefined;
  const { fromStoredClient, registeredClientKey } = await import('@tokensmith/oauth2');
  const client = fromStoredClient(await read(registeredClientKey(issuer)));
  if (!client) return undefined;
  return {
    status: {
      kind: client.kind,
      clientId: client.clientId,
      registeredAt: new Date(client.registeredAt).toISOString(),
      redirectUris: client.redirectUris,
      ...(client.registrationClientUri ? { registrationClientUri: client.registrationClientUri } : {}),
    },
    client: {
      clientId: client.clientId,
      ...(client.clientSecret ? { clientSecret: client.clientSecret } : {}),
      authMethod: client.authMethod,
    },
  };
}
