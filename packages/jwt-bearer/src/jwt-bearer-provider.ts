import { SignJWT } from 'jose';
import { TokensmithError, requireOptions, type BearerCredentials, type ManagedTokenProvider } from '@tokensmith/core/kit';
import {
  createWorkloadGrantProvider,
  credentialsKey,
  describeTokenSource,
  readTokenSource,
  readTokenSourceOption,
  readWorkloadOptions,
  type TokenSource,
} from '@tokensmith/oauth2';
import { assertionClaims } from './assertion-claims.js';
import type { AssertionClaimSettings, JwtBearerOptions } from './jwt-bearer-options.js';
import { readSigningKey, type SigningKey } from './signing-key.js';

/** The grant type of RFC 7523 2.1. */
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * A JWT bearer grant {@link ManagedTokenProvider} (RFC 7523 2.1).
 *
 * @example
 * ```ts
 * const provider: JwtBearerProvider = createJwtBearerProvider({ tokenUrl, clientId: 'robot', privateKey: '/etc/robot/key.pem' });
 * ```
 */
export interface JwtBearerProvider extends ManagedTokenProvider<BearerCredentials> {
  readonly strategy: 'jwt-bearer';
}

function invalid(message: string): TokensmithError {
  return new TokensmithError('invalid_options', message);
}

/** Where the assertion comes from, read from the options: exactly one of `assertion` and `privateKey`. */
function assertionOrigin(options: JwtBearerOptions): { source: TokenSource } | { signing: SigningKey; claims: AssertionClaimSettings } {
  if ((options.assertion === undefined) === (options.privateKey === undefined))
    throw invalid('give exactly one of assertion (a ready-made JWT from a file, variable or command) and privateKey (sign one here)');
  if (options.assertion !== undefined) {
    for (const field of ['keyId', 'signingAlg', 'claims', 'assertionLifetimeSeconds'] as const)
      if (options[field] !== undefined)
        throw invalid(`${field} applies only with privateKey (an assertion from a source is sent as it is)`);
    return { source: readTokenSourceOption(options.assertion, 'assertion') };
  }
  const claims = options.claims ?? {};
  for (const field of ['issuer', 'subject'] as const)
    if (claims[field] !== undefined && (typeof claims[field] !== 'string' || claims[field] === ''))
      throw invalid(`claims.${field} must be a non-empty string`);
  const lifetime = options.assertionLifetimeSeconds;
  if (lifetime !== undefined && !(Number.isInteger(lifetime) && lifetime > 0 && lifetime <= 3600))
    throw invalid('assertionLifetimeSeconds must be a whole number of seconds from 1 to 3600');
  return { signing: readSigningKey(options), claims };
}

/**
 * The store key of a JWT bearer provider's tokens, from the options alone: the issuer and token
 * URL, the client, the scopes, and the assertion's origin (the source, or the claims and key id of
 * a signed one; never the key itself).
 *
 * @example
 * ```ts
 * jwtBearerKey({ tokenUrl: 'https://auth.example.com/token', clientId: 'robot', assertion: { env: 'ROBOT_ASSERTION' } });
 * // 'v2:jwt-bearer:robot@auth.example.com:…'
 * ```
 */
export function jwtBearerKey(options: JwtBearerOptions): string {
  const endpoints = [options.issuer, options.tokenUrl].filter((url) => url !== undefined).map((url) => new URL(url));
  const origin: Array<[string, string]> =
    options.assertion !== undefined
      ? [['assertion_source', JSON.stringify(options.assertion)]]
      : [
          ['assertion_iss', options.claims?.issuer ?? options.clientId],
          ['assertion_sub', options.claims?.subject ?? options.claims?.issuer ?? options.clientId],
          ...[options.claims?.audience ?? []].flat().map((aud): [string, string] => ['assertion_aud', aud]),
          ['assertion_kid', options.keyId ?? ''],
        ];
  return credentialsKey({
    strategy: 'jwt-bearer',
    endpoints,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    scopes: [...new Set(options.scopes ?? [])],
    authorizationParams: origin,
  });
}

/**
 * An OAuth 2 JWT bearer grant provider (RFC 7523 2.1): exchanges an assertion for an access token.
 * The assertion is either read from `assertion` (a file, variable or command, afresh each time) or
 * signed here from `privateKey` (with `iss`, `sub`, `aud` = the token endpoint, `iat`, a 60 s `exp`
 * and a random `jti`), then posted to the token endpoint; the token is cached and the grant runs
 * again when it expires. Client authentication is the OAuth 2 strategies' own (`authMethod`). A
 * refused assertion comes back as the server's `invalid_grant`, with `operation: 'token_request'`.
 * Neither the key nor an assertion ever enters a message or `inspect()`.
 *
 * @example
 * ```ts
 * import { createJwtBearerProvider } from '@tokensmith/jwt-bearer';
 * import { createAuthenticatedFetch } from '@tokensmith/core';
 *
 * const provider = createJwtBearerProvider({
 *   tokenUrl: 'https://auth.example.com/oauth2/token',
 *   clientId: 'deploy-bot',
 *   privateKey: process.env.DEPLOY_BOT_KEY!,
 *   keyId: 'deploy-bot-2026',
 *   claims: { subject: 'deploy-bot@example.iam' },
 *   scopes: ['deployments.write'],
 * });
 * const api = createAuthenticatedFetch(provider);
 * ```
 */
export function createJwtBearerProvider(options: JwtBearerOptions): JwtBearerProvider {
  requireOptions(options, 'createJwtBearerProvider');
  const origin = assertionOrigin(options);
  // `privateKey`, `keyId` and `signingAlg` here sign the grant's assertion (RFC 7523 2.1), not a client
  // assertion (2.2): kept out of the client options, where a `privateKey` would mean private_key_jwt.
  const { privateKey: _assertionKey, keyId: _keyId, signingAlg: _alg, ...clientOptions } = options;
  const { settings, onProgress, sourceOptions } = readWorkloadOptions(clientOptions, 'jwt-bearer');
  const sign = async (tokenEndpoint: string, now: number): Promise<string> => {
    if ('source' in origin) return readTokenSource(origin.source, 'assertion', sourceOptions);
    const iss = origin.claims.issuer ?? settings.client.clientId;
    const claims = assertionClaims({
      issuer: iss,
      subject: origin.claims.subject ?? iss,
      audience: origin.claims.audience ?? tokenEndpoint,
      now,
      ...(options.assertionLifetimeSeconds === undefined ? {} : { lifetimeSeconds: options.assertionLifetimeSeconds }),
    });
    const { signing } = origin;
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: signing.alg, typ: 'JWT', ...(signing.keyId === undefined ? {} : { kid: signing.keyId }) })
      .sign(signing.key);
  };
  return createWorkloadGrantProvider(
    {
      ...settings,
      key: jwtBearerKey(options),
      description: {
        ...settings.description,
        assertion: 'source' in origin ? describeTokenSource(origin.source) : `signed here (${origin.signing.alg})`,
      },
    },
    {
      strategy: 'jwt-bearer' as const,
      grantType: JWT_BEARER_GRANT_TYPE,
      operation: 'jwt bearer request',
      parameters: async ({ tokenEndpoint, now }) => [['assertion', await sign(tokenEndpoint, now)]],
    },
    (event) => onProgress?.(event.message),
  );
}
