import type { ServerResponse } from 'node:http';
import type { SandboxRequest } from './http-util.js';
import { secretEquals } from './oauth2-app.js';
import { OAUTH2_USER_SCOPES, clientMayUse, parseScopes } from './oauth2-grants.js';
import { sendConsentPage } from './oauth2-pages.js';
import { oauth2Data, type PendingRequest } from './oauth2-records.js';
import { parseResources } from './oauth2-resources.js';
import { sendErrorPage } from './pages.js';
import { DEMO_CREDENTIALS, randomToken, type SandboxState } from './state.js';

// The authorization endpoint: strict validation of the request (RFC 6749 4.1.1, PKCE S256 only,
// RFC 8252 loopback redirects, OpenID `prompt`, RFC 8707 `resource`), then one login + consent page.

/**
 * An authorization code lives this long (by `state.now()`).
 *
 * @example
 * ```ts
 * const expiresAt = Date.now() + CODE_TTL_MS; // past it, the code is refused with invalid_grant
 * ```
 */
export const CODE_TTL_MS = 60_000;
/** A consent page stays usable this long. */
const REQUEST_TTL_MS = 10 * 60_000;
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);

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

/**
 * `GET /oauth2/authorize`: validates the request strictly, then shows the login + consent page.
 * `offline_access` is kept only with `prompt=consent` (OpenID Connect Core 11); `prompt=none`
 * answers `login_required` (the sandbox keeps no sessions).
 *
 * @example
 * ```ts
 * addRoute(state, 'GET', '/oauth2/authorize', authorizeGet);
 * ```
 */
export function authorizeGet(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  const params = req.url.searchParams;
  const client = state.oauth2Clients.find((c) => c.clientId === params.get('client_id'));
  if (!client) {
    state.stats.rejected++;
    return sendErrorPage(res, 400, 'Unknown application', 'The client_id is missing or not registered with this server.');
  }
  const redirectUri = params.get('redirect_uri');
  if (!redirectUri || params.getAll('redirect_uri').length > 1 || !client.redirectUris.some((r) => redirectUriMatches(r, redirectUri))) {
    state.stats.rejected++;
    return sendErrorPage(
      res,
      400,
      'Invalid redirect URI',
      'The redirect_uri is missing or does not match one registered for this application.',
    );
  }
  const clientState = params.get('state') ?? undefined;
  const fail = (error: string, description: string) => {
    state.stats.rejected++;
    redirect(res, redirectUri, { error, error_description: description, state: clientState, iss: state.baseUrl });
  };
  const repeated = [...new Set(params.keys())].find((name) => name !== 'resource' && params.getAll(name).length > 1);
  if (repeated) return fail('invalid_request', `parameter ${repeated.slice(0, 40)} is repeated`);
  if (params.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
  if (!clientMayUse(client, 'authorization_code'))
    return fail('unauthorized_client', 'this client may not use the authorization code grant');
  const challenge = params.get('code_challenge');
  if (!challenge) return fail('invalid_request', 'code_challenge is required (PKCE, RFC 7636)');
  if (params.get('code_challenge_method') !== 'S256')
    return fail('invalid_request', 'code_challenge_method must be S256; plain is not accepted');
  if (!S256_CHALLENGE.test(challenge)) return fail('invalid_request', 'code_challenge must be a base64url SHA-256 (43 characters)');
  let scopes = parseScopes(params.get('scope'));
  if (!scopes) return fail('invalid_scope', `supported scopes: ${Object.keys(OAUTH2_USER_SCOPES).join(' ')}`);
  const prompts = (params.get('prompt') ?? '').split(' ').filter(Boolean);
  if (prompts.some((p) => !PROMPTS.has(p))) return fail('invalid_request', `prompt must be among: ${[...PROMPTS].join(' ')}`);
  if (prompts.includes('none') && prompts.length > 1) return fail('invalid_request', 'prompt=none cannot be combined with other values');
  if (prompts.includes('none')) return fail('login_required', 'the user must log in (this server keeps no sessions)');
  if (!prompts.includes('consent')) scopes = scopes.filter((s) => s !== 'offline_access');
  const resources = parseResources(state, params.getAll('resource'));
  if (typeof resources === 'string') return fail('invalid_target', resources);
  const request: PendingRequest = {
    clientId: client.clientId,
    redirectUri,
    scopes,
    state: clientState,
    codeChallenge: challenge,
    nonce: params.get('nonce') ?? undefined,
    resources,
    expiresAt: state.now() + REQUEST_TTL_MS,
  };
  const requestId = randomToken(24);
  oauth2Data(state).requests.set(requestId, request);
  sendConsentPage(res, 200, client, request, requestId);
}

/**
 * The demo person a login form's username and password name (`@` and case ignored): `user`, or
 * `secondUser` when `others` allows (the OAuth 1.0a page; OAuth 2 grants are issued to `user` only).
 *
 * @example
 * ```ts
 * demoUserFor(new URLSearchParams({ username: 'cafe_dev', password: DEMO_CREDENTIALS.secondUser.password }), true)?.screenName; // 'cafe_dev'
 * ```
 */
export function demoUserFor(
  form: URLSearchParams | undefined,
  others: boolean,
): (typeof DEMO_CREDENTIALS)['user'] | (typeof DEMO_CREDENTIALS)['secondUser'] | undefined {
  const username = (form?.get('username') ?? '').trim().replace(/^@/, '').toLowerCase();
  const people = others ? [DEMO_CREDENTIALS.user, DEMO_CREDENTIALS.secondUser] : [DEMO_CREDENTIALS.user];
  return people.find(
    (person) => username === person.screenName.toLowerCase() && secretEquals(form?.get('password') ?? '', person.password),
  );
}

/**
 * Whether a login form's username and password are the demo user's (`@` and case ignored).
 *
 * @example
 * ```ts
 * isDemoUser(new URLSearchParams({ username: '@TwitterAPI', password: DEMO_CREDENTIALS.user.password })); // true
 * ```
 */
export function isDemoUser(form: URLSearchParams | undefined): boolean {
  return demoUserFor(form, false) !== undefined;
}

/**
 * `POST /oauth2/authorize`: the consent form. Approve (with the demo user's password) or deny.
 *
 * @example
 * ```ts
 * addRoute(state, 'POST', '/oauth2/authorize', authorizePost);
 * ```
 */
export function authorizePost(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  const store = oauth2Data(state);
  const requestId = req.form?.get('request_id') ?? '';
  const request = store.requests.get(requestId);
  if (!request || request.expiresAt <= state.now()) {
    store.requests.delete(requestId);
    state.stats.rejected++;
    return sendErrorPage(res, 400, 'Sign-in request expired', 'This sign-in request expired or was already answered.');
  }
  const client = state.oauth2Clients.find((c) => c.clientId === request.clientId)!;
  const decision = req.form?.get('action');
  if (decision === 'deny') {
    store.requests.delete(requestId);
    return redirect(res, request.redirectUri, {
      error: 'access_denied',
      error_description: 'The user denied the request',
      state: request.state,
      iss: state.baseUrl,
    });
  }
  if (decision !== 'approve') return sendErrorPage(res, 400, 'No decision', 'Choose Approve or Deny.');
  if (!isDemoUser(req.form)) {
    state.stats.rejected++;
    return sendConsentPage(res, 401, client, request, requestId, 'Wrong username or password. Try again.', req.form?.get('username') ?? '');
  }
  store.requests.delete(requestId);
  const code = randomToken(32);
  store.codes.set(code, {
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    scopes: request.scopes,
    codeChallenge: request.codeChallenge,
    nonce: request.nonce,
    resources: request.resources,
    authTime: state.now(),
    expiresAt: state.now() + CODE_TTL_MS,
    used: false,
    grantId: undefined,
  });
  redirect(res, request.redirectUri, { code, state: request.state, iss: state.baseUrl });
}
