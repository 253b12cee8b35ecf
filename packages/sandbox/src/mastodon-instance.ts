import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { mastodonPage } from './api-pages.js';
import { OOB_REDIRECT_URI, checkRedirectUris } from './client-metadata.js';
import { TIMELINES } from './fixtures.js';
import { escapeHtml, sendHtml, sendJson, type SandboxRequest } from './http-util.js';
import { secretEquals } from './oauth2-app.js';
import { isDemoUser, redirectUriMatches } from './oauth2-authorize.js';
import { decisionButtons, loginFields, page, sendErrorPage } from './pages.js';
import { addRoute, DEMO_CREDENTIALS, randomToken, type SandboxState } from './state.js';
import { installOtherTimelines, mastodonStatus } from './timelines-v2-mastodon.js';

// A Mastodon-style instance, as a sandbox of its own (its OAuth paths, /oauth/authorize and
// /oauth/token, are not the OAuth 2 server's): RFC 8414 metadata naming `app_registration_endpoint`,
// app registration at POST /api/v1/apps (not RFC 7591), the authorization code flow with the
// out-of-band redirect (the code shown on a page) or a loopback one, Mastodon's quirks (client
// credentials in the body only: its server does not URL-decode HTTP Basic; no refresh token and no
// expires_in), revocation, verify_credentials and the Link-paginated home timeline.

/** Mastodon's scopes (the top-level ones; `read:*` and `write:*` sub-scopes are accepted too). */
export const MASTODON_SCOPES = ['read', 'write', 'follow', 'push', 'profile'];

/** An app registered through POST /api/v1/apps. */
export interface MastodonApp {
  clientId: string;
  clientSecret: string;
  name: string;
  redirectUris: string[];
  scopes: string[];
  website: string | undefined;
}

/** What the instance remembers: apps, pending consents, codes, tokens, and the counters tests read. */
export interface MastodonRecords {
  /** POST /api/v1/apps requests received (accepted or refused). */
  appRegistrations: number;
  /** The last registration's parameters, as sent (form or JSON), for field-by-field checks. */
  lastAppRequest: Record<string, unknown> | undefined;
  apps: MastodonApp[];
  requests: Map<
    string,
    { clientId: string; redirectUri: string; scopes: string[]; state: string | undefined; challenge: string | undefined }
  >;
  codes: Map<string, { clientId: string; redirectUri: string; scopes: string[]; challenge: string | undefined; expiresAt: number }>;
  tokens: Map<string, { clientId: string; scopes: string[]; createdAt: number }>;
  /** Token requests that authenticated the client with HTTP Basic (refused, as the quirk makes them fail). */
  basicAuthAttempts: number;
  revocations: number;
}

/**
 * The instance's records (`state.extensions.mastodon`).
 *
 * @example
 * ```ts
 * mastodonRecords(sandbox.state).appRegistrations; // 1 after the first login
 * ```
 */
export function mastodonRecords(state: SandboxState): MastodonRecords {
  return state.extensions.mastodon as MastodonRecords;
}

const at = (state: SandboxState, path: string) => new URL(path, state.baseUrl).href;

function instanceMetadata(state: SandboxState): Record<string, unknown> {
  return {
    issuer: state.baseUrl,
    service_documentation: 'https://docs.joinmastodon.org/',
    authorization_endpoint: at(state, '/oauth/authorize'),
    token_endpoint: at(state, '/oauth/token'),
    revocation_endpoint: at(state, '/oauth/revoke'),
    app_registration_endpoint: at(state, '/api/v1/apps'),
    scopes_supported: MASTODON_SCOPES,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    code_challenge_methods_supported: ['S256'],
    grant_types_supported: ['authorization_code'],
    token_endpoint_auth_methods_supported: ['client_secret_post'],
  };
}

const validScope = (scope: string) => MASTODON_SCOPES.includes(scope) || /^(read|write|admin:read|admin:write):[a-z_]+$/.test(scope);

/** Mastodon's validation answer: 422 with one sentence in `error`. */
function validationFailed(res: ServerResponse, state: SandboxState, sentence: string): void {
  state.stats.rejected++;
  sendJson(res, 422, { error: `Validation failed: ${sentence}` });
}

function appParams(req: SandboxRequest): Record<string, unknown> | undefined {
  if (req.form) return Object.fromEntries(req.form);
  if ((req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
    try {
      const body: unknown = JSON.parse(req.body);
      return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function registerApp(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  const records = mastodonRecords(state);
  records.appRegistrations++;
  const params = appParams(req);
  if (!params) return validationFailed(res, state, 'the body must be a form or JSON object');
  records.lastAppRequest = params;
  const name = params.client_name;
  if (typeof name !== 'string' || name.trim() === '') return validationFailed(res, state, "Application name can't be blank");
  // Mastodon takes several redirect URIs as one string, one per line (4.3 also takes an array).
  const raw = params.redirect_uris;
  const redirectUris = typeof raw === 'string' ? raw.split(/\s+/).filter(Boolean) : raw;
  const refused = checkRedirectUris(redirectUris, 'redirect_uris');
  if (refused) return validationFailed(res, state, `Redirect URI ${refused.description.replace(/^redirect_uris:?\s*/, '')}`);
  const scopes = (typeof params.scopes === 'string' ? params.scopes : 'read').split(' ').filter(Boolean);
  if (!scopes.every(validScope))
    return validationFailed(res, state, `Scopes must be among ${MASTODON_SCOPES.join(' ')} (or read:*, write:*)`);
  const website = params.website;
  if (website !== undefined && website !== '' && (typeof website !== 'string' || !/^https?:\/\//.test(website) || !URL.canParse(website)))
    return validationFailed(res, state, 'Website must be an absolute http(s) URL');
  const app: MastodonApp = {
    clientId: randomToken(32),
    clientSecret: randomToken(32),
    name,
    redirectUris: redirectUris as string[],
    scopes,
    website: typeof website === 'string' && website !== '' ? website : undefined,
  };
  records.apps.push(app);
  sendJson(res, 200, {
    id: String(records.apps.length),
    name: app.name,
    website: app.website ?? null,
    scopes: app.scopes,
    redirect_uri: app.redirectUris.join('\n'),
    redirect_uris: app.redirectUris,
    client_id: app.clientId,
    client_secret: app.clientSecret,
    client_secret_expires_at: 0,
    vapid_key: 'sandbox-vapid-key',
  });
}

function authorizeGet(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  const records = mastodonRecords(state);
  const params = req.url.searchParams;
  const app = records.apps.find((a) => a.clientId === params.get('client_id'));
  if (!app) return sendErrorPage(res, 400, 'Unknown application', 'The client_id is missing or not registered on this instance.');
  const redirectUri = params.get('redirect_uri') ?? '';
  if (!app.redirectUris.some((r) => r === redirectUri || (r !== OOB_REDIRECT_URI && redirectUriMatches(r, redirectUri))))
    return sendErrorPage(res, 400, 'Invalid redirect URI', 'The redirect_uri does not match one registered for this application.');
  if (params.get('response_type') !== 'code') return sendErrorPage(res, 400, 'Unsupported response type', 'response_type must be code.');
  const scopes = (params.get('scope') ?? 'read').split(' ').filter(Boolean);
  if (!scopes.every((s) => app.scopes.includes(s) || app.scopes.includes(s.split(':')[0]!)))
    return sendErrorPage(res, 400, 'Invalid scope', `The application may ask only for: ${app.scopes.join(' ')}.`);
  const challenge = params.get('code_challenge') ?? undefined;
  if (challenge !== undefined && params.get('code_challenge_method') !== 'S256')
    return sendErrorPage(res, 400, 'Invalid request', 'code_challenge_method must be S256.');
  const requestId = randomToken(24);
  records.requests.set(requestId, { clientId: app.clientId, redirectUri, scopes, state: params.get('state') ?? undefined, challenge });
  const target = redirectUri === OOB_REDIRECT_URI ? [] : [new URL(redirectUri).origin];
  sendHtml(
    res,
    200,
    page(
      `Authorize ${app.name}`,
      `<h1>Authorize ${escapeHtml(app.name)} to use your Mastodon account?</h1>
<p>Scopes: <code>${escapeHtml(scopes.join(' '))}</code></p>
<form method="post" action="/oauth/authorize">
<input type="hidden" name="request_id" value="${escapeHtml(requestId)}">
${loginFields()}
${decisionButtons()}
</form>`,
    ),
    { formActionOrigins: target },
  );
}

function authorizePost(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  const records = mastodonRecords(state);
  const requestId = req.form?.get('request_id') ?? '';
  const request = records.requests.get(requestId);
  if (!request) return sendErrorPage(res, 400, 'Sign-in request expired', 'This sign-in request expired or was already answered.');
  const decision = req.form?.get('action');
  if (decision !== 'approve' && decision !== 'deny') return sendErrorPage(res, 400, 'No decision', 'Choose Approve or Deny.');
  if (decision === 'approve' && !isDemoUser(req.form)) return sendErrorPage(res, 401, 'Wrong login', 'Wrong username or password.');
  records.requests.delete(requestId);
  const params: Record<string, string> = {};
  if (decision === 'deny')
    Object.assign(params, { error: 'access_denied', error_description: 'The resource owner or authorization server denied the request.' });
  else {
    const code = randomToken(32);
    records.codes.set(code, { ...request, expiresAt: state.now() + 10 * 60_000 });
    params.code = code;
  }
  if (request.redirectUri === OOB_REDIRECT_URI) {
    // The out-of-band flow: the code on a page, for the person to paste into the application.
    return sendHtml(
      res,
      decision === 'deny' ? 403 : 200,
      page(
        'Authorization code',
        params.code
          ? `<h1>Copy this authorization code</h1>\n<p>Paste it into the application:</p>\n<output id="code">${escapeHtml(params.code)}</output>`
          : '<h1>Access denied</h1>\n<p>Nothing was shared with the application.</p>',
      ),
    );
  }
  const location = new URL(request.redirectUri);
  for (const [name, value] of Object.entries({ ...params, ...(request.state === undefined ? {} : { state: request.state }) }))
    location.searchParams.set(name, value);
  res.writeHead(302, { location: location.href, 'cache-control': 'no-store', 'content-length': 0 });
  res.end();
}

function oauthError(res: ServerResponse, state: SandboxState, status: number, error: string, description: string): void {
  state.stats.rejected++;
  sendJson(res, status, { error, error_description: description });
}

/** The app a form authenticates as: client_id + client_secret in the body only (the quirk refuses Basic). */
function bodyClient(req: SandboxRequest, res: ServerResponse, state: SandboxState): MastodonApp | undefined {
  const records = mastodonRecords(state);
  if (req.headers.authorization?.toLowerCase().startsWith('basic')) {
    records.basicAuthAttempts++;
    oauthError(
      res,
      state,
      401,
      'invalid_client',
      'HTTP Basic client credentials are not URL-decoded by this server: send client_id and client_secret in the body (client_secret_post)',
    );
    return undefined;
  }
  const app = records.apps.find((a) => a.clientId === req.form?.get('client_id'));
  if (!app || !secretEquals(app.clientSecret, req.form?.get('client_secret') ?? '')) {
    oauthError(
      res,
      state,
      401,
      'invalid_client',
      'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
    );
    return undefined;
  }
  return app;
}

function token(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  state.stats.tokenRequests++;
  if (!req.form) return oauthError(res, state, 400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
  const app = bodyClient(req, res, state);
  if (!app) return;
  if (req.form.get('grant_type') !== 'authorization_code')
    return oauthError(
      res,
      state,
      400,
      'unsupported_grant_type',
      'The authorization grant type is not supported by the authorization server.',
    );
  const records = mastodonRecords(state);
  const code = req.form.get('code') ?? '';
  const record = records.codes.get(code);
  records.codes.delete(code);
  const invalidGrant = () =>
    oauthError(
      res,
      state,
      400,
      'invalid_grant',
      'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
    );
  if (!record || record.clientId !== app.clientId || record.expiresAt <= state.now() || record.redirectUri !== req.form.get('redirect_uri'))
    return invalidGrant();
  if (record.challenge !== undefined) {
    const verifier = req.form.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier, 'ascii').digest('base64url') !== record.challenge) return invalidGrant();
  }
  const accessToken = randomToken(32);
  const createdAt = Math.floor(state.now() / 1000);
  records.tokens.set(accessToken, { clientId: app.clientId, scopes: record.scopes, createdAt });
  // Mastodon's tokens do not expire: no expires_in, no refresh_token.
  sendJson(res, 200, { access_token: accessToken, token_type: 'Bearer', scope: record.scopes.join(' '), created_at: createdAt });
}

function revoke(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  if (!req.form) return oauthError(res, state, 400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
  const app = bodyClient(req, res, state);
  if (!app) return;
  const records = mastodonRecords(state);
  const value = req.form.get('token') ?? '';
  const issued = records.tokens.get(value);
  // RFC 7009 2.2: an unknown token is not an error; another client's token is not revoked.
  if (issued && issued.clientId === app.clientId) {
    records.tokens.delete(value);
    records.revocations++;
  }
  sendJson(res, 200, {});
}

function homeTimeline(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  const authorization = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!authorization || !mastodonRecords(state).tokens.has(authorization))
    return oauthError(res, state, 401, 'invalid_token', 'The access token is invalid');
  const limit = Math.min(40, Math.max(1, Number(req.url.searchParams.get('limit') ?? '20') || 20));
  const { items, link } = mastodonPage(
    state.timelines[DEMO_CREDENTIALS.user.screenName] ?? TIMELINES.twitterapi!,
    (t) => t.id_str,
    req.url,
    limit,
  );
  sendJson(res, 200, items.map(mastodonStatus), link ? { link } : {});
}

/**
 * Installs the Mastodon-style instance (see the file's header). Start it as a sandbox of its own:
 * `startSandbox({ modules: MASTODON_SANDBOX_MODULES })`; its issuer is the sandbox's URL.
 *
 * @example
 * ```ts
 * const instance = await startSandbox({ modules: MASTODON_SANDBOX_MODULES });
 * // tokensmith login mastodon --instance 127.0.0.1:PORT
 * mastodonRecords(instance.state).appRegistrations; // 1
 * ```
 */
export function installMastodonInstance(state: SandboxState): void {
  const records: MastodonRecords = {
    appRegistrations: 0,
    lastAppRequest: undefined,
    apps: [],
    requests: new Map(),
    codes: new Map(),
    tokens: new Map(),
    basicAuthAttempts: 0,
    revocations: 0,
  };
  state.extensions.mastodon = records;
  addRoute(state, 'GET', '/.well-known/oauth-authorization-server', (_req, res, s) => sendJson(res, 200, instanceMetadata(s)));
  addRoute(state, 'POST', '/api/v1/apps', registerApp);
  addRoute(state, 'GET', '/oauth/authorize', authorizeGet);
  addRoute(state, 'POST', '/oauth/authorize', authorizePost);
  addRoute(state, 'POST', '/oauth/token', token);
  addRoute(state, 'POST', '/oauth/revoke', revoke);
  addRoute(state, 'GET', '/api/v1/timelines/home', homeTimeline);
  // verify_credentials and the account statuses come from the Mastodon emulation of the other timelines.
  state.authenticators.push((req, s) => {
    const value = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (value === undefined) return undefined;
    const issued = mastodonRecords(s).tokens.get(value);
    if (!issued) return { ok: false, send: (res) => sendJson(res, 401, { error: 'The access token is invalid' }) };
    return {
      ok: true,
      principal: { kind: 'user', clientId: issued.clientId, screenName: DEMO_CREDENTIALS.user.screenName, scopes: issued.scopes },
    };
  });
}

/**
 * The modules of a Mastodon-style instance sandbox: {@link installMastodonInstance} and the Mastodon
 * account endpoints (`verify_credentials`, `/api/v1/accounts/:id/statuses`).
 *
 * @example
 * ```ts
 * const instance = await startSandbox({ modules: MASTODON_SANDBOX_MODULES });
 * ```
 */
export const MASTODON_SANDBOX_MODULES: readonly ((state: SandboxState) => void)[] = Object.freeze([
  installMastodonInstance,
  installOtherTimelines,
]);
