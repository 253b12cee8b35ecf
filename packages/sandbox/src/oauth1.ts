import { randomInt } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { TWITTER_ERRORS, sendForm, sendHtml, sendJson, type SandboxRequest } from './http-util.js';
import { oauth1AuthorizePage, oauth1DeniedPage, oauth1InvalidRequestPage, oauth1PinPage } from './oauth1-pages.js';
import { checkSigned, oauth1Authenticator, problem, twitterError } from './oauth1-signed-request.js';
import { burn, liveRequestToken, oauth1Store, type OAuth1SandboxStore, type SandboxRequestToken } from './oauth1-store.js';
import { secretEquals } from './oauth2-app.js';
import { demoUserFor } from './oauth2-authorize.js';
import { addRoute, randomToken, type SandboxState } from './state.js';

// An OAuth 1.0a (RFC 5849) provider with Twitter's PIN (out-of-band) flow: the endpoints. The
// signature checks are in oauth1-signature.ts, the signed-request gate in
// oauth1-signed-request.ts, the pages in oauth1-pages.ts.

export { OAUTH1_TIMESTAMP_WINDOW_SECONDS, REQUEST_TOKEN_TTL_MS, oauth1Store } from './oauth1-store.js';
export type { OAuth1SandboxStore, SandboxRequestToken, SandboxAccessToken } from './oauth1-store.js';
export {
  oauth1BaseString,
  oauth1HmacSha1,
  parseFormPairs,
  parseOAuthHeader,
  rfc3986Encode,
  splitUrl,
  verifyOAuth1Signature,
} from './oauth1-signature.js';
export { oauth1Authenticator } from './oauth1-signed-request.js';

function consumerName(state: SandboxState, consumerKey: string): string {
  return state.consumers.find((c) => c.consumerKey === consumerKey)?.name ?? consumerKey;
}

function sendCallbackNotApproved(res: ServerResponse): void {
  sendJson(res, 403, {
    errors: [
      {
        code: 415,
        message:
          'Callback URL not approved for this client application. Approved callback URLs can be adjusted in your application settings',
      },
    ],
  });
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
    problem(400, 'parameter_absent', 'oauth_callback is required (use oob for the PIN flow)', {
      oauth_parameters_absent: 'oauth_callback',
    }).send(res);
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
    sendHtml(res, 400, oauth1InvalidRequestPage());
    return;
  }
  record.authenticityToken = randomToken(16);
  sendHtml(res, 200, oauth1AuthorizePage(consumerName(state, record.consumerKey), token, record.authenticityToken));
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
    sendHtml(res, 400, oauth1InvalidRequestPage());
    return;
  }
  const app = consumerName(state, record.consumerKey);
  const action = form.get('action');
  if (action === 'deny') {
    record.decision = { approved: false };
    record.authenticityToken = undefined;
    sendHtml(res, 200, oauth1DeniedPage(app));
    return;
  }
  if (action !== 'approve') {
    state.stats.rejected++;
    sendHtml(res, 400, oauth1InvalidRequestPage());
    return;
  }
  const user = demoUserFor(form, true);
  if (!user) {
    state.stats.rejected++;
    record.authenticityToken = randomToken(16);
    sendHtml(
      res,
      401,
      oauth1AuthorizePage(
        app,
        token,
        record.authenticityToken,
        'The username and password you entered did not match our records.',
        form.get('username') ?? '',
      ),
    );
    return;
  }
  const verifier = String(randomInt(0, 10_000_000)).padStart(7, '0');
  record.decision = { approved: true, verifier, screenName: user.screenName, userId: user.userId };
  record.authenticityToken = undefined;
  sendHtml(res, 200, oauth1PinPage(app, verifier));
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
    problem(
      401,
      'verifier_invalid',
      'The PIN is wrong (or the request was never approved); start the authorization again for a new PIN.',
    ).send(res);
    return;
  }
  const accessToken = `${decision.userId}-${randomToken(24)}`;
  const secret = randomToken(32);
  store.accessTokens.set(accessToken, {
    consumerKey: checked.consumer.consumerKey,
    secret,
    screenName: decision.screenName,
    userId: decision.userId,
  });
  sendForm(res, 200, { oauth_token: accessToken, oauth_token_secret: secret, user_id: decision.userId, screen_name: decision.screenName });
}

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
