import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { DEMO_CREDENTIALS, type SandboxState } from './state.js';

// OpenID Connect ID tokens: RS256 JWTs signed with a key made on first use (one per sandbox).

const ID_TOKEN_TTL_SECONDS = 3_600;

interface SigningKey {
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
  kid: string;
}

/**
 * The sandbox's RS256 signing key (made on first use, kept in `state.extensions.signingKey`);
 * its public JWK is served at `/oauth2/jwks`.
 *
 * @example
 * ```ts
 * sendJson(res, 200, { keys: [signingKey(state).jwk] });
 * ```
 */
export function signingKey(state: SandboxState): SigningKey {
  let key = state.extensions.signingKey as SigningKey | undefined;
  if (!key) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { n, e } = publicKey.export({ format: 'jwk' });
    // RFC 7638 thumbprint as the key id.
    const kid = createHash('sha256')
      .update(JSON.stringify({ e, kty: 'RSA', n }))
      .digest('base64url');
    key = { privateKey, kid, jwk: { kty: 'RSA', n, e, kid, use: 'sig', alg: 'RS256' } };
    state.extensions.signingKey = key;
  }
  return key;
}

/**
 * A hand-built RS256 ID token (RFC 7515 compact serialisation) for the demo user.
 *
 * @example
 * ```ts
 * body.id_token = idToken(state, client.clientId, { scopes, nonce, authTime });
 * ```
 */
export function idToken(
  state: SandboxState,
  clientId: string,
  auth: { scopes: string[]; nonce: string | undefined; authTime: number },
): string {
  const key = signingKey(state);
  const iat = Math.floor(state.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: state.baseUrl,
    sub: DEMO_CREDENTIALS.user.userId,
    aud: clientId,
    iat,
    exp: iat + ID_TOKEN_TTL_SECONDS,
    auth_time: Math.floor(auth.authTime / 1000),
    preferred_username: DEMO_CREDENTIALS.user.screenName,
  };
  if (auth.nonce !== undefined) claims.nonce = auth.nonce;
  if (auth.scopes.includes('profile')) claims.name = 'Twitter API';
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'RS256', typ: 'JWT', kid: key.kid })}.${encode(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}
