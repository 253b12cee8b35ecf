import { createHash, createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { TokensmithError } from '@tokensmith/core/kit';

// JWT client authentication (RFC 7523 2.2, OpenID Connect Core 9): the option parsing and the
// assertion signing every OAuth 2 strategy shares. This module imports no openid-client and loads
// jose only when it signs, so client credentials (simple-oauth2) and the workload grants can use it
// without paying for the user strategies' library. Exported as `@tokensmith/oauth2/client-assertion`.

/** RFC 7523 2.2: the `client_assertion_type` of a JWT client assertion. */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** How long a client assertion lives: short, since it is a bearer credential until it expires (RFC 7523 3, item 4). */
export const CLIENT_ASSERTION_LIFETIME_SECONDS = 60;

/** The two JWT client authentication methods (RFC 7591 / OpenID Connect names). */
export type ClientAssertionMethod = 'private_key_jwt' | 'client_secret_jwt';

/** The JWS algorithms each kind of key may sign with; the first is the default. */
const ALGORITHMS = {
  rsa: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  'rsa-pss': ['PS256', 'PS384', 'PS512'],
  'P-256': ['ES256'],
  'P-384': ['ES384'],
  'P-521': ['ES512'],
  ed25519: ['EdDSA'],
  secret: ['HS256', 'HS384', 'HS512'],
} as const;

/** What a JWT client authentication is configured with, before it is checked. */
export interface ClientAssertionOptions {
  authMethod: ClientAssertionMethod;
  clientId: string;
  /** `client_secret_jwt`: the shared secret, the HMAC key. */
  clientSecret?: string | undefined;
  /** `private_key_jwt`: a PEM (PKCS #8, PKCS #1 or SEC 1) or a private JWK (an object or its JSON text). */
  privateKey?: string | Record<string, unknown> | KeyObject | undefined;
  /** The JWS `kid` header: which of the client's registered keys signed. Default: the JWK's `kid`, if any. */
  keyId?: string | undefined;
  /** The JWS algorithm. Default: from the key (RSA RS256, P-256 ES256, P-384 ES384, Ed25519 EdDSA; a secret HS256). */
  signingAlg?: string | undefined;
}

/** The claims of one assertion; `iss`, `sub`, `aud`, `exp` and `jti` at least for client authentication. */
export type AssertionClaims = Record<string, unknown> & { iss: string; aud: string | string[]; exp: number; jti: string };

/**
 * A checked JWT client authentication: it signs assertions with the configured key, and says
 * what it is (for `inspect()`, the store key) without ever showing the key.
 */
export interface ClientAssertionSigner {
  readonly method: ClientAssertionMethod;
  readonly alg: string;
  readonly keyId: string | undefined;
  /** An SHA-256 fingerprint of the public key (private_key_jwt) or of the secret: part of a store key, never the key. */
  readonly fingerprint: string;
  /** The private key (private_key_jwt) as a Node KeyObject, or the HMAC key bytes (client_secret_jwt). Never print it. */
  readonly key: KeyObject | Uint8Array;
  /** Signs `claims` as a compact JWS with the configured algorithm and `kid`. */
  sign(claims: Record<string, unknown>): Promise<string>;
  /** Signs a fresh client assertion (RFC 7523 2.2: new `jti`, `iat` now, `exp` 60 s on) for `audience`. */
  clientAssertion(audience: string | string[], nowMs: number): Promise<string>;
}

function invalid(message: string): TokensmithError {
  return new TokensmithError('invalid_options', message);
}

/**
 * The claims of a client assertion (RFC 7523 3): `iss` and `sub` the client id, `aud` the
 * authorization server, a random `jti` (so a server can refuse a replay), `iat` now and a short `exp`.
 *
 * @example
 * ```ts
 * clientAssertionClaims('my-client', 'https://auth.example.com/oauth2/token', Date.now());
 * // { iss: 'my-client', sub: 'my-client', aud: 'https://auth.example.com/oauth2/token', jti: '…', iat: …, exp: … + 60 }
 * ```
 */
export function clientAssertionClaims(clientId: string, audience: string | string[], nowMs: number): AssertionClaims {
  const iat = Math.floor(nowMs / 1000);
  return {
    iss: clientId,
    sub: clientId,
    aud: audience,
    jti: randomBytes(24).toString('base64url'),
    iat,
    exp: iat + CLIENT_ASSERTION_LIFETIME_SECONDS,
  };
}

/**
 * Reads a private key: a PEM (`-----BEGIN PRIVATE KEY-----`, RSA or EC PEMs too) or a private JWK
 * (an object, or its JSON text). Throws `invalid_options` naming `field`, never quoting the key.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * const privateKey = parsePrivateKey(readFileSync('client-key.pem', 'utf8')); // KeyObject, type 'private'
 * ```
 */
export function parsePrivateKey(value: unknown, field = 'privateKey'): KeyObject {
  if (typeof value === 'object' && value !== null && (value as KeyObject).type === 'private' && 'asymmetricKeyType' in value)
    return value as KeyObject;
  let key: KeyObject;
  try {
    if (typeof value === 'string' && value.trimStart().startsWith('-----BEGIN')) key = createPrivateKey(value);
    else {
      const jwk = (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>;
      if (!jwk || typeof jwk !== 'object' || typeof jwk.kty !== 'string') throw new Error('not a JWK');
      key = createPrivateKey({ key: jwk as never, format: 'jwk' });
    }
  } catch {
    throw invalid(`${field} must be a private key: a PEM (-----BEGIN PRIVATE KEY-----) or a private JWK (with "d")`);
  }
  if (key.type !== 'private') throw invalid(`${field} must be a private key, not a public one`);
  return key;
}

function keyKind(key: KeyObject): keyof typeof ALGORITHMS | undefined {
  const type = key.asymmetricKeyType;
  if (type === 'rsa' || type === 'rsa-pss' || type === 'ed25519') return type;
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : undefined;
  }
  return undefined;
}

/**
 * The JWS algorithm a key signs with by default: RSA RS256, EC P-256 ES256, P-384 ES384, P-521
 * ES512, Ed25519 EdDSA. Throws for a key no client assertion can use (Ed448, secp256k1, DSA).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * defaultSigningAlg(parsePrivateKey(readFileSync('p256-key.pem', 'utf8'))); // 'ES256'
 * ```
 */
export function defaultSigningAlg(key: KeyObject, field = 'privateKey'): string {
  const kind = keyKind(key);
  if (!kind) throw invalid(`${field} must be an RSA, EC (P-256, P-384, P-521) or Ed25519 key`);
  return ALGORITHMS[kind][0];
}

function checkAlg(kind: keyof typeof ALGORITHMS, alg: string | undefined, what: string): string {
  const allowed: readonly string[] = ALGORITHMS[kind];
  if (alg === undefined) return allowed[0]!;
  if (!allowed.includes(alg)) throw invalid(`signingAlg ${JSON.stringify(alg)} does not fit ${what}: use ${allowed.join(', ')}`);
  return alg;
}

function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('base64url');
}

/**
 * Checks a JWT client authentication's options and returns its signer: `private_key_jwt` needs
 * `privateKey` (and no `clientSecret`), `client_secret_jwt` needs `clientSecret`; `signingAlg`
 * must fit the key. Errors are `invalid_options` naming the field, never quoting a key or secret.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * const privateKey = readFileSync('client-key.pem', 'utf8');
 * const signer = readClientAssertion({ authMethod: 'private_key_jwt', clientId: 'cli', privateKey, keyId: 'k1' });
 * const assertion = await signer.clientAssertion('https://auth.example.com/oauth2/token', Date.now());
 * ```
 */
export function readClientAssertion(options: ClientAssertionOptions): ClientAssertionSigner {
  const { authMethod, clientId, keyId } = options;
  if (keyId !== undefined && (typeof keyId !== 'string' || keyId === '')) throw invalid('keyId must be a non-empty string');
  if (options.signingAlg !== undefined && typeof options.signingAlg !== 'string')
    throw invalid('signingAlg must be a string such as ES256');
  let key: KeyObject | Uint8Array;
  let alg: string;
  let kid = keyId;
  let fingerprint: string;
  if (authMethod === 'private_key_jwt') {
    if (options.privateKey === undefined) throw invalid("authMethod 'private_key_jwt' needs privateKey (a PEM or a private JWK)");
    if (options.clientSecret !== undefined) throw invalid("authMethod 'private_key_jwt' signs with privateKey: remove clientSecret");
    const privateKey = parsePrivateKey(options.privateKey);
    const kind = keyKind(privateKey);
    if (!kind) throw invalid('privateKey must be an RSA, EC (P-256, P-384, P-521) or Ed25519 key');
    alg = checkAlg(kind, options.signingAlg, `a ${kind} key`);
    if (kid === undefined && typeof options.privateKey === 'object' && !('asymmetricKeyType' in options.privateKey)) {
      const jwkKid = (options.privateKey as Record<string, unknown>).kid;
      if (typeof jwkKid === 'string' && jwkKid !== '') kid = jwkKid;
    }
    if (kid === undefined && typeof options.privateKey === 'string' && !options.privateKey.trimStart().startsWith('-----BEGIN')) {
      const jwkKid = (JSON.parse(options.privateKey) as Record<string, unknown>).kid;
      if (typeof jwkKid === 'string' && jwkKid !== '') kid = jwkKid;
    }
    key = privateKey;
    fingerprint = sha256(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }));
  } else if (authMethod === 'client_secret_jwt') {
    if (options.clientSecret === undefined || options.clientSecret === '')
      throw invalid("authMethod 'client_secret_jwt' needs clientSecret (the HMAC key)");
    if (options.privateKey !== undefined) throw invalid("authMethod 'client_secret_jwt' signs with clientSecret: remove privateKey");
    alg = checkAlg('secret', options.signingAlg, 'client_secret_jwt (an HMAC)');
    key = new TextEncoder().encode(options.clientSecret);
    fingerprint = sha256(`client_secret_jwt:${options.clientSecret}`);
  } else {
    throw invalid("authMethod must be 'private_key_jwt' or 'client_secret_jwt' for a client assertion");
  }
  const sign = async (claims: Record<string, unknown>): Promise<string> => {
    const { SignJWT } = await import('jose');
    return new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT', ...(kid === undefined ? {} : { kid }) }).sign(key);
  };
  const signer: ClientAssertionSigner = {
    method: authMethod,
    alg,
    keyId: kid,
    fingerprint,
    key,
    sign,
    clientAssertion: (audience, nowMs) => sign(clientAssertionClaims(clientId, audience, nowMs)),
  };
  // The key is a property for the libraries that sign themselves; inspect() and JSON never show it.
  Object.defineProperty(signer, 'key', { enumerable: false });
  Object.defineProperty(signer, Symbol.for('nodejs.util.inspect.custom'), {
    enumerable: false,
    value: () => `ClientAssertionSigner { method: '${authMethod}', alg: '${alg}'${kid === undefined ? '' : `, keyId: '${kid}'`} }`,
  });
  return signer;
}

/**
 * The body parameters of a JWT client authentication (RFC 7523 2.2): `client_id` (OAuth 2.1 and
 * most servers want it beside the assertion), `client_assertion_type` and a fresh `client_assertion`.
 *
 * @example
 * ```ts
 * const signer = readClientAssertion({ authMethod: 'client_secret_jwt', clientId: 'cli', clientSecret });
 * const form = new URLSearchParams({ grant_type: 'client_credentials', ...(await clientAssertionParams(signer, 'cli', tokenUrl, Date.now())) });
 * ```
 */
export async function clientAssertionParams(
  signer: ClientAssertionSigner,
  clientId: string,
  audience: string | string[],
  nowMs: number,
): Promise<{ client_id: string; client_assertion_type: string; client_assertion: string }> {
  return {
    client_id: clientId,
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: await signer.clientAssertion(audience, nowMs),
  };
}
