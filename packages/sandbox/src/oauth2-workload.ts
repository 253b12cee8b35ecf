import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { SignJWT, decodeProtectedHeader, errors as joseErrors, importJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { sendJson, type SandboxRequest } from './http-util.js';
import { openClientRequest, parseScopes, reject } from './oauth2-grants.js';
import { parseResources } from './oauth2-resources.js';
import { DEMO_CREDENTIALS, randomToken, type SandboxState } from './state.js';

// The two grants a workload uses with no person (issue 25): RFC 8693 token exchange, which trades
// a CI job's OIDC token (a JWT from the sandbox's own "CI issuer") or a token this sandbox issued
// for a short-lived access token; and RFC 7523 2.1 JWT bearer, which trades an assertion signed by a
// registered key. Both are verified with jose, as a real server would: signature, iss, aud, exp,
// and for assertions jti replay. Their tokens go into `state.userTokens`, so the timeline and the
// API practice endpoints accept them.

/** RFC 8693 2.1. */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** RFC 7523 2.1. */
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

const TOKEN_TYPE = {
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
  idToken: 'urn:ietf:params:oauth:token-type:id_token',
} as const;

/**
 * Default lifetime of a token from either grant, seconds: short, as an STS's are;
 * `state.extensions.workloadTokenTtlSeconds` overrides it.
 *
 * @example
 * ```ts
 * sandbox.state.extensions.workloadTokenTtlSeconds = 60;
 * ```
 */
export const DEFAULT_WORKLOAD_TOKEN_TTL_SECONDS = 300;

/** The longest an RFC 7523 assertion may live (its `exp` past now), seconds: a longer one is refused. */
export const MAX_GRANT_ASSERTION_LIFETIME_SECONDS = 3_600;

/** The audiences (RFC 8693 `audience`) a token exchange may name besides the sandbox's own URL. */
export const EXCHANGE_AUDIENCES = ['sandbox-api'] as const;

interface CiIssuer {
  issuer: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  kid: string;
}

interface WorkloadData {
  /** RFC 7523 issuers and the public keys their assertions are checked against. */
  assertionKeys: Map<string, { key: KeyObject | Uint8Array; subjects?: readonly string[] }>;
  /** Assertion `jti`s seen, until their `exp` (epoch ms): a replay is refused. */
  seenJtis: Map<string, number>;
  ci?: CiIssuer;
}

function workloadData(state: SandboxState): WorkloadData {
  let data = state.extensions.workload as WorkloadData | undefined;
  if (!data) {
    data = { assertionKeys: new Map(), seenJtis: new Map() };
    state.extensions.workload = data;
  }
  return data;
}

function ciIssuer(state: SandboxState): CiIssuer {
  const data = workloadData(state);
  if (!data.ci) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    data.ci = { issuer: `${state.baseUrl}/ci`, privateKey, publicKey, kid: randomToken(8) };
  }
  return data.ci;
}

/**
 * Mints a CI job's OIDC token (an ES256 JWT from the sandbox's "CI issuer", `iss` = `<sandbox>/ci`,
 * `aud` = the sandbox's URL unless `claims.aud` says otherwise, 10 minutes unless `claims.exp`),
 * the subject token a token exchange accepts, as GitHub Actions or GitLab would issue one.
 *
 * @example
 * ```ts
 * const subjectToken = await mintCiToken(sandbox.state, { sub: 'repo:acme/app:ref:refs/heads/main' });
 * ```
 */
export async function mintCiToken(state: SandboxState, claims: JWTPayload = {}): Promise<string> {
  const ci = ciIssuer(state);
  const now = Math.floor(state.now() / 1000);
  return new SignJWT({ sub: 'repo:tokensmith/demo:ref:refs/heads/main', aud: state.baseUrl, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: ci.kid, typ: 'JWT' })
    .setIssuer(ci.issuer)
    .setIssuedAt(now)
    .setExpirationTime(claims.exp ?? now + 600)
    .sign(ci.privateKey);
}

/**
 * Registers an RFC 7523 assertion issuer and its public key (a JWK or a `KeyObject`; an `oct` JWK
 * for HS256), optionally limited to some subjects. A JWT bearer grant's assertion must be signed
 * by the key registered for its `iss`.
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from 'node:crypto';
 * const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
 * await registerAssertionKey(sandbox.state, { issuer: 'ci-robot', publicKey, subjects: ['deploy-bot'] });
 * ```
 */
export async function registerAssertionKey(
  state: SandboxState,
  registration: { issuer: string; publicKey: JWK | KeyObject; subjects?: readonly string[] },
): Promise<void> {
  const { publicKey } = registration;
  const key =
    'type' in publicKey && typeof publicKey.export === 'function'
      ? publicKey
      : ((await importJWK(publicKey as JWK, (publicKey as JWK).alg ?? algFor(publicKey as JWK))) as KeyObject | Uint8Array);
  workloadData(state).assertionKeys.set(registration.issuer, {
    key,
    ...(registration.subjects ? { subjects: registration.subjects } : {}),
  });
}

function algFor(jwk: JWK): string {
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'OKP') return 'EdDSA';
  if (jwk.kty === 'oct') return 'HS256';
  return { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[jwk.crv ?? ''] ?? 'ES256';
}

function ttlSeconds(state: SandboxState): number {
  const value = state.extensions.workloadTokenTtlSeconds;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : DEFAULT_WORKLOAD_TOKEN_TTL_SECONDS;
}

/** Issues a workload access token (into `state.userTokens`) and returns the token response body. */
function issueWorkloadToken(state: SandboxState, clientId: string, scopes: string[], audience: string[]): Record<string, unknown> {
  const ttl = ttlSeconds(state);
  const accessToken = randomToken(32, 'wl-');
  state.userTokens.set(accessToken, {
    clientId,
    screenName: DEMO_CREDENTIALS.user.screenName,
    scopes,
    expiresAt: state.now() + ttl * 1000,
    issuedAt: state.now(),
    ...(audience.length ? { audience } : {}),
  });
  return {
    access_token: accessToken,
    issued_token_type: TOKEN_TYPE.accessToken,
    token_type: 'Bearer',
    expires_in: ttl,
    scope: scopes.join(' '),
  };
}

/** What a JOSE failure means, in words that name the claim (never the token). */
function joseReason(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'it expired (exp)';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `its ${error.claim} claim is not accepted (${error.reason})`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'its signature does not verify';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'its alg is not allowed';
  return 'it is not a valid JWT';
}

const WORKLOAD_SCOPES = ['tweet.read', 'users.read'];

function requestedScopes(state: SandboxState, res: ServerResponse, form: URLSearchParams): string[] | undefined {
  if (form.get('scope') === null) return WORKLOAD_SCOPES;
  const scopes = parseScopes(form.get('scope'));
  if (!scopes || scopes.length === 0) return reject(state, res, 400, 'invalid_scope', 'unknown scope');
  return scopes;
}

/** Checks a subject or actor token of `type`; returns its subject, or the invalid_grant description. */
async function verifyPresentedToken(state: SandboxState, token: string, type: string, role: string): Promise<{ sub: string } | string> {
  if (type === TOKEN_TYPE.accessToken) {
    const issued = state.userTokens.get(token);
    if (!issued || issued.expiresAt <= state.now()) return `the ${role} token is not an active access token of this server`;
    return { sub: issued.screenName };
  }
  if (type !== TOKEN_TYPE.jwt && type !== TOKEN_TYPE.idToken)
    return `${role}_token_type ${type.slice(0, 80)} is not supported (use ${TOKEN_TYPE.jwt}, ${TOKEN_TYPE.idToken} or ${TOKEN_TYPE.accessToken})`;
  const ci = ciIssuer(state);
  try {
    const { payload } = await jwtVerify(token, ci.publicKey, {
      issuer: ci.issuer,
      audience: state.baseUrl,
      algorithms: ['ES256'],
      currentDate: new Date(state.now()),
      requiredClaims: ['exp', 'sub'],
    });
    return { sub: payload.sub! };
  } catch (error) {
    return `the ${role} token was refused: ${joseReason(error)}`;
  }
}

/**
 * The token endpoint's RFC 8693 token exchange grant: `subject_token` (a CI issuer JWT, or an
 * active access token of this sandbox) with its `subject_token_type`, an optional actor token,
 * `audience` (the sandbox's URL or one of {@link EXCHANGE_AUDIENCES}, else `invalid_target`),
 * `resource` (RFC 8707, else `invalid_target`), `scope`; answers `issued_token_type` and a short
 * `expires_in`.
 *
 * @example
 * ```ts
 * grants.set(TOKEN_EXCHANGE_GRANT_TYPE, tokenExchangeGrant);
 * ```
 */
export async function tokenExchangeGrant(req: SandboxRequest, res: ServerResponse, state: SandboxState): Promise<void> {
  const opened = openClientRequest(req, res, state, { grantType: TOKEN_EXCHANGE_GRANT_TYPE, required: 'subject_token' });
  if (!opened) return;
  const { client, form, required: subjectToken } = opened;
  const subjectType = form.get('subject_token_type');
  if (!subjectType) return void reject(state, res, 400, 'invalid_request', 'subject_token_type is required (RFC 8693 2.1)');
  const requested = form.get('requested_token_type');
  if (requested !== null && requested !== TOKEN_TYPE.accessToken)
    return void reject(state, res, 400, 'invalid_target', `requested_token_type must be ${TOKEN_TYPE.accessToken} here`);
  const audiences = form.getAll('audience');
  const allowed: string[] = [state.baseUrl, ...EXCHANGE_AUDIENCES];
  const unknown = audiences.find((a) => !allowed.includes(a));
  if (unknown !== undefined)
    return void reject(
      state,
      res,
      400,
      'invalid_target',
      `audience ${unknown.slice(0, 80)} is not a service this server issues tokens for`,
    );
  const resources = parseResources(state, form.getAll('resource'));
  if (typeof resources === 'string') return void reject(state, res, 400, 'invalid_target', resources);
  const scopes = requestedScopes(state, res, form);
  if (!scopes) return;
  const subject = await verifyPresentedToken(state, subjectToken, subjectType, 'subject');
  if (typeof subject === 'string') return void reject(state, res, 400, 'invalid_grant', subject);
  const actorToken = form.get('actor_token');
  const actorType = form.get('actor_token_type');
  if ((actorToken === null) !== (actorType === null))
    return void reject(state, res, 400, 'invalid_request', 'actor_token and actor_token_type go together (RFC 8693 2.1)');
  if (actorToken !== null) {
    const actor = await verifyPresentedToken(state, actorToken, actorType!, 'actor');
    if (typeof actor === 'string') return void reject(state, res, 400, 'invalid_grant', actor);
  }
  state.stats.tokenExchanges = (state.stats.tokenExchanges ?? 0) + 1;
  // Bound to the RFC 8707 resources only: the logical audiences all name this sandbox's API.
  sendJson(res, 200, issueWorkloadToken(state, client.clientId, scopes, resources));
}

/**
 * The token endpoint's RFC 7523 2.1 JWT bearer grant: the `assertion` must be signed by the key
 * registered for its `iss` ({@link registerAssertionKey}), name a `sub` (one the registration
 * allows), have this token endpoint (or the issuer) as `aud`, an `exp` at most
 * {@link MAX_GRANT_ASSERTION_LIFETIME_SECONDS} ahead, and a `jti` never seen before.
 *
 * @example
 * ```ts
 * grants.set(JWT_BEARER_GRANT_TYPE, jwtBearerGrant);
 * ```
 */
export async function jwtBearerGrant(req: SandboxRequest, res: ServerResponse, state: SandboxState): Promise<void> {
  const opened = openClientRequest(req, res, state, { grantType: JWT_BEARER_GRANT_TYPE, required: 'assertion' });
  if (!opened) return;
  const { client, form, required: assertion } = opened;
  const scopes = requestedScopes(state, res, form);
  if (!scopes) return;
  const data = workloadData(state);
  let issuer: string | undefined;
  try {
    decodeProtectedHeader(assertion);
    const [, body] = assertion.split('.');
    issuer = (JSON.parse(Buffer.from(body ?? '', 'base64url').toString('utf8')) as JWTPayload).iss;
  } catch {
    return void reject(state, res, 400, 'invalid_grant', 'the assertion is not a JWT');
  }
  const registered = issuer === undefined ? undefined : data.assertionKeys.get(issuer);
  if (!registered) return void reject(state, res, 400, 'invalid_grant', 'the assertion iss is not a registered issuer');
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, registered.key, {
      issuer,
      audience: [new URL('/oauth2/token', state.baseUrl).href, state.baseUrl],
      currentDate: new Date(state.now()),
      requiredClaims: ['exp', 'sub', 'jti'],
    }));
  } catch (error) {
    return void reject(state, res, 400, 'invalid_grant', `the assertion was refused: ${joseReason(error)}`);
  }
  const nowMs = state.now();
  if (payload.exp! * 1000 - nowMs > MAX_GRANT_ASSERTION_LIFETIME_SECONDS * 1000)
    return void reject(state, res, 400, 'invalid_grant', `the assertion exp is more than ${MAX_GRANT_ASSERTION_LIFETIME_SECONDS} s ahead`);
  if (registered.subjects && !registered.subjects.includes(payload.sub!))
    return void reject(state, res, 400, 'invalid_grant', 'the assertion sub is not one this issuer may name');
  for (const [jti, until] of data.seenJtis) if (until <= nowMs) data.seenJtis.delete(jti);
  const jtiKey = `${issuer}\n${payload.jti}`;
  if (data.seenJtis.has(jtiKey)) return void reject(state, res, 400, 'invalid_grant', 'the assertion jti was already used (replay)');
  data.seenJtis.set(jtiKey, payload.exp! * 1000);
  state.stats.jwtBearerGrants = (state.stats.jwtBearerGrants ?? 0) + 1;
  const body = issueWorkloadToken(state, client.clientId, scopes, []);
  delete body.issued_token_type;
  sendJson(res, 200, body);
}

/**
 * Installs the token exchange and JWT bearer grants on `/oauth2/token` (the discovery document
 * advertises both). Must run after `installOAuth2App` (it adds to its grant table).
 *
 * @example
 * ```ts
 * await startSandbox({ modules: [installOAuth2App, installTimeline, installOAuth2User, installWorkloadGrants] });
 * ```
 */
export function installWorkloadGrants(state: SandboxState): void {
  const grants = state.extensions.grants as Map<string, typeof tokenExchangeGrant> | undefined;
  if (!grants) throw new Error('installWorkloadGrants must run after installOAuth2App');
  grants.set(TOKEN_EXCHANGE_GRANT_TYPE, tokenExchangeGrant);
  grants.set(JWT_BEARER_GRANT_TYPE, jwtBearerGrant);
}
