import type { TokenStore } from '@tokensmith/core';
import { MAX_AUTH_RESPONSE_BYTES, limitResponseBody } from '@tokensmith/core/kit';
import type { BuildContext } from '../strategies/adapter.js';
import { CLIENT_IDENTITY, UNREGISTERED_CLIENT_ID, registeredRedirectUri } from './policy.js';

/** The config fields a client registration reads and completes (the authorization-code strategy's). */
export interface RegistrableConfig {
  issuer?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  authMethod?: import('@tokensmith/oauth2').ClientAuthMethod | undefined;
  redirectUri?: string | undefined;
  initialAccessToken?: string | undefined;
  scopes: string[];
  timeoutMs?: number | undefined;
}

/** The registered client's id and how it authenticates, as the config's client fields. */
export type WithClient<C> = C & { clientId: string };

/** The registered client's fields over the config's. */
function completed<C extends RegistrableConfig>(
  config: C,
  client: { clientId: string; clientSecret?: string | undefined; authMethod: import('@tokensmith/oauth2').ClientAuthMethod },
): WithClient<C> {
  const { clientSecret: _secret, authMethod: _method, ...rest } = config;
  return {
    ...(rest as C),
    clientId: client.clientId,
    ...(client.clientSecret === undefined ? {} : { clientSecret: client.clientSecret }),
    authMethod: client.authMethod,
  };
}

/**
 * The config with its client: as configured when it has a `clientId`; else the client registered
 * for its issuer earlier (kept in the provider's store), when it was registered with the redirect
 * URI this login needs; else a client registered now (RFC 7591 where the metadata has
 * `registration_endpoint`, Mastodon's `/api/v1/apps` where it has `app_registration_endpoint`, or
 * with `--instance`) and stored for the next login. A server offering neither gets an error naming
 * both ways out.
 *
 * @example
 * ```ts
 * const withClient = await withRegisteredClient(config, store, context);
 * createAuthorizationCodeProvider({ ...oauth2ClientOptions(withClient, store, context) });
 * ```
 */
export async function withRegisteredClient<C extends RegistrableConfig>(
  config: C,
  store: TokenStore,
  context: BuildContext,
): Promise<WithClient<C>> {
  if (config.clientId !== undefined) return config as WithClient<C>;
  const oauth2 = await import('@tokensmith/oauth2');
  const issuer = new URL(config.issuer!); // the schema asks for issuer when there is no clientId
  const key = oauth2.registeredClientKey(issuer);
  const redirectUri = registeredRedirectUri(config);
  const stored = oauth2.fromStoredClient(await store.get(key));
  if (stored && oauth2.servesRedirect(stored, redirectUri)) return completed(config, stored);
  const policy = context.interaction.registration ?? {};
  if (policy.register === false || context.unattended) return completed(config, { clientId: UNREGISTERED_CLIENT_ID, authMethod: 'none' });
  // One registration at a time per issuer (two logins started together must not register two
  // apps): the store's lock, held only while registering, never while a person is typing.
  return store.lock(key, async () => {
    const again = oauth2.fromStoredClient(await store.get(key));
    if (again && oauth2.servesRedirect(again, redirectUri)) return completed(config, again);
    const client = await register(config, issuer, redirectUri, policy, context);
    await store.set(key, oauth2.toStoredClient(client));
    context.person.progress.succeed(
      `Registered ${CLIENT_IDENTITY.name} with ${issuer.host} (client id ${client.clientId}); later logins reuse it`,
    );
    return completed(config, client);
  });
}

/** Discovers the server, picks its kind of registration, and registers tokensmith there. */
async function register(
  config: RegistrableConfig,
  issuer: URL,
  redirectUri: string,
  policy: import('./policy.js').RegistrationPolicy,
  context: BuildContext,
): Promise<import('@tokensmith/oauth2').RegisteredClient> {
  const oauth2 = await import('@tokensmith/oauth2');
  const { progress } = context.person;
  const fetchImpl = limitResponseBody(context.shared.fetch ?? ((input, init) => globalThis.fetch(input, init)), MAX_AUTH_RESPONSE_BYTES);
  const timeoutMs = config.timeoutMs ?? 30_000;
  progress.start(`Looking up how to register with ${issuer.host}`);
  const metadata = await oauth2.discover(issuer, {
    clientId: UNREGISTERED_CLIENT_ID,
    clientSecret: undefined,
    authMethod: 'none',
    openid: false,
    now: Date.now,
    fetch: fetchImpl,
    timeoutMs,
  });
  const registration = oauth2.registrationFor(metadata, policy.assume ? { assume: policy.assume } : {});
  if (!registration) throw oauth2.noRegistrationError(issuer.href);
  progress.start(`Registering ${CLIENT_IDENTITY.name} with ${issuer.host}`);
  const client = await registration.register({
    issuer,
    metadata,
    clientName: CLIENT_IDENTITY.name,
    redirectUris: [redirectUri],
    scopes: config.scopes,
    website: CLIENT_IDENTITY.website,
    initialAccessToken: config.initialAccessToken,
    fetch: fetchImpl,
    timeoutMs,
    now: Date.now,
  });
  return client;
}
