import type { ServerResponse } from 'node:http';
import { TIMELINES } from './fixtures.js';
import { TWITTER_ERRORS, sendJson, sendTwitterError, type SandboxRequest } from './http-util.js';
import { appTokenValid } from './oauth2-app.js';
import { audienceCovers } from './oauth2-resources.js';
import { addRoute, type Authenticator, type Principal, type SandboxState } from './state.js';

/** Bearer tokens: app-only tokens and OAuth 2 user tokens. */
export const bearerAuthenticator: Authenticator = (req, state) => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match?.[1]) return undefined;
  const token = match[1];
  const appClient = appTokenValid(state, token);
  if (appClient !== undefined) return { ok: true, principal: { kind: 'app', clientId: appClient } };
  const user = state.userTokens.get(token);
  // RFC 8707: a token bound to resources works only under them.
  if (user && user.expiresAt > state.now() && audienceCovers(user.audience, new URL(req.url.pathname, state.baseUrl).href)) {
    return { ok: true, principal: { kind: 'user', clientId: user.clientId, screenName: user.screenName, scopes: user.scopes } };
  }
  return { ok: false, send: (res) => sendTwitterError(res, TWITTER_ERRORS.invalidToken) };
};

/**
 * Runs the authenticators; answers Twitter's 400/215 when none applies.
 *
 * @example
 * ```ts
 * const principal = authenticate(req, res, state); if (!principal) return; // the error was sent
 * ```
 */
export function authenticate(req: SandboxRequest, res: ServerResponse, state: SandboxState): Principal | undefined {
  for (const authenticator of state.authenticators) {
    const result = authenticator(req, state);
    if (result === undefined) continue;
    if (result.ok) return result.principal;
    state.stats.rejected++;
    result.send(res);
    return undefined;
  }
  state.stats.rejected++;
  sendTwitterError(res, TWITTER_ERRORS.badAuthentication);
  return undefined;
}

function flag(value: string | null): boolean {
  return value === 'true' || value === '1' || value === 't';
}

/**
 * `GET /1.1/statuses/user_timeline.json` with Twitter's parameters and errors.
 *
 * @example
 * ```ts
 * installTimeline(state); // GET /1.1/statuses/user_timeline.json
 * ```
 */
export function installTimeline(state: SandboxState): void {
  state.authenticators.push(bearerAuthenticator);
  addRoute(state, 'GET', '/1.1/statuses/user_timeline.json', (req, res, s) => {
    s.stats.timelineRequests++;
    const principal = authenticate(req, res, s);
    if (!principal) return;
    const params = req.url.searchParams;
    const screenName = (params.get('screen_name') ?? (principal.kind === 'user' ? principal.screenName : '')).toLowerCase();
    if (!screenName) {
      sendJson(res, 400, { errors: [{ code: 44, message: 'screen_name parameter is missing.' }] });
      return;
    }
    const timeline = TIMELINES[screenName];
    if (!timeline) {
      sendTwitterError(res, TWITTER_ERRORS.notFound);
      return;
    }
    const countText = params.get('count') ?? '20';
    const count = /^\d+$/.test(countText) ? Math.min(200, Math.max(1, Number(countText))) : 20;
    let tweets = timeline.slice(0, count);
    if (flag(params.get('exclude_replies'))) tweets = tweets.filter((t) => t.in_reply_to_status_id_str === null);
    if (params.get('include_rts') !== null && !flag(params.get('include_rts'))) tweets = tweets.filter((t) => !t.retweeted_status);
    const remaining = 900 - (s.stats.timelineRequests % 900);
    sendJson(res, 200, tweets, {
      'x-rate-limit-limit': '900',
      'x-rate-limit-remaining': String(remaining),
      'x-rate-limit-reset': String(Math.floor(s.now() / 1000) + 900),
    });
  });
}
