import { createLocalJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { SandboxRequest } from './http-util.js';
import { SANDBOX_CLIENT_KEYS } from './client-assertion-keys.js';
import type { SandboxOAuth2Client, SandboxState } from './state.js';

// JWT client authentication at the sandbox (RFC 7523 2.2 and 3, OpenID Connect Core 9):
// `private_key_jwt` (verified against the client's registered JWK set) and `client_secret_jwt`
// (an HMAC with the client secret). Verified with jose, strictly: signature and algorithm, `iss` and
// `sub` the client, `aud` the token endpoint or the issuer, `exp` in the future and at most
// MAX_ASSERTION_LIFETIME_SECONDS away, a `jti` never seen before.

/** RFC 7523 2.2's `client_assertion_type`. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The longest an assertion may live from now, in seconds: a long-lived assertion is a password. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;

/** The JWS algorithms each method accepts (advertised as `token_endpoint_auth_signing_alg_values_supported`). */
export const ASSERTION_ALGORITHMS = {
  private_key_jwt: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'],
  client_secret_jwt: ['HS256', 'HS384', 'HS512'],
} as const;

/** The client authentication methods the sandbox's client endpoints accept, in metadata order. */
export const TOKEN_ENDPOINT_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt', 'client_secret_jwt'];

/** The outcome of checking a request's client assertion. */
export type AssertionResult = { ok: true; clientId: string } | { ok: false; description: string };

/** The clients registered for JWT client authentication by default: one per method. */
export const JWT_CLIENTS = {
  privateKeyJwt: { clientId: 'sandbox-private-key-jwt', name: 'tokensmith demo (private_key_jwt)' },
  clientSecretJwt: {
    clientId: 'sandbox-client-secret-jwt',
    clientSecret: 'sandbox-client-secret-jwt-hmac-key-do-not-use-elsewhere',
    name: 'tokensmith demo (client_secret_jwt)',
  },
} as const;

/** Every grant the JWT clients may use: the user grants, client credentials and the two workload grants. */
const JWT_CLIENT_GRANTS = [
  'authorization_code',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:device_code',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
];

/**
 * Fresh registrations of the two JWT clients: `sandbox-private-key-jwt` (the public keys of
 * {@link SANDBOX_CLIENT_KEYS}) and `sandbox-client-secret-jwt`, both allowed every grant.
 *
 * @example
 * ```ts
 * import { jwtClientRegistrations, startSandbox } from '@tokensmith/sandbox';
 * await startSandbox({ oauth2Clients: [...jwtClientRegistrations()] });
 * ```
 */
export function jwtClientRegistrations(): SandboxOAuth2Client[] {
  return [
    {
      ...JWT_CLIENTS.privateKeyJwt,
      redirectUris: ['http://127.0.0.1/callback'],
      grantTypes: [...JWT_CLIENT_GRANTS],
      authMethod: 'private_key_jwt',
      jwks: { keys: Object.values(SANDBOX_CLIENT_KEYS).map((key) => ({ ...key.publicJwk })) },
    },
    {
      ...JWT_CLIENTS.clientSecretJwt,
      redirectUris: ['http://127.0.0.1/callback'],
      grantTypes: [...JWT_CLIENT_GRANTS],
      authMethod: 'client_secret_jwt',
    },
  ];
}

function seenJtis(state: SandboxState): Map<string, number> {
  const existing = state.extensions.assertionJtis as Map<string, number> | undefined;
  if (existing) return existing;
  const created = new Map<string, number>();
  state.extensions.assertionJtis = created;
  return created;
}

function failed(description: string): AssertionResult {
  return { ok: false, description };
}

function claimedClient(assertion: string): string | undefined {
  try {
    const { iss, sub } = decodeJwt(assertion);
    return typeof sub === 'string' ? sub : typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'the client assertion has expired (exp is in the past)';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'the client assertion aud must be the token endpoint or the issuer';
    if (error.claim === 'iss' || error.claim === 'sub') return 'the client assertion iss and sub must both be the client_id';
    return `the client assertion claim ${error.claim} is invalid (${error.reason})`;
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'the client assertion alg is not one this client may use';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'no registered key of this client matches the assertion (check kid and alg)';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the client assertion signature is invalid';
  return 'the client assertion is not a valid JWT';
}

/**
 * Checks a request's JWT client assertion, if it carries one (`client_assertion`); undefined
 * when it does not. The `jti` is remembered until the assertion expires, so a replay is refused.
 *
 * @example
 * ```ts
 * const result = await verifyClientAssertion(state, req); // { ok: true, clientId } | { ok: false, description } | undefined
 * ```
 */
export async function verifyClientAssertion(state: SandboxState, req: SandboxRequest): Promise<AssertionResult | undefined> {
  const form = req.form;
  const assertion = form?.get('client_assertion');
  const type = form?.get('client_assertion_type');
  if (assertion == null && type == null) return undefined;
  if (type !== JWT_BEARER_ASSERTION_TYPE) return failed(`client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}`);
  if (!assertion) return failed('client_assertion is required with client_assertion_type');
  const clientId = claimedClient(assertion);
  const client = clientId === undefined ? undefined : state.oauth2Clients.find((c) => c.clientId === clientId);
  if (!client) return failed('the client assertion names no registered client (sub and iss must be the client_id)');
  const formId = form?.get('client_id');
  if (formId && formId !== client.clientId) return failed('client_id does not match the client assertion');
  let key: JWTVerifyGetKey | Uint8Array;
  if (client.authMethod === 'private_key_jwt' && client.jwks) key = createLocalJWKSet(client.jwks);
  else if (client.authMethod === 'client_secret_jwt' && client.clientSecret) key = new TextEncoder().encode(client.clientSecret);
  else return failed('this client is not registered for JWT client authentication');
  const nowSeconds = Math.floor(state.now() / 1000);
  const rules = {
    algorithms: [...ASSERTION_ALGORITHMS[client.authMethod]],
    issuer: client.clientId,
    subject: client.clientId,
    audience: [new URL('/oauth2/token', state.baseUrl).href, state.baseUrl],
    currentDate: new Date(state.now()),
    requiredClaims: ['exp', 'jti'],
    clockTolerance: 5,
  };
  let payload;
  try {
    ({ payload } = typeof key === 'function' ? await jwtVerify(assertion, key, rules) : await jwtVerify(assertion, key, rules));
  } catch (error) {
    return failed(describeJoseError(error));
  }
  if (payload.exp! - nowSeconds > MAX_ASSERTION_LIFETIME_SECONDS)
    return failed(`the client assertion lives too long: exp must be at most ${MAX_ASSERTION_LIFETIME_SECONDS} seconds away`);
  const jtis = seenJtis(state);
  for (const [seen, expiresAt] of jtis) if (expiresAt < nowSeconds - 10) jtis.delete(seen);
  const jti = `${client.clientId} ${String(payload.jti)}`;
  if (jtis.has(jti)) return failed('the client assertion was already used (jti replayed): sign a new one for every request');
  jtis.set(jti, payload.exp!);
  return { ok: true, clientId: client.clientId };
}
