import type { ServerResponse } from 'node:http';
import type { Tweet } from './fixtures.js';
import { TWITTER_ERRORS, sendJson, sendTwitterError, type SandboxRequest } from './http-util.js';
import { sendResourceDPoPError } from './dpop.js';
import { appTokenBindings, appTokenValid } from './oauth2-app.js';
import { audienceCovers } from './oauth2-resources.js';
import { takeRateLimit, USER_TIMELINE_LIMITS } from './rate-limits.js';
import { sendTwitterJson } from './twitter-json.js';
import { addRoute, type Authenticator, type Principal, type SandboxState } from './state.js';

/** Bearer tokens: app-only tokens and OAuth 2 user tokens. */
export const bearerAuthenticator: Authenticator = (req, state) => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match?.[1]) return undefined;
  const token = match[1];
  const appClient = appTokenValid(state, token);
  if (appClient !== undefined && appTokenBindings(state).has(token))
    return {
      ok: false,
      send: (res) =>
        sendResourceDPoPError(res, {
          error: 'invalid_token',
          description: 'the access token is DPoP-bound: present it with the DPoP scheme and a proof',
        }),
    };
  if (appClient !== undefined) return { ok: true, principal: { kind: 'app', clientId: appClient } };
  const user = state.userTokens.get(token);
  // RFC 8707: a token bound to resources works only under them.
  // RFC 9449 7.2: a DPoP-bound token is no bearer token; presented as one, it is refused.
  if (user?.jkt !== undefined)
    return {
      ok: false,
      send: (res) =>
        sendResourceDPoPError(res, {
          error: 'invalid_token',
          description: 'the access token is DPoP-bound: present it with the DPoP scheme and a proof',
        }),
    };
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

const ID = /^\d{1,20}$/;

/** Finds the timeline a request names: `user_id` (it wins), `screen_name`, or the user of a user token. */
function findTimeline(state: SandboxState, params: URLSearchParams, principal: Principal): readonly Tweet[] | 'missing' | undefined {
  const userId = params.get('user_id');
  if (userId !== null) return Object.values(state.timelines).find((tweets) => tweets[0]?.user.id_str === userId);
  const screenName = (params.get('screen_name') ?? (principal.kind === 'user' ? principal.screenName : '')).replace(/^@/, '').toLowerCase();
  if (!screenName) return 'missing';
  return state.timelines[screenName];
}

/**
 * `GET /1.1/statuses/user_timeline.json` with Twitter's parameters (`user_id` or `screen_name`,
 * `count`, `since_id`, `max_id`, `exclude_replies`, `include_rts`, `trim_user`), errors and
 * rate-limit headers (900 per user, 1500 per app, per 15 minutes). Ids are exact 64-bit numbers.
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
    const { headers, exceeded } = takeRateLimit(s, 'statuses/user_timeline', principal, USER_TIMELINE_LIMITS);
    if (exceeded && s.enforceRateLimits) return sendJson(res, 429, { errors: [{ code: 88, message: 'Rate limit exceeded' }] }, headers);
    const params = req.url.searchParams;
    const timeline = findTimeline(s, params, principal);
    if (timeline === 'missing')
      return sendJson(res, 400, { errors: [{ code: 44, message: 'screen_name parameter is missing.' }] }, headers);
    if (!timeline) return sendJson(res, 404, { errors: [{ code: 34, message: 'Sorry, that page does not exist.' }] }, headers);
    const countText = params.get('count') ?? '20';
    const count = /^\d+$/.test(countText) ? Math.min(200, Math.max(1, Number(countText))) : 20;
    const sinceId = params.get('since_id');
    const maxId = params.get('max_id');
    // Twitter applies count first, then drops replies and retweets, so fewer may come back.
    let tweets = timeline
      .filter(
        (t) =>
          (sinceId === null || !ID.test(sinceId) || t.id > BigInt(sinceId)) && (maxId === null || !ID.test(maxId) || t.id <= BigInt(maxId)),
      )
      .slice(0, count);
    if (flag(params.get('exclude_replies'))) tweets = tweets.filter((t) => t.in_reply_to_status_id_str === null);
    if (params.get('include_rts') !== null && !flag(params.get('include_rts'))) tweets = tweets.filter((t) => !t.retweeted_status);
    const body = flag(params.get('trim_user')) ? tweets.map((t) => ({ ...t, user: { id: t.user.id, id_str: t.user.id_str } })) : tweets;
    sendTwitterJson(res, 200, body, headers);
  });
}
