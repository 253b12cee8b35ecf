import type { Credentials, TokenStore } from '@tokensmith/core';
import type { OAuth2ClientConfig } from '../config/schema-parts.js';
import type { BuildContext } from './adapter.js';
import { readPrivateKeySetting } from '../files/private-key-file.js';

/** The client authentication settings every OAuth 2 adapter hands its package (the key file read here, by the CLI). */
export interface ClientAuthConfig {
  clientSecret?: string | undefined;
  authMethod?: string | undefined;
  privateKey?: string | undefined;
  keyId?: string | undefined;
  signingAlg?: string | undefined;
}

/**
 * The JWT client authentication options of a provider: `privateKey` read from its file (or the
 * PEM/JWK a `${VAR}` held), `keyId`, `signingAlg`. Nothing for the other methods.
 */
export function clientAssertionOptions(config: ClientAuthConfig, field: string) {
  return {
    ...(config.privateKey === undefined ? {} : { privateKey: readPrivateKeySetting(config.privateKey, field) }),
    ...(config.keyId === undefined ? {} : { keyId: config.keyId }),
    ...(config.signingAlg === undefined ? {} : { signingAlg: config.signingAlg }),
  };
}

/**
 * The fields that identify an OAuth 2 client, named when the provider refuses it: the key and
 * its `kid` for `private_key_jwt`, the secret otherwise.
 */
export function clientCredentialFields(config: ClientAuthConfig): readonly string[] {
  return config.authMethod === 'private_key_jwt' ? ['clientId', 'privateKey', 'keyId'] : ['clientId', 'clientSecret'];
}

/**
 * What a store key fingerprints of the client's credentials, as the packages do: the secret, or
 * for `private_key_jwt` its public key's fingerprint (so another key means another login).
 */
export async function clientKeySecret(config: ClientAuthConfig & { clientId: string }): Promise<string | undefined> {
  if (config.authMethod !== 'private_key_jwt' || config.privateKey === undefined) return config.clientSecret;
  const { readClientAssertion } = await import('@tokensmith/oauth2/client-assertion');
  let privateKey: string;
  try {
    privateKey = readPrivateKeySetting(config.privateKey, 'privateKey');
  } catch {
    // An unreadable key file finds no stored token; building the provider then reports the file's
    // problem naming the provider's field (providers.NAME.privateKey), which this key cannot know.
    return 'private_key_jwt:unreadable';
  }
  const signer = readClientAssertion({
    authMethod: 'private_key_jwt',
    clientId: config.clientId,
    privateKey,
    ...(config.signingAlg === undefined ? {} : { signingAlg: config.signingAlg }),
  });
  return `private_key_jwt:${signer.fingerprint}`;
}

/** The options the OAuth 2 user strategies share (authorization code, device code), from their common config block. */
export function oauth2ClientOptions(
  config: OAuth2ClientConfig & { refreshSkewSeconds?: number | undefined; timeoutMs?: number | undefined },
  store: TokenStore,
  context: BuildContext,
) {
  return {
    clientId: config.clientId,
    scopes: config.scopes,
    store,
    providerName: context.person.providerName,
    ...(config.issuer === undefined ? {} : { issuer: config.issuer }),
    ...(config.tokenUrl === undefined ? {} : { tokenUrl: config.tokenUrl }),
    ...(config.revocationUrl === undefined ? {} : { revocationUrl: config.revocationUrl }),
    ...(config.clientSecret === undefined ? {} : { clientSecret: config.clientSecret }),
    ...(config.authMethod === undefined ? {} : { authMethod: config.authMethod }),
    ...clientAssertionOptions(config, `providers.${context.person.providerName}.privateKey`),
    ...(config.authorizationParams === undefined ? {} : { authorizationParams: config.authorizationParams }),
    ...(config.singleUseRefreshTokens === undefined ? {} : { singleUseRefreshTokens: config.singleUseRefreshTokens }),
    ...(config.dpop === undefined ? {} : { dpop: config.dpop }),
    ...context.shared,
  };
}

/**
 * The store key an OAuth 2 user strategy uses (`readClientOptions` in @tokensmith/oauth2): the
 * issuer, the flow's own URL and the token URL as configured (not discovered), the client, the
 * scopes and the authorization parameters.
 */
export async function oauth2StoreKey(strategy: string, config: OAuth2ClientConfig, flowUrl: string | undefined): Promise<string> {
  const { credentialsKey } = await import('@tokensmith/oauth2');
  const endpoints = [config.issuer, flowUrl, config.tokenUrl].filter((url): url is string => url !== undefined).map((url) => new URL(url));
  return credentialsKey({
    strategy,
    endpoints,
    clientId: config.clientId,
    clientSecret: await clientKeySecret(config),
    scopes: [...new Set(config.scopes)],
    authorizationParams: Object.entries(config.authorizationParams ?? {}),
  });
}

/** The user an OpenID id_token names (display only: the token was verified when it was issued). */
export function idTokenUser(credentials: Credentials): string | undefined {
  const payload = credentials.type === 'bearer' ? credentials.idToken?.split('.')[1] : undefined;
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const user = claims.preferred_username ?? claims.screen_name ?? claims.email ?? claims.sub;
    return typeof user === 'string' ? user : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The scopes of an OAuth 2 user strategy's config (`scopes: [...]`), and the config asking for more:
 * `refresh --scopes` builds the provider from it (its store key names the new scope set).
 *
 * @example
 * ```ts
 * oauth2Scopes.with({ ...config, scopes: ['read'] }, ['read', 'write']).scopes; // ['read', 'write']
 * ```
 */
export const oauth2Scopes = {
  of: (config: Pick<OAuth2ClientConfig, 'scopes'>): string[] => [...new Set(config.scopes)],
  with: <C extends Pick<OAuth2ClientConfig, 'scopes'>>(config: C, scopes: readonly string[]): C => ({ ...config, scopes: [...scopes] }),
};

/**
 * The settings of `config` named in `names` that are set, as a package's options take them: a
 * setting left out of the config is left out here too (never passed as `undefined`).
 *
 * @example
 * ```ts
 * definedSettings({ issuer: 'https://id.example.com', tokenUrl: undefined }, ['issuer', 'tokenUrl']); // { issuer: 'https://id.example.com' }
 * ```
 */
export function definedSettings<C extends object, K extends keyof C>(config: C, names: readonly K[]): Partial<Pick<C, K>> {
  const picked: Partial<Pick<C, K>> = {};
  for (const name of names) if (config[name] !== undefined) picked[name] = config[name];
  return picked;
}
