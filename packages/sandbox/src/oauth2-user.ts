import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { escapeHtml, sendHtml, sendJson, sendOAuthError, type SandboxRequest } from './http-util.js';
import { clientFromRequest, secretEquals } from './oauth2-app.js';
import { DEMO_CREDENTIALS, addRoute, randomToken, type SandboxOAuth2Client, type SandboxState } from './state.js';

/**
 * The scopes the sandbox grants (Twitter's OAuth 2 scopes plus OpenID Connect's), with what the
 * consent page says of each. Any other scope is refused with `invalid_scope`.
 *
 * @example
 * ```ts
 * Object.keys(OAUTH2_USER_SCOPES); // ['openid', 'profile', 'tweet.read', 'users.read', 'offline.access']
 * ```
 */
export const OAUTH2_USER_SCOPES: Readonly<Record<string, string>> = {
  openid: 'Confirm who you are (OpenID Connect)',
  profile: 'See your name and screen name',
  'tweet.read': 'Read Tweets, including your timeline',
  'users.read': 'Read profile information of accounts',
  'offline.access': 'Stay connected until you revoke access',
};

/**
 * An authorization code lives this long (by `state.now()`).
 *
 * @example
 * ```ts
 * clock += CODE_TTL_MS + 1; // the code is now refused with invalid_grant
 * ```
 */
export const CODE_TTL_MS = 60_000;
/** A consent page stays usable this long. */
const REQUEST_TTL_MS = 10 * 60_000;
/**
 * Default lifetime of user access tokens; `state.extensions.userTokenTtlSeconds` overrides it.
 *
 * @example
 * ```ts
 * sandbox.state.extensions.userTokenTtlSeconds = 60; // instead of DEFAULT_USER_TOKEN_TTL_SECONDS
 * ```
 */
export const DEFAULT_USER_TOKEN_TTL_SECONDS = 7_200;
const ID_TOKEN_TTL_SECONDS = 3_600;
const PKCE_VALUE = /^[A-Za-z0-9._~-]{43,128}$/;
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** A validated authorization request waiting on the consent page. */
interface PendingRequest {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string | undefined;
  codeChallenge: string;
  nonce: string | undefined;
  expiresAt: number;
}

/** An issued authorization code. `grantId` is set once tokens were issued from it. */
interface CodeRecord {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string;
  nonce: string | undefined;
  authTime: number;
  expiresAt: number;
  used: boolean;
  grantId: string | undefined;
}

/** One authorization grant: every access and refresh token issued from one code (and its refreshes). */
interface Grant {
  clientId: string;
  scopes: string[];
  accessTokens: Set<string>;
  refreshTokens: Set<string>;
}

interface SigningKey {
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
  kid: string;
}

/** What this module keeps in `state.extensions.oauth2User`. */
interface OAuth2UserData {
  requests: Map<string, PendingRequest>;
  codes: Map<string, CodeRecord>;
  grants: Map<string, Grant>;
  /** refresh token -> grant id */
  refreshTokens: Map<string, string>;
  /** access token -> grant id */
  accessTokens: Map<string, string>;
  key: SigningKey | undefined;
}

type GrantHandler = (req: SandboxRequest, res: ServerResponse, state: SandboxState) => void | Promise<void>;

const USER = DEMO_CREDENTIALS.user;

function data(state: SandboxState): OAuth2UserData {
  return state.extensions.oauth2User as OAuth2UserData;
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

function userTokenTtlSeconds(state: SandboxState): number {
  const value = state.extensions.userTokenTtlSeconds;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : DEFAULT_USER_TOKEN_TTL_SECONDS;
}

function isLoopbackIp(hostname: string): boolean {
  return /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === '[::1]';
}

/**
 * Whether a requested redirect URI matches a registered one: exactly, or, for a loopback IP literal
 * (`http://127.0.0.1/...`, `http://[::1]/...`), on everything but the port (RFC 8252 7.3).
 * `localhost` gets no such leeway (RFC 8252 8.3).
 *
 * @example
 * ```ts
 * redirectUriMatches('http://127.0.0.1/callback', 'http://127.0.0.1:53123/callback'); // true
 * redirectUriMatches('http://127.0.0.1/callback', 'http://localhost:53123/callback'); // false
 * ```
 */
export function redirectUriMatches(registered: string, requested: string): boolean {
  if (registered === requested) return true;
  let want: URL;
  let got: URL;
  try {
    want = new URL(registered);
    got = new URL(requested);
  } catch {
    return false;
  }
  if (want.protocol !== 'http:' || !isLoopbackIp(want.hostname)) return false;
  return (
    got.href === requested &&
    got.protocol === 'http:' &&
    got.hostname === want.hostname &&
    got.pathname === want.pathname &&
    got.search === want.search &&
    got.hash === '' &&
    got.username === '' &&
    got.password === ''
  );
}

function redirect(res: ServerResponse, redirectUri: string, params: Record<string, string | undefined>): void {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  res.writeHead(302, { location: url.href, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'content-length': 0 });
  res.end();
}

const PAGE_STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f5f7fa;color:#14171a}main{max-width:32rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:.5rem}' +
  'label{display:block;font-weight:600;margin-top:.75rem}input{font:inherit;width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #657786;border-radius:.25rem}' +
  'button{font:inherit;padding:.5rem 1.25rem;margin:1rem .5rem 0 0;border-radius:1rem;border:2px solid #1d4ed8;cursor:pointer}' +
  '.approve{background:#1d4ed8;color:#fff}.deny{background:#fff;color:#1d4ed8}[role=alert]{color:#a4000f;font-weight:600}:focus-visible{outline:3px solid #b45309;outline-offset:2px}';

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} – tokensmith sandbox</title><style>${PAGE_STYLE}</style></head>
<body><main>
${body}
</main></body>
</html>
`;
}

function errorPage(res: ServerResponse, status: number, title: string, message: string): void {
  sendHtml(res, status, page(title, `<h1>${escapeHtml(title)}</h1>\n<p role="alert">${escapeHtml(message)}</p>\n<p>Nothing was shared with the application. Start again from the application.</p>`));
}

/**
 * Sends the consent page. Its CSP also allows the redirect URI's origin as a form action: with
 * `'self'` alone Chromium blocks the 302 to the client's loopback listener after Approve or Deny.
 */
function sendConsentPage(res: ServerResponse, status: number, client: SandboxOAuth2Client, request: PendingRequest, requestId: string, error?: string): void {
  const target = new URL(request.redirectUri);
  const formActionOrigins = /^https?:$/.test(target.protocol) ? [target.origin] : [];
  sendHtml(res, status, consentPage(client, request, requestId, error), { formActionOrigins });
}

function consentPage(client: SandboxOAuth2Client, request: PendingRequest, requestId: string, error?: string): string {
  const app = escapeHtml(client.name);
  const scopes = request.scopes.length
    ? `<ul>\n${request.scopes.map((s) => `<li><code>${escapeHtml(s)}</code>: ${escapeHtml(OAUTH2_USER_SCOPES[s] ?? s)}</li>`).join('\n')}\n</ul>`
    : '<p>No particular permissions (no scopes requested).</p>';
  const target = new URL(request.redirectUri);
  return page(
    `Authorize ${client.name}`,
    `<h1>Authorize ${app} to use your account?</h1>
<p><strong>${app}</strong> is asking for these permissions:</p>
${scopes}
${error ? `<p role="alert" id="form-error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/oauth2/authorize">
<input type="hidden" name="request_id" value="${escapeHtml(requestId)}">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required${error ? ' aria-describedby="form-error" aria-invalid="true"' : ''}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${error ? ' aria-describedby="form-error" aria-invalid="true"' : ''}>
<div><button class="approve" type="submit" name="action" value="approve">Approve</button><button class="deny" type="submit" name="action" value="deny" formnovalidate>Deny</button></div>
</form>
<p>After you decide, you will be sent back to <code>${escapeHtml(target.origin + target.pathname)}</code>.</p>`,
  );
}

/** Parses a `scope` parameter; `undefined` when a scope is not one the sandbox grants. */
function parseScopes(value: string | null): string[] | undefined {
  const scopes = [...new Set((value ?? '').split(' ').filter(Boolean))];
  return scopes.every((s) => Object.hasOwn(OAUTH2_USER_SCOPES, s)) ? scopes : undefined;
}

function signingKey(state: SandboxState): SigningKey {
  const store = data(state);
  if (!store.key) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { n, e } = publicKey.export({ format: 'jwk' });
    // RFC 7638 thumbprint as the key id.
    const kid = createHash('sha256').update(JSON.stringify({ e, kty: 'RSA', n })).digest('base64url');
    store.key = { privateKey, kid, jwk: { kty: 'RSA', n, e, kid, use: 'sig', alg: 'RS256' } };
  }
  return store.key;
}

/** A hand-built RS256 JWT (RFC 7515 compact serialisation). */
function idToken(state: SandboxState, clientId: string, code: CodeRecord): string {
  const key = signingKey(state);
  const iat = Math.floor(state.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: state.baseUrl,
    sub: USER.userId,
    aud: clientId,
    iat,
    exp: iat + ID_TOKEN_TTL_SECONDS,
    auth_time: Math.floor(code.authTime / 1000),
    preferred_username: USER.screenName,
  };
  if (code.nonce !== undefined) claims.nonce = code.nonce;
  if (code.scopes.includes('profile')) claims.name = 'Twitter API';
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'RS256', typ: 'JWT', kid: key.kid })}.${encode(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}

function revokeGrant(state: SandboxState, grantId: string): void {
  const store = data(state);
  const grant = store.grants.get(grantId);
  if (!grant) return;
  for (const token of grant.accessTokens) {
    state.userTokens.delete(token);
    store.accessTokens.delete(token);
  }
  for (const token of grant.refreshTokens) store.refreshTokens.delete(token);
  store.grants.delete(grantId);
}

/** Issues an access token (into `state.userTokens`, so the timeline accepts it) and a refresh token on a grant. */
function issueTokens(state: SandboxState, grantId: string, scopes: string[]): Record<string, unknown> {
  const store = data(state);
  const grant = store.grants.get(grantId)!;
  const ttl = userTokenTtlSeconds(state);
  const accessToken = randomToken(32);
  state.userTokens.set(accessToken, { clientId: grant.clientId, screenName: USER.screenName, scopes, expiresAt: state.now() + ttl * 1000 });
  grant.accessTokens.add(accessToken);
  store.accessTokens.set(accessToken, grantId);
  const refreshToken = randomToken(32);
  grant.refreshTokens.add(refreshToken);
  store.refreshTokens.set(refreshToken, grantId);
  return { token_type: 'bearer', access_token: accessToken, expires_in: ttl, refresh_token: refreshToken, scope: scopes.join(' ') };
}

/**
 * Authenticates the OAuth 2 client of a token or revocation request: a public client sends only
 * `client_id` in the body; a confidential one its secret (HTTP Basic or body). Answers the error itself.
 */
function authenticateClient(req: SandboxRequest, res: ServerResponse, state: SandboxState): SandboxOAuth2Client | undefined {
  const fail = (status: number, error: string, description: string) => {
    state.stats.rejected++;
    sendOAuthError(res, status, error, description);
    return undefined;
  };
  const presented = clientFromRequest(req);
  if (presented === 'ambiguous') return fail(400, 'invalid_request', 'the client authenticated in more than one way');
  if (!presented) return fail(401, 'invalid_client', 'client authentication is required (client_id for a public client)');
  const client = state.oauth2Clients.find((c) => c.clientId === presented.id);
  if (!client) return fail(401, 'invalid_client', 'unknown client');
  if (client.clientSecret === undefined) {
    if (presented.method !== 'none') return fail(401, 'invalid_client', 'this is a public client: send client_id only, without a secret');
  } else if (presented.secret === undefined || !secretEquals(client.clientSecret, presented.secret)) {
    return fail(401, 'invalid_client', 'client authentication failed');
  }
  return client;
}

/** The token endpoint's `authorization_code` grant: PKCE S256, single-use codes, exact redirect_uri. */
function authorizationCodeGrant(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  const client = authenticateClient(req, res, state);
  if (!client) return;
  const store = data(state);
  const form = req.form!;
  const invalid = (status: number, error: string, description: string) => {
    state.stats.rejected++;
    sendOAuthError(res, status, error, description);
  };
  const code = form.get('code');
  if (!code) return invalid(400, 'invalid_request', 'code is required');
  const record = store.codes.get(code);
  if (!record || record.clientId !== client.clientId) return invalid(400, 'invalid_grant', 'the authorization code is invalid');
  if (record.used) {
    if (record.grantId !== undefined) revokeGrant(state, record.grantId);
    return invalid(400, 'invalid_grant', 'the authorization code was already used; the tokens issued from it are revoked');
  }
  record.used = true;
  if (record.expiresAt <= state.now()) return invalid(400, 'invalid_grant', 'the authorization code expired');
  if (form.get('redirect_uri') !== record.redirectUri) return invalid(400, 'invalid_grant', 'redirect_uri does not match the authorization request');
  const verifier = form.get('code_verifier');
  if (!verifier || !PKCE_VALUE.test(verifier)) return invalid(400, 'invalid_request', 'code_verifier is required: 43-128 characters [A-Za-z0-9._~-] (RFC 7636 4.1)');
  if (!secretEquals(s256(verifier), record.codeChallenge)) return invalid(400, 'invalid_grant', 'code_verifier does not match the code_challenge (PKCE)');
  const grantId = randomToken(16);
  store.grants.set(grantId, { clientId: client.clientId, scopes: record.scopes, accessTokens: new Set(), refreshTokens: new Set() });
  record.grantId = grantId;
  const body = issueTokens(state, grantId, record.scopes);
  if (record.scopes.includes('openid')) body.id_token = idToken(state, client.clientId, record);
  sendJson(res, 200, body);
}

/** The token endpoint's `refresh_token` grant, rotating the refresh token. */
function refreshTokenGrant(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  state.stats.refreshRequests++;
  const client = authenticateClient(req, res, state);
  if (!client) return;
  const store = data(state);
  const form = req.form!;
  const invalid = (error: string, description: string) => {
    state.stats.rejected++;
    sendOAuthError(res, 400, error, description);
  };
  const token = form.get('refresh_token');
  if (!token) return invalid('invalid_request', 'refresh_token is required');
  const grantId = store.refreshTokens.get(token);
  const grant = grantId === undefined ? undefined : store.grants.get(grantId);
  if (grantId === undefined || !grant || grant.clientId !== client.clientId) {
    return invalid('invalid_grant', 'the refresh token is invalid, revoked or was already used');
  }
  let scopes = grant.scopes;
  if (form.get('scope') !== null) {
    const requested = parseScopes(form.get('scope'));
    if (!requested || requested.some((s) => !grant.scopes.includes(s))) return invalid('invalid_scope', 'the scope exceeds what was granted');
    scopes = requested;
  }
  store.refreshTokens.delete(token);
  grant.refreshTokens.delete(token);
  sendJson(res, 200, issueTokens(state, grantId, scopes));
}

function metadata(state: SandboxState): Record<string, unknown> {
  const at = (path: string) => new URL(path, state.baseUrl).href;
  return {
    issuer: state.baseUrl,
    authorization_endpoint: at('/oauth2/authorize'),
    token_endpoint: at('/oauth2/token'),
    revocation_endpoint: at('/oauth2/revoke'),
    jwks_uri: at('/oauth2/jwks'),
    scopes_supported: Object.keys(OAUTH2_USER_SCOPES),
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    revocation_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'preferred_username', 'name'],
    authorization_response_iss_parameter_supported: true,
  };
}

/** `GET /oauth2/authorize`: validates the request strictly, then shows the login + consent page. */
function authorizeGet(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  const params = req.url.searchParams;
  const client = state.oauth2Clients.find((c) => c.clientId === params.get('client_id'));
  if (!client) {
    state.stats.rejected++;
    return errorPage(res, 400, 'Unknown application', 'The client_id is missing or not registered with this server.');
  }
  const redirectUri = params.get('redirect_uri');
  if (!redirectUri || params.getAll('redirect_uri').length > 1 || !client.redirectUris.some((r) => redirectUriMatches(r, redirectUri))) {
    state.stats.rejected++;
    return errorPage(res, 400, 'Invalid redirect URI', 'The redirect_uri is missing or does not match one registered for this application.');
  }
  const clientState = params.get('state') ?? undefined;
  const fail = (error: string, description: string) => {
    state.stats.rejected++;
    redirect(res, redirectUri, { error, error_description: description, state: clientState, iss: state.baseUrl });
  };
  const repeated = [...new Set(params.keys())].find((name) => params.getAll(name).length > 1);
  if (repeated) return fail('invalid_request', `parameter ${repeated.slice(0, 40)} is repeated`);
  if (params.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
  const challenge = params.get('code_challenge');
  if (!challenge) return fail('invalid_request', 'code_challenge is required (PKCE, RFC 7636)');
  if (params.get('code_challenge_method') !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256; plain is not accepted');
  if (!S256_CHALLENGE.test(challenge)) return fail('invalid_request', 'code_challenge must be a base64url SHA-256 (43 characters)');
  const scopes = parseScopes(params.get('scope'));
  if (!scopes) return fail('invalid_scope', `supported scopes: ${Object.keys(OAUTH2_USER_SCOPES).join(' ')}`);
  const request: PendingRequest = {
    clientId: client.clientId,
    redirectUri,
    scopes,
    state: clientState,
    codeChallenge: challenge,
    nonce: params.get('nonce') ?? undefined,
    expiresAt: state.now() + REQUEST_TTL_MS,
  };
  const requestId = randomToken(24);
  data(state).requests.set(requestId, request);
  sendConsentPage(res, 200, client, request, requestId);
}

/** `POST /oauth2/authorize`: the consent form. Approve (with the demo user's password) or deny. */
function authorizePost(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  const store = data(state);
  const requestId = req.form?.get('request_id') ?? '';
  const request = store.requests.get(requestId);
  if (!request || request.expiresAt <= state.now()) {
    store.requests.delete(requestId);
    state.stats.rejected++;
    return errorPage(res, 400, 'Sign-in request expired', 'This sign-in request expired or was already answered.');
  }
  const client = state.oauth2Clients.find((c) => c.clientId === request.clientId)!;
  const decision = req.form?.get('action');
  if (decision === 'deny') {
    store.requests.delete(requestId);
    return redirect(res, request.redirectUri, { error: 'access_denied', error_description: 'The user denied the request', state: request.state, iss: state.baseUrl });
  }
  if (decision !== 'approve') return errorPage(res, 400, 'No decision', 'Choose Approve or Deny.');
  const username = (req.form?.get('username') ?? '').trim().replace(/^@/, '').toLowerCase();
  const password = req.form?.get('password') ?? '';
  if (username !== USER.screenName || !secretEquals(password, USER.password)) {
    state.stats.rejected++;
    return sendConsentPage(res, 401, client, request, requestId, 'Wrong username or password. Try again.');
  }
  store.requests.delete(requestId);
  const code = randomToken(32);
  store.codes.set(code, {
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    scopes: request.scopes,
    codeChallenge: request.codeChallenge,
    nonce: request.nonce,
    authTime: state.now(),
    expiresAt: state.now() + CODE_TTL_MS,
    used: false,
    grantId: undefined,
  });
  redirect(res, request.redirectUri, { code, state: request.state, iss: state.baseUrl });
}

/** `POST /oauth2/revoke` (RFC 7009): revoking a refresh token revokes its whole grant. */
function revoke(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  const client = authenticateClient(req, res, state);
  if (!client) return;
  const store = data(state);
  const token = req.form?.get('token');
  if (!token) {
    state.stats.rejected++;
    return sendOAuthError(res, 400, 'invalid_request', 'token is required');
  }
  const refreshGrant = store.refreshTokens.get(token);
  const accessGrant = store.accessTokens.get(token);
  const grantId = refreshGrant ?? accessGrant;
  const grant = grantId === undefined ? undefined : store.grants.get(grantId);
  if (grantId !== undefined && grant) {
    if (grant.clientId !== client.clientId) {
      state.stats.rejected++;
      return sendOAuthError(res, 400, 'unauthorized_client', 'the token was not issued to this client');
    }
    if (refreshGrant !== undefined) revokeGrant(state, grantId);
    else {
      state.userTokens.delete(token);
      store.accessTokens.delete(token);
      grant.accessTokens.delete(token);
    }
  }
  // RFC 7009 2.2: an unknown or already invalid token is answered with 200 too.
  res.writeHead(200, { 'cache-control': 'no-store', 'content-length': 0 });
  res.end();
}

/**
 * Installs the OAuth 2 authorization code endpoints: `GET/POST /oauth2/authorize` (login + consent,
 * PKCE S256 only, RFC 9207 `iss`), the `authorization_code` and `refresh_token` grants on
 * `/oauth2/token`, `POST /oauth2/revoke` (RFC 7009), the RFC 8414 / OIDC discovery documents and
 * `/oauth2/jwks` (RS256 ID tokens for `openid`). Issued access tokens go into `state.userTokens`,
 * so the timeline accepts them. Must run after `installOAuth2App` (it adds to its grant table).
 *
 * @example
 * ```ts
 * export const sandboxModules = [installOAuth2App, installTimeline, installOAuth2User];
 * // user tokens live 2 h; a test can shorten that:
 * sandbox.state.extensions.userTokenTtlSeconds = 60;
 * ```
 */
export function installOAuth2User(state: SandboxState): void {
  const grants = state.extensions.grants as Map<string, GrantHandler> | undefined;
  if (!grants) throw new Error('installOAuth2User must run after installOAuth2App');
  const store: OAuth2UserData = { requests: new Map(), codes: new Map(), grants: new Map(), refreshTokens: new Map(), accessTokens: new Map(), key: undefined };
  state.extensions.oauth2User = store;
  grants.set('authorization_code', authorizationCodeGrant);
  grants.set('refresh_token', refreshTokenGrant);
  addRoute(state, 'GET', '/oauth2/authorize', authorizeGet);
  addRoute(state, 'POST', '/oauth2/authorize', authorizePost);
  addRoute(state, 'POST', '/oauth2/revoke', revoke);
  addRoute(state, 'GET', '/oauth2/jwks', (_req, res, s) => sendJson(res, 200, { keys: [signingKey(s).jwk] }, { 'cache-control': 'public, max-age=300' }));
  addRoute(state, 'GET', '/.well-known/openid-configuration', (_req, res, s) => sendJson(res, 200, metadata(s)));
  addRoute(state, 'GET', '/.well-known/oauth-authorization-server', (_req, res, s) => sendJson(res, 200, metadata(s)));
}
