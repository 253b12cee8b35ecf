import {
  MAX_AUTH_RESPONSE_BYTES,
  VSCHAR,
  MemoryStore,
  TokensmithError,
  limitResponseBody,
  optionalFunction,
  optionalString,
  readDPoPOption,
  requireEndpoint,
  requireString,
  resolveSkewMs,
  resolveTimeoutMs,
  type DPoPAlgorithm,
  type TokenStore,
} from '@tokensmith/core/kit';
import { readClientAssertion, type ClientAssertionSigner } from './client-assertion.js';
import type { ClientAuthMethod, ClientSettings } from './client-config.js';
import type { EndpointSettings, FlowEndpointField } from './server-metadata.js';
import { credentialsKey } from './token-key.js';

/**
 * The options every OAuth 2 user strategy (authorization code, device code) shares. Give
 * `issuer` (discovery), or the flow's endpoint and `tokenUrl` (+ `revocationUrl`); explicit
 * endpoints given with `issuer` override the discovered ones.
 */
export interface OAuth2ClientOptions {
  /** The issuer identifier, e.g. `https://auth.example.com`: endpoints come from its discovery document. */
  issuer?: string | URL;
  /** The token endpoint, e.g. `https://api.twitter.com/2/oauth2/token`. */
  tokenUrl?: string | URL;
  /** The revocation endpoint (RFC 7009), used by `logout()`. */
  revocationUrl?: string | URL;
  clientId: string;
  /** Only for confidential clients. Public clients (CLIs) have none. */
  clientSecret?: string;
  /**
   * How the client authenticates: `basic` (HTTP Basic, RFC 6749 2.3.1; the default with a
   * secret), `post` (`client_secret` in the body), `none` (a public client; the default without
   * one), `private_key_jwt` (an assertion signed with `privateKey`) or `client_secret_jwt` (an
   * assertion MACed with `clientSecret`, RFC 7523 2.2).
   */
  authMethod?: ClientAuthMethod;
  /** `private_key_jwt`: the client's private key, a PEM or a private JWK (object or JSON text). */
  privateKey?: string | Record<string, unknown>;
  /** `private_key_jwt`: the `kid` of the registered key (default: the JWK's own `kid`). */
  keyId?: string;
  /** The assertion's JWS algorithm. Default from the key: RSA RS256, P-256 ES256, P-384 ES384, Ed25519 EdDSA; HS256 for a secret. */
  signingAlg?: string;
  /** Scopes to request. `openid` adds ID token validation (and a nonce in the browser flow; needs `issuer`). */
  scopes?: string[];
  /**
   * Extra parameters for the authorization request (`prompt`, `audience`, `resource`,
   * `login_hint`, ...). An array value repeats the parameter (several RFC 8707 `resource`s).
   * `resource` is also sent on token and refresh requests (RFC 8707 2.2). The parameters the flow
   * sets itself are refused.
   */
  authorizationParams?: Record<string, string | readonly string[]>;
  /** Where tokens are kept. Default: in memory. */
  store?: TokenStore;
  /** Clock, epoch ms (token expiry and ID token times). Default `Date.now`. */
  now?: () => number;
  /** The fetch used for every request to the authorization server. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Timeout of one HTTP request, ms. Default 30 s. */
  timeoutMs?: number;
  /** Refresh a token this many seconds before it expires. Default: the smaller of 30 s and a tenth of its lifetime. */
  refreshSkewSeconds?: number;
  /**
   * The server's refresh tokens are single-use (X, GitLab): each refresh spends the one sent and
   * returns a new one. A refresh answer without a new one then leaves none stored (the next expiry
   * asks for a login) instead of keeping the spent one, whose reuse may revoke the whole grant.
   */
  singleUseRefreshTokens?: boolean;
  /**
   * Sender-constrained tokens (DPoP, RFC 9449): each login makes a key pair (ES256 unless `alg`
   * says otherwise), proves it at the token endpoint, and keeps it in the store with the tokens;
   * refreshes and every `authorize()` sign a fresh proof with it. Default off.
   */
  dpop?: boolean | { alg?: DPoPAlgorithm };
}

/** What {@link readClientOptions} needs to know about the flow it reads options for. */
export interface FlowDescription {
  /** The strategy name, e.g. `'device-code'`; part of the store key. */
  strategy: string;
  /** The flow's own start endpoint: its option name and metadata field. */
  endpoint: { option: string; field: FlowEndpointField; value: unknown };
  /** Authorization parameters the flow sets itself, refused in `authorizationParams`. */
  ownedParams: readonly string[];
  /** Whether `scopes` may be left out (device code); the browser flow requires it. */
  scopesOptional?: boolean;
}

/** Everything an OAuth 2 user strategy needs from its options, read and checked once. */
export interface OAuth2Settings {
  client: ClientSettings;
  endpoints: EndpointSettings;
  scopes: string[];
  /** The extra authorization parameters, in order, repeated names kept. */
  authorizationParams: Array<[string, string]>;
  /** Sent with every token request (code exchange, device poll, refresh): RFC 8707 `resource`. */
  tokenParams: Array<[string, string]>;
  store: TokenStore;
  key: string;
  /** `undefined`: the token manager's default rule. */
  skewMs: number | undefined;
  /** See {@link OAuth2ClientOptions.singleUseRefreshTokens}. */
  singleUseRefreshTokens: boolean;
  /** What `inspect()` of the provider shows: no secret. */
  description: Record<string, string>;
  /** DPoP's key algorithm when `dpop` is on; `undefined`: plain bearer tokens. */
  dpop: { alg: DPoPAlgorithm } | undefined;
}

/** RFC 6749 3.3: scope-token = 1*NQCHAR. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
/** Parameters no flow lets a caller set: they would put a secret in a URL or change the client. */
const NEVER_EXTRA = ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type', 'grant_type'];
const AUTH_METHODS: readonly ClientAuthMethod[] = ['basic', 'post', 'none', 'private_key_jwt', 'client_secret_jwt'];
const ASSERTION_ONLY = ['privateKey', 'keyId', 'signingAlg'] as const;

/**
 * Reads the client authentication options (`authMethod`, `clientSecret`, `privateKey`, `keyId`,
 * `signingAlg`) the way every OAuth 2 strategy does: the method defaults to `basic` with a secret
 * and `none` without; a JWT method returns its checked signer. Throws `invalid_options` naming
 * the field, never a secret or key.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * const privateKey = readFileSync('p256-key.pem', 'utf8');
 * readClientAuthentication({ clientId: 'cli', authMethod: 'private_key_jwt', privateKey }).assertion?.alg; // 'ES256'
 * ```
 */
export function readClientAuthentication(options: {
  clientId: string;
  clientSecret?: string | undefined;
  authMethod?: ClientAuthMethod | undefined;
  privateKey?: string | Record<string, unknown> | undefined;
  keyId?: string | undefined;
  signingAlg?: string | undefined;
}): { authMethod: ClientAuthMethod; assertion: ClientAssertionSigner | undefined } {
  const { clientId, clientSecret } = options;
  const authMethod =
    options.authMethod ?? (options.privateKey !== undefined ? 'private_key_jwt' : clientSecret === undefined ? 'none' : 'basic');
  if (!AUTH_METHODS.includes(authMethod)) throw invalid(`authMethod must be one of ${AUTH_METHODS.map((m) => `'${m}'`).join(', ')}`);
  if (authMethod === 'private_key_jwt' || authMethod === 'client_secret_jwt') {
    const assertion = readClientAssertion({ ...options, authMethod, clientId });
    return { authMethod, assertion };
  }
  for (const field of ASSERTION_ONLY)
    if (options[field] !== undefined) throw invalid(`${field} is only for authMethod 'private_key_jwt' or 'client_secret_jwt'`);
  if (authMethod !== 'none' && clientSecret === undefined) throw invalid(`authMethod '${authMethod}' needs clientSecret`);
  if (authMethod === 'none' && clientSecret !== undefined)
    throw invalid("authMethod 'none' is for public clients: remove clientSecret or use 'basic' or 'post'");
  return { authMethod, assertion: undefined };
}

function invalid(message: string): TokensmithError {
  return new TokensmithError('invalid_options', message);
}

function readScopes(value: unknown, optional: boolean): string[] {
  if (value === undefined && optional) return [];
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && SCOPE_TOKEN.test(s))) {
    throw invalid('scopes must be an array of scope names without spaces, e.g. ["tweet.read", "offline.access"]');
  }
  return [...new Set(value as string[])];
}

/**
 * Reads `authorizationParams`: names are non-empty, values strings (or arrays of strings), and
 * none of `owned` (what the flow sets) nor client credentials. Returns `[name, value]` pairs.
 *
 * @example
 * ```ts
 * readAuthorizationParams({ prompt: 'consent', resource: ['https://a', 'https://b'] }, ['scope']);
 * // [['prompt', 'consent'], ['resource', 'https://a'], ['resource', 'https://b']]
 * ```
 */
export function readAuthorizationParams(value: unknown, owned: readonly string[]): Array<[string, string]> {
  if (value === undefined) return [];
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw invalid('authorizationParams must be an object of parameter names to strings');
  const pairs: Array<[string, string]> = [];
  for (const [name, raw] of Object.entries(value)) {
    if (!/^[\x21-\x7E]+$/.test(name)) throw invalid('authorizationParams names must be non-empty printable ASCII without spaces');
    const lower = name.toLowerCase();
    if (owned.includes(lower) || NEVER_EXTRA.includes(lower) || (owned.includes('code_challenge') && lower.startsWith('code_challenge'))) {
      throw invalid(`authorizationParams.${name} is set by the flow itself and cannot be overridden`);
    }
    const values: unknown[] = Array.isArray(raw) ? raw : [raw];
    if (values.length === 0 || !values.every((v) => typeof v === 'string'))
      throw invalid(`authorizationParams.${name} must be a string or an array of strings`);
    for (const v of values) pairs.push([name, v]);
  }
  for (const [name, v] of pairs) {
    if (name === 'resource') requireEndpoint({ 'authorizationParams.resource': v }, 'authorizationParams.resource');
    if (name === 'resource' && new URL(v).hash)
      throw invalid('authorizationParams.resource must be an absolute URI without a fragment (RFC 8707 2)');
  }
  return pairs;
}

function optionalEndpoint(options: Record<string, unknown>, field: string): URL | undefined {
  return options[field] === undefined ? undefined : requireEndpoint(options, field);
}

/**
 * Reads and checks the options an OAuth 2 user strategy shares (see {@link OAuth2ClientOptions}),
 * once: URLs become `URL` objects, the client authentication is decided, the response body cap is
 * put on `fetch`, and the store key covers everything that makes tokens differ. Bad options throw
 * `invalid_options` naming the field, never echoing a secret.
 *
 * @example
 * ```ts
 * const settings = readClientOptions(options, {
 *   strategy: 'device-code',
 *   endpoint: { option: 'deviceAuthorizationUrl', field: 'device_authorization_endpoint', value: options.deviceAuthorizationUrl },
 *   ownedParams: ['scope'],
 *   scopesOptional: true,
 * });
 * ```
 */
export function readClientOptions(options: OAuth2ClientOptions, flow: FlowDescription): OAuth2Settings {
  const clientId = requireString(options, 'clientId');
  const clientSecret = optionalString(options, 'clientSecret');
  if (!VSCHAR.test(clientId)) throw invalid('clientId must be printable ASCII (RFC 6749 Appendix A)');
  if (clientSecret !== undefined && !VSCHAR.test(clientSecret)) throw invalid('clientSecret must be printable ASCII (RFC 6749 Appendix A)');
  const { authMethod, assertion } = readClientAuthentication({ ...options, clientId, clientSecret });
  const scopes = readScopes(options.scopes, flow.scopesOptional === true);
  const openid = scopes.includes('openid');
  const raw = options as unknown as Record<string, unknown>;
  const issuer = optionalEndpoint(raw, 'issuer');
  if (issuer && (issuer.search || issuer.hash)) throw invalid('issuer must not have a query or fragment');
  const start = optionalEndpoint({ [flow.endpoint.option]: flow.endpoint.value }, flow.endpoint.option);
  const tokenUrl = optionalEndpoint(raw, 'tokenUrl');
  const revocationUrl = optionalEndpoint(raw, 'revocationUrl');
  if (!issuer && (!start || !tokenUrl))
    throw invalid(
      flow.endpoint.option === 'tokenUrl'
        ? 'tokenUrl is required unless issuer is given (discovery)'
        : `${flow.endpoint.option} and tokenUrl are required unless issuer is given (discovery)`,
    );
  if (openid && !issuer) throw invalid('scope openid needs issuer: the ID token is checked against the discovered issuer and keys');
  const authorizationParams = readAuthorizationParams(options.authorizationParams, [...flow.ownedParams, 'scope']);
  const tokenParams = authorizationParams.filter(([name]) => name === 'resource');
  const timeoutMs = resolveTimeoutMs(options);
  const fetchImpl = optionalFunction(options, 'fetch') ?? ((input, init) => globalThis.fetch(input, init));
  const client: ClientSettings = {
    clientId,
    clientSecret,
    authMethod,
    assertion,
    openid,
    now: optionalFunction(options, 'now') ?? Date.now,
    // Every authorization-server answer is small; a huge body is refused rather than parsed.
    fetch: limitResponseBody(fetchImpl, MAX_AUTH_RESPONSE_BYTES),
    timeoutMs,
  };
  const key = credentialsKey({
    strategy: flow.strategy,
    endpoints: [issuer, start, tokenUrl].filter((url): url is URL => url !== undefined),
    clientId,
    // A key-authenticated client's tokens are keyed by its public key, as a secret's by the secret.
    clientSecret: assertion?.method === 'private_key_jwt' ? `private_key_jwt:${assertion.fingerprint}` : clientSecret,
    scopes,
    authorizationParams,
  });
  const dpop = readDPoPOption(options.dpop);
  return {
    client,
    dpop,
    endpoints: { issuer, tokenUrl, revocationUrl, flow: { field: flow.endpoint.field, url: start } },
    scopes,
    authorizationParams,
    tokenParams,
    store: options.store ?? new MemoryStore(),
    key,
    skewMs: resolveSkewMs(options),
    singleUseRefreshTokens: options.singleUseRefreshTokens === true,
    description: {
      ...(issuer ? { issuer: issuer.href } : {}),
      ...(start ? { [flow.endpoint.option]: start.href } : {}),
      ...(tokenUrl ? { tokenUrl: tokenUrl.href } : {}),
      clientId,
      client: clientSecret === undefined && !assertion ? 'public' : 'confidential',
      authMethod,
      scopes: scopes.join(' '),
      ...(dpop ? { dpop: dpop.alg } : {}),
    },
  };
}
