import { createHmac, randomInt } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { TWITTER_ERRORS, escapeHtml, sendForm, sendHtml, sendJson, sendTwitterError, type SandboxRequest } from './http-util.js';
import { secretEquals } from './oauth2-app.js';
import { DEMO_CREDENTIALS, addRoute, randomToken, type Authenticator, type SandboxConsumer, type SandboxState } from './state.js';

// An OAuth 1.0a (RFC 5849) provider with Twitter's PIN (out-of-band) flow. The signature checks
// below are the sandbox's own: they share no code with any client package, so a client bug
// cannot be mirrored here and pass unnoticed.

/** How far `oauth_timestamp` may be from the sandbox clock, in seconds (Twitter: 300 s). */
export const OAUTH1_TIMESTAMP_WINDOW_SECONDS = 300;
/** How long a request token may wait for its exchange. */
export const REQUEST_TOKEN_TTL_MS = 15 * 60_000;

/** A request token (temporary credentials) and what the user decided on the authorize page. */
export interface SandboxRequestToken {
  consumerKey: string;
  secret: string;
  createdAt: number;
  /** The hidden form field of the last rendered authorize page (CSRF protection). */
  authenticityToken?: string;
  decision?: { approved: true; verifier: string; screenName: string; userId: string } | { approved: false };
}

/** An issued OAuth 1.0a access token (token credentials). */
export interface SandboxAccessToken { consumerKey: string; secret: string; screenName: string; userId: string }

/** The OAuth 1.0a module's memory inside `state.extensions.oauth1`. */
export interface OAuth1SandboxStore {
  requestTokens: Map<string, SandboxRequestToken>;
  /** Request tokens already exchanged, denied or burnt by a wrong PIN. */
  usedRequestTokens: Set<string>;
  accessTokens: Map<string, SandboxAccessToken>;
  /** Seen `consumer&token&timestamp&nonce` keys, with their timestamp (s), pruned outside the window. */
  nonces: Map<string, number>;
}

/**
 * The OAuth 1.0a module's memory of a sandbox (for tests that need to reach in).
 *
 * @example
 * ```ts
 * oauth1Store(sandbox.state).accessTokens.size; // tokens issued so far
 * ```
 */
export function oauth1Store(state: SandboxState): OAuth1SandboxStore {
  const store = state.extensions.oauth1 as OAuth1SandboxStore | undefined;
  if (!store) throw new Error('the OAuth 1.0a module is not installed');
  return store;
}

// ---------------------------------------------------------------------------------------------
// RFC 5849 3.4.1 / 3.5.1 / 3.6, implemented independently.

const UNRESERVED = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~'.split('').map((c) => c.charCodeAt(0)));

/**
 * RFC 5849 3.6: UTF-8, then every byte outside the unreserved set as `%XX` (upper-case hex).
 *
 * @example
 * ```ts
 * rfc3986Encode('café ☕!'); // 'caf%C3%A9%20%E2%98%95%21'
 * ```
 */
export function rfc3986Encode(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  const out: string[] = [];
  for (const byte of bytes) out.push(UNRESERVED.has(byte) ? String.fromCharCode(byte) : `%${byte < 16 ? '0' : ''}${byte.toString(16).toUpperCase()}`);
  return out.join('');
}

/** Percent-decodes to UTF-8 (`%XX` with two hex digits become bytes; anything else stays as is). */
function percentDecode(text: string): string {
  const input = Buffer.from(text, 'utf8');
  const out = Buffer.alloc(input.length);
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i]!;
    if (byte === 0x25 && i + 2 < input.length && isHex(input[i + 1]) && isHex(input[i + 2])) {
      out[n++] = parseInt(String.fromCharCode(input[i + 1]!, input[i + 2]!), 16);
      i += 2;
    } else out[n++] = byte;
  }
  return out.subarray(0, n).toString('utf8');
}

function isHex(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66));
}

/**
 * Parses `application/x-www-form-urlencoded` text into decoded pairs, duplicates kept (`+` is a space).
 *
 * @example
 * ```ts
 * parseFormPairs('a=1&a=2&b'); // [['a', '1'], ['a', '2'], ['b', '']]
 * ```
 */
export function parseFormPairs(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const piece of text.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const name = eq < 0 ? piece : piece.slice(0, eq);
    const value = eq < 0 ? '' : piece.slice(eq + 1);
    pairs.push([percentDecode(name.replace(/\+/g, ' ')), percentDecode(value.replace(/\+/g, ' '))]);
  }
  return pairs;
}

/**
 * Splits an absolute URL into the RFC 5849 3.4.1.2 base string URI and its raw query.
 *
 * @example
 * ```ts
 * splitUrl('HTTP://Example.COM:80/r?b=1'); // { baseUri: 'http://example.com/r', query: 'b=1' }
 * ```
 */
export function splitUrl(url: string): { baseUri: string; query: string } | undefined {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#.*)?$/.exec(url);
  if (!match) return undefined;
  const scheme = match[1]!.toLowerCase();
  const authority = match[2]!.slice(match[2]!.lastIndexOf('@') + 1);
  const hostPort = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(authority);
  if (!hostPort?.[1]) return undefined;
  const host = hostPort[1].toLowerCase();
  const port = hostPort[2] ?? '';
  const isDefault = port === '' || (scheme === 'http' && port === '80') || (scheme === 'https' && port === '443');
  return { baseUri: `${scheme}://${host}${isDefault ? '' : `:${port}`}${match[3] || '/'}`, query: match[4] ?? '' };
}

/**
 * Parses an `Authorization: OAuth ...` header (RFC 5849 3.5.1): quoted, percent-encoded values,
 * comma-separated. Returns undefined when it is not OAuth, malformed, or repeats a parameter.
 *
 * @example
 * ```ts
 * parseOAuthHeader('OAuth oauth_nonce="n", oauth_token="t"')?.get('oauth_token'); // 't'
 * ```
 */
export function parseOAuthHeader(header: string | undefined): Map<string, string> | undefined {
  const match = /^\s*OAuth\s+([\s\S]*)$/i.exec(header ?? '');
  if (!match) return undefined;
  const params = new Map<string, string>();
  const item = /\s*([A-Za-z0-9_.~%-]+)\s*=\s*"([^"]*)"\s*(,|$)/y;
  const text = match[1]!.trimEnd();
  let last = '';
  while (item.lastIndex < text.length) {
    const start = item.lastIndex;
    const found = item.exec(text);
    if (!found) return undefined;
    const name = percentDecode(found[1]!);
    if (params.has(name)) return undefined;
    params.set(name, percentDecode(found[2]!));
    last = found[3]!;
    if (item.lastIndex === start) return undefined;
  }
  if (params.size === 0 || last === ',') return undefined;
  return params;
}

/**
 * The RFC 5849 3.4.1 signature base string of a request: query and form-body parameters plus the
 * protocol parameters (less `realm` and `oauth_signature`), encoded, sorted, joined.
 *
 * @example
 * ```ts
 * oauth1BaseString({ method: 'GET', url: 'http://photos.example.net/photos?size=original', protocolParams: params });
 * ```
 */
export function oauth1BaseString(request: { method: string; url: string; formBody?: string | undefined; protocolParams: Map<string, string> | Record<string, string> }): string {
  const parts = splitUrl(request.url);
  if (!parts) throw new Error('not an absolute URL');
  const protocol = request.protocolParams instanceof Map ? [...request.protocolParams] : Object.entries(request.protocolParams);
  const pairs = [
    ...parseFormPairs(parts.query),
    ...(request.formBody === undefined ? [] : parseFormPairs(request.formBody)),
    ...protocol.filter(([name]) => name !== 'realm' && name !== 'oauth_signature'),
  ]
    .map(([name, value]) => [rfc3986Encode(name), rfc3986Encode(value)] as const)
    .sort(([an, av], [bn, bv]) => (an !== bn ? (an < bn ? -1 : 1) : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`);
  return [request.method.toUpperCase(), rfc3986Encode(parts.baseUri), rfc3986Encode(pairs.join('&'))].join('&');
}

/**
 * HMAC-SHA1 over the base string with `encode(consumerSecret)&encode(tokenSecret)`, base64 (RFC 5849 3.4.2).
 *
 * @example
 * ```ts
 * oauth1HmacSha1(baseString, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00'); // 'MdpQcU8iPSUjWoN/UDMsK2sui9I=' (RFC 5849 1.2)
 * ```
 */
export function oauth1HmacSha1(baseString: string, consumerSecret: string, tokenSecret = ''): string {
  return createHmac('sha1', `${rfc3986Encode(consumerSecret)}&${rfc3986Encode(tokenSecret)}`).update(baseString, 'utf8').digest('base64');
}

/**
 * Verifies an HMAC-SHA1 signed request exactly: the `Authorization` header's `oauth_signature`
 * must equal the signature of the request's base string (constant-time compare).
 *
 * @example
 * ```ts
 * verifyOAuth1Signature({ method: 'GET', url, authorization: req.headers.authorization, consumerSecret, tokenSecret }); // true or false
 * ```
 */
export function verifyOAuth1Signature(request: { method: string; url: string; formBody?: string | undefined; authorization: string | undefined; consumerSecret: string; tokenSecret?: string }): boolean {
  const params = parseOAuthHeader(request.authorization);
  const given = params?.get('oauth_signature');
  if (!params || given === undefined || params.get('oauth_signature_method') !== 'HMAC-SHA1') return false;
  let expected: string;
  try {
    expected = oauth1HmacSha1(oauth1BaseString({ method: request.method, url: request.url, formBody: request.formBody, protocolParams: params }), request.consumerSecret, request.tokenSecret ?? '');
  } catch {
    return false;
  }
  return secretEquals(given, expected);
}

// ---------------------------------------------------------------------------------------------
// The signed-request gate shared by the token endpoints and the timeline.

type Failure = { ok: false; send: (res: ServerResponse) => void };
type Checked = { ok: true; params: Map<string, string>; consumer: SandboxConsumer; token: string | undefined };

const fail = (send: (res: ServerResponse) => void): Failure => ({ ok: false, send });
const twitterError = (error: (typeof TWITTER_ERRORS)[keyof typeof TWITTER_ERRORS]): Failure => fail((res) => sendTwitterError(res, error));
const problem = (status: number, oauthProblem: string, advice: string, extra: Record<string, string> = {}): Failure =>
  fail((res) => sendForm(res, status, { oauth_problem: oauthProblem, oauth_problem_advice: advice, ...extra }));

const REQUIRED = ['oauth_consumer_key', 'oauth_signature_method', 'oauth_signature', 'oauth_timestamp', 'oauth_nonce'];

/**
 * Checks one signed request: header shape, consumer, token (through `tokenSecret`), timestamp
 * window, exact HMAC-SHA1 signature and nonce replay, in that order.
 */
function checkSigned(
  req: SandboxRequest,
  state: SandboxState,
  tokenSecret: (token: string | undefined, consumer: SandboxConsumer) => string | Failure,
): Checked | Failure {
  const params = parseOAuthHeader(req.headers.authorization);
  if (!params || REQUIRED.some((name) => !params.get(name))) return twitterError(TWITTER_ERRORS.badAuthentication);
  const formBody = req.form ? req.body : undefined;
  const carried = [...parseFormPairs(req.url.search.slice(1)), ...(formBody ? parseFormPairs(formBody) : [])];
  if (carried.some(([name]) => name.startsWith('oauth_'))) return twitterError(TWITTER_ERRORS.badAuthentication); // one transmission method only (RFC 5849 3.5)
  const version = params.get('oauth_version');
  if (version !== undefined && version !== '1.0') return twitterError(TWITTER_ERRORS.couldNotAuthenticate);
  if (params.get('oauth_signature_method') !== 'HMAC-SHA1') return twitterError(TWITTER_ERRORS.couldNotAuthenticate);
  const consumer = state.consumers.find((c) => c.consumerKey === params.get('oauth_consumer_key'));
  if (!consumer) return twitterError(TWITTER_ERRORS.couldNotAuthenticate);
  const token = params.get('oauth_token') || undefined;
  const secret = tokenSecret(token, consumer);
  if (typeof secret !== 'string') return secret;

  const timestamp = params.get('oauth_timestamp')!;
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(Number(timestamp) - state.now() / 1000) > OAUTH1_TIMESTAMP_WINDOW_SECONDS) {
    return twitterError(TWITTER_ERRORS.timestampOutOfBounds);
  }
  const url = `${state.baseUrl}${req.url.pathname}${req.url.search}`;
  if (!verifyOAuth1Signature({ method: req.method, url, formBody, authorization: req.headers.authorization, consumerSecret: consumer.consumerSecret, tokenSecret: secret })) {
    return twitterError(TWITTER_ERRORS.couldNotAuthenticate);
  }
  const store = oauth1Store(state);
  const nonceKey = [consumer.consumerKey, token ?? '', timestamp, params.get('oauth_nonce')!].map(rfc3986Encode).join('&');
  if (store.nonces.has(nonceKey)) return twitterError(TWITTER_ERRORS.couldNotAuthenticate);
  const nowSeconds = state.now() / 1000;
  for (const [key, seconds] of store.nonces) if (Math.abs(seconds - nowSeconds) > OAUTH1_TIMESTAMP_WINDOW_SECONDS) store.nonces.delete(key);
  store.nonces.set(nonceKey, Number(timestamp));
  return { ok: true, params, consumer, token };
}

// ---------------------------------------------------------------------------------------------
// Pages.

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#14171a;background:#fff}' +
  'label{display:block;font-weight:600;margin-top:1rem}' +
  'input{font:inherit;padding:.5rem;width:100%;box-sizing:border-box;border:1px solid #536471;border-radius:4px}' +
  'button{font:inherit;padding:.5rem 1.25rem;margin:1.5rem .5rem 0 0;border-radius:999px;border:2px solid #1d4ed8;background:#fff;color:#1d4ed8;cursor:pointer}' +
  'button.primary{background:#1d4ed8;color:#fff}:focus-visible{outline:3px solid #b45309;outline-offset:2px}' +
  '#pin{display:block;font:700 2rem/1.2 ui-monospace,monospace;letter-spacing:.2em;margin:1rem 0}' +
  '[role=alert]{color:#b91c1c;font-weight:600}';

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function authorizePage(appName: string, oauthToken: string, authenticityToken: string, error?: string): string {
  const app = escapeHtml(appName);
  const invalid = error ? ' aria-invalid="true" aria-describedby="form-error"' : '';
  return page(
    `Authorize ${appName} to access your account? - tokensmith sandbox`,
    `<h1>Authorize ${app} to access your account?</h1>
<p><strong>${app}</strong> will be able to:</p>
<ul>
<li>Read Tweets from your timeline</li>
<li>See your profile information</li>
</ul>
<p>It will not be able to see your password.</p>
${error ? `<div id="form-error"><p role="alert">${escapeHtml(error)}</p></div>\n` : ''}<form method="post" action="/oauth/authorize">
<input type="hidden" name="oauth_token" value="${escapeHtml(oauthToken)}">
<input type="hidden" name="authenticity_token" value="${escapeHtml(authenticityToken)}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required${invalid}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${invalid}>
<button class="primary" type="submit" name="action" value="approve">Approve</button>
<button type="submit" name="action" value="deny" formnovalidate>Deny</button>
</form>
<p>Sandbox demo user: <code>${escapeHtml(DEMO_CREDENTIALS.user.screenName)}</code>.</p>`,
  );
}

function invalidRequestPage(): string {
  return page(
    'Invalid authorization request - tokensmith sandbox',
    `<h1>This authorization request is no longer valid</h1>
<p>The request token is unknown, already used or expired. Go back to the application and start again.</p>`,
  );
}

// ---------------------------------------------------------------------------------------------
// Endpoints.

function liveRequestToken(store: OAuth1SandboxStore, token: string | undefined, now: number): SandboxRequestToken | undefined {
  if (!token) return undefined;
  const record = store.requestTokens.get(token);
  if (!record) return undefined;
  if (now - record.createdAt > REQUEST_TOKEN_TTL_MS) {
    store.requestTokens.delete(token);
    store.usedRequestTokens.add(token);
    return undefined;
  }
  return record;
}

function burn(store: OAuth1SandboxStore, token: string): void {
  store.requestTokens.delete(token);
  store.usedRequestTokens.add(token);
}

function consumerName(state: SandboxState, consumerKey: string): string {
  return state.consumers.find((c) => c.consumerKey === consumerKey)?.name ?? consumerKey;
}

function sendCallbackNotApproved(res: ServerResponse): void {
  sendJson(res, 403, { errors: [{ code: 415, message: 'Callback URL not approved for this client application. Approved callback URLs can be adjusted in your application settings' }] });
}

/** `POST /oauth/request_token`: temporary credentials for `oauth_callback=oob` (RFC 5849 2.1). */
function requestTokenEndpoint(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  state.stats.requestTokenRequests++;
  const checked = checkSigned(req, state, (token) => (token === undefined ? '' : twitterError(TWITTER_ERRORS.couldNotAuthenticate)));
  if (!checked.ok) {
    state.stats.rejected++;
    checked.send(res);
    return;
  }
  const callback = checked.params.get('oauth_callback');
  if (callback === undefined) {
    state.stats.rejected++;
    problem(400, 'parameter_absent', 'oauth_callback is required (use oob for the PIN flow)', { oauth_parameters_absent: 'oauth_callback' }).send(res);
    return;
  }
  if (callback !== 'oob') {
    state.stats.rejected++;
    sendCallbackNotApproved(res);
    return;
  }
  const oauthToken = randomToken(24);
  const secret = randomToken(32);
  oauth1Store(state).requestTokens.set(oauthToken, { consumerKey: checked.consumer.consumerKey, secret, createdAt: state.now() });
  sendForm(res, 200, { oauth_token: oauthToken, oauth_token_secret: secret, oauth_callback_confirmed: 'true' });
}

/** `GET /oauth/authorize?oauth_token=...`: the page where the demo user approves or denies. */
function authorizeForm(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  const store = oauth1Store(state);
  const token = req.url.searchParams.get('oauth_token') ?? undefined;
  const record = liveRequestToken(store, token, state.now());
  if (!token || !record || record.decision) {
    sendHtml(res, 400, invalidRequestPage());
    return;
  }
  record.authenticityToken = randomToken(16);
  sendHtml(res, 200, authorizePage(consumerName(state, record.consumerKey), token, record.authenticityToken));
}

/** `POST /oauth/authorize`: approve (shows the PIN in `<output id="pin">`) or deny. */
function authorizeDecision(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  const store = oauth1Store(state);
  const form = req.form;
  const token = form?.get('oauth_token') ?? undefined;
  const record = liveRequestToken(store, token, state.now());
  const authenticity = form?.get('authenticity_token') ?? '';
  if (!form || !token || !record || record.decision || !record.authenticityToken || !secretEquals(record.authenticityToken, authenticity)) {
    state.stats.rejected++;
    sendHtml(res, 400, invalidRequestPage());
    return;
  }
  const app = consumerName(state, record.consumerKey);
  const action = form.get('action');
  if (action === 'deny') {
    record.decision = { approved: false };
    record.authenticityToken = undefined;
    sendHtml(
      res,
      200,
      page(
        `Authorization denied - tokensmith sandbox`,
        `<h1>Authorization denied</h1>
<p>You did not authorize ${escapeHtml(app)} to access your account. You can close this page.</p>`,
      ),
    );
    return;
  }
  if (action !== 'approve') {
    state.stats.rejected++;
    sendHtml(res, 400, invalidRequestPage());
    return;
  }
  const user = DEMO_CREDENTIALS.user;
  const username = (form.get('username') ?? '').trim().replace(/^@/, '').toLowerCase();
  if (username !== user.screenName.toLowerCase() || !secretEquals(form.get('password') ?? '', user.password)) {
    state.stats.rejected++;
    record.authenticityToken = randomToken(16);
    sendHtml(res, 401, authorizePage(app, token, record.authenticityToken, 'The username and password you entered did not match our records.'));
    return;
  }
  const verifier = String(randomInt(0, 10_000_000)).padStart(7, '0');
  record.decision = { approved: true, verifier, screenName: user.screenName, userId: user.userId };
  record.authenticityToken = undefined;
  sendHtml(
    res,
    200,
    page(
      `Authorized ${app} - tokensmith sandbox`,
      `<h1>You have authorized ${escapeHtml(app)}</h1>
<p id="pin-label">Go back to ${escapeHtml(app)} and enter this PIN to complete the authorization:</p>
<output id="pin" aria-labelledby="pin-label">${verifier}</output>`,
    ),
  );
}

/** `POST /oauth/access_token`: the PIN (`oauth_verifier`) for token credentials (RFC 5849 2.3). */
function accessTokenEndpoint(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  state.stats.accessTokenRequests++;
  const store = oauth1Store(state);
  let record: SandboxRequestToken | undefined;
  const checked = checkSigned(req, state, (token, consumer) => {
    if (token === undefined) return problem(400, 'parameter_absent', 'oauth_token is required', { oauth_parameters_absent: 'oauth_token' });
    record = liveRequestToken(store, token, state.now());
    if (!record) {
      return store.usedRequestTokens.has(token)
        ? problem(401, 'token_used', 'This request token was already used, denied or has expired; start the authorization again.')
        : problem(401, 'token_rejected', 'This request token is unknown; start the authorization again.');
    }
    if (record.consumerKey !== consumer.consumerKey) return twitterError(TWITTER_ERRORS.couldNotAuthenticate);
    return record.secret;
  });
  if (!checked.ok || !record || !checked.token) {
    state.stats.rejected++;
    (checked.ok ? twitterError(TWITTER_ERRORS.couldNotAuthenticate) : checked).send(res);
    return;
  }
  const token = checked.token;
  const verifier = checked.params.get('oauth_verifier');
  if (!verifier) {
    state.stats.rejected++;
    problem(400, 'parameter_absent', 'oauth_verifier (the PIN) is required', { oauth_parameters_absent: 'oauth_verifier' }).send(res);
    return;
  }
  const decision = record.decision;
  burn(store, token); // single use, whatever happens next
  if (decision && !decision.approved) {
    state.stats.rejected++;
    problem(401, 'permission_denied', 'The user denied access to this application.').send(res);
    return;
  }
  if (!decision || !secretEquals(decision.verifier, verifier)) {
    state.stats.rejected++;
    problem(401, 'verifier_invalid', 'The PIN is wrong (or the request was never approved); start the authorization again for a new PIN.').send(res);
    return;
  }
  const accessToken = `${decision.userId}-${randomToken(24)}`;
  const secret = randomToken(32);
  store.accessTokens.set(accessToken, { consumerKey: checked.consumer.consumerKey, secret, screenName: decision.screenName, userId: decision.userId });
  sendForm(res, 200, { oauth_token: accessToken, oauth_token_secret: secret, user_id: decision.userId, screen_name: decision.screenName });
}

/** OAuth 1.0a signed resource requests (user context) for the timeline. */
export const oauth1Authenticator: Authenticator = (req, state) => {
  if (!/^\s*OAuth\s/i.test(req.headers.authorization ?? '')) return undefined;
  const store = oauth1Store(state);
  let access: SandboxAccessToken | undefined;
  const checked = checkSigned(req, state, (token, consumer) => {
    access = token === undefined ? undefined : store.accessTokens.get(token);
    if (!access) return twitterError(TWITTER_ERRORS.invalidToken);
    if (access.consumerKey !== consumer.consumerKey) return twitterError(TWITTER_ERRORS.couldNotAuthenticate);
    return access.secret;
  });
  if (!checked.ok) return checked;
  if (!access) return twitterError(TWITTER_ERRORS.couldNotAuthenticate);
  return { ok: true, principal: { kind: 'user', clientId: checked.consumer.consumerKey, screenName: access.screenName, scopes: [] } };
};

/**
 * Installs the OAuth 1.0a PIN endpoints (`/oauth/request_token`, `/oauth/authorize`,
 * `/oauth/access_token`) and lets the timeline accept OAuth 1.0a signed requests.
 *
 * @example
 * ```ts
 * await startSandbox({ modules: [installOAuth2App, installTimeline, installOAuth1] });
 * ```
 */
export function installOAuth1(state: SandboxState): void {
  const store: OAuth1SandboxStore = { requestTokens: new Map(), usedRequestTokens: new Set(), accessTokens: new Map(), nonces: new Map() };
  state.extensions.oauth1 = store;
  addRoute(state, 'POST', '/oauth/request_token', requestTokenEndpoint);
  addRoute(state, 'GET', '/oauth/authorize', authorizeForm);
  addRoute(state, 'POST', '/oauth/authorize', authorizeDecision);
  addRoute(state, 'POST', '/oauth/access_token', accessTokenEndpoint);
  state.authenticators.push(oauth1Authenticator);
}
