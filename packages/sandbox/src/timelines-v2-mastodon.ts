import type { ServerResponse } from 'node:http';
import type { Tweet } from './fixtures.js';
import { mastodonPage, v2InvalidParameter, v2Page } from './api-pages.js';
import { sendJson, type SandboxRequest } from './http-util.js';
import { takeRateLimit, USER_TIMELINE_LIMITS } from './rate-limits.js';
import { authenticate } from './timeline.js';
import type { Principal, SandboxState } from './state.js';

/** Mastodon's rate-limit headers (300 requests per account and window, the reset as an ISO 8601 time). */
function mastodonRateHeaders(state: SandboxState, principal: Principal): Record<string, string> {
  const x = takeRateLimit(state, 'mastodon/api', principal, { user: 300, app: 300 }).headers;
  return {
    'x-ratelimit-limit': x['x-rate-limit-limit']!,
    'x-ratelimit-remaining': x['x-rate-limit-remaining']!,
    'x-ratelimit-reset': new Date(Number(x['x-rate-limit-reset']) * 1000).toISOString(),
  };
}

/** A route matched by a regular expression on the path; capture groups are passed on. */
export interface PatternRoute {
  method: string;
  pattern: RegExp;
  handle(req: SandboxRequest, res: ServerResponse, state: SandboxState, params: string[]): void;
}

/**
 * The pattern routes of a sandbox (kept in `state.extensions.patternRoutes`).
 *
 * @example
 * ```ts
 * patternRoutes(state).push({ method: 'GET', pattern: /^\/2\/users\/(\d+)$/, handle: (req, res, s, [id]) => sendJson(res, 200, { id }) });
 * ```
 */
export function patternRoutes(state: SandboxState): PatternRoute[] {
  return ((state.extensions.patternRoutes as PatternRoute[] | undefined) ??= []);
}

const users = (state: SandboxState) => Object.values(state.timelines).flatMap((tweets) => (tweets[0] ? [tweets[0].user] : []));
const byName = (state: SandboxState, name: string) => users(state).find((u) => u.screen_name.toLowerCase() === name.toLowerCase());
const byId = (state: SandboxState, id: string) => users(state).find((u) => u.id_str === id);
const self = (state: SandboxState, principal: Principal) => (principal.kind === 'user' ? byName(state, principal.screenName) : undefined);

/**
 * A v1.1 tweet in X API v2's default shape (with `created_at` and `author_id`).
 *
 * @example
 * ```ts
 * v2Tweet(TIMELINES.twitterapi[0]).id; // the id_str
 * ```
 */
export function v2Tweet(tweet: Tweet) {
  return {
    id: tweet.id_str,
    text: tweet.text.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'),
    created_at: new Date(
      Date.parse(tweet.created_at.replace(/^(\w+) (\w+) (\d+) ([\d:]+) \+0000 (\d+)$/, '$2 $3 $5 $4 UTC')),
    ).toISOString(),
    author_id: tweet.user.id_str,
  };
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function mastodonAccount(user: Tweet['user']) {
  return {
    id: user.id_str,
    username: user.screen_name,
    acct: user.screen_name,
    display_name: user.name,
    url: `https://sandbox.invalid/@${user.screen_name}`,
  };
}

/**
 * A tweet in Mastodon's status shape (`id`, `created_at`, HTML `content`, `account`).
 *
 * @example
 * ```ts
 * mastodonStatus(TIMELINES.twitterapi[0]).account.acct; // 'twitterapi'
 * ```
 */
export function mastodonStatus(tweet: Tweet) {
  const v2 = v2Tweet(tweet);
  return {
    id: tweet.id_str,
    created_at: v2.created_at,
    content: `<p>${escape(v2.text).replace(/\n/g, '<br>')}</p>`,
    visibility: 'public',
    account: mastodonAccount(tweet.user),
  };
}

const v2Error = (res: ServerResponse, status: number, title: string, detail: string) =>
  sendJson(res, status, { title, detail, type: 'https://api.twitter.com/2/problems/resource-not-found' });

/**
 * Twitter API v2 (`/2/users/by/username/:name`, `/2/users/me`, `/2/users/:id/tweets`) and Mastodon (`/api/v1/accounts/...`).
 *
 * @example
 * ```ts
 * installOtherTimelines(state); // /2/users/... and /api/v1/accounts/...
 * ```
 */
export function installOtherTimelines(state: SandboxState): void {
  const routes = patternRoutes(state);
  routes.push(
    {
      method: 'GET',
      pattern: /^\/2\/users\/by\/username\/([^/]+)$/,
      handle(req, res, s, [name]) {
        if (!authenticate(req, res, s)) return;
        const user = byName(s, decodeURIComponent(name!));
        if (!user) return v2Error(res, 404, 'Not Found Error', `Could not find user with username: [${name}].`);
        sendJson(res, 200, { data: { id: user.id_str, name: user.name, username: user.screen_name } });
      },
    },
    {
      method: 'GET',
      pattern: /^\/2\/users\/me$/,
      handle(req, res, s) {
        const principal = authenticate(req, res, s);
        if (!principal) return;
        const user = self(s, principal);
        if (!user)
          return sendJson(res, 403, {
            title: 'Unsupported Authentication',
            detail: 'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.',
            status: 403,
          });
        sendJson(res, 200, { data: { id: user.id_str, name: user.name, username: user.screen_name } });
      },
    },
    {
      method: 'GET',
      pattern: /^\/2\/users\/(\d+)\/tweets$/,
      handle(req, res, s, [id]) {
        const principal = authenticate(req, res, s);
        if (!principal) return;
        const user = byId(s, id!);
        if (!user) return v2Error(res, 404, 'Not Found Error', `Could not find user with id: [${id}].`);
        const max = Number(req.url.searchParams.get('max_results') ?? '10');
        if (!Number.isInteger(max) || max < 5 || max > 100)
          return v2InvalidParameter(res, 'max_results', String(max), 'is not between 5 and 100');
        const page = v2Page(s.timelines[user.screen_name.toLowerCase()] ?? [], req.url.searchParams.get('pagination_token'), max);
        if (!page) return v2InvalidParameter(res, 'pagination_token', String(req.url.searchParams.get('pagination_token')), 'is not valid');
        const tweets = page.items.map(v2Tweet);
        const wantsUsers = (req.url.searchParams.get('expansions') ?? '').split(',').includes('author_id');
        sendJson(
          res,
          200,
          {
            data: tweets,
            ...(wantsUsers ? { includes: { users: [{ id: user.id_str, name: user.name, username: user.screen_name }] } } : {}),
            meta: {
              result_count: tweets.length,
              newest_id: tweets[0]?.id,
              oldest_id: tweets[tweets.length - 1]?.id,
              ...(page.nextToken ? { next_token: page.nextToken } : {}),
              ...(page.previousToken ? { previous_token: page.previousToken } : {}),
            },
          },
          takeRateLimit(s, 'users/tweets', principal, USER_TIMELINE_LIMITS).headers,
        );
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/accounts\/lookup$/,
      handle(req, res, s) {
        if (!authenticate(req, res, s)) return;
        const user = byName(s, (req.url.searchParams.get('acct') ?? '').replace(/^@/, '').split('@')[0] ?? '');
        if (!user) return sendJson(res, 404, { error: 'Record not found' });
        sendJson(res, 200, mastodonAccount(user));
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/accounts\/verify_credentials$/,
      handle(req, res, s) {
        const principal = authenticate(req, res, s);
        if (!principal) return;
        const user = self(s, principal);
        if (!user) return sendJson(res, 403, { error: 'This method requires an authenticated user' });
        sendJson(res, 200, mastodonAccount(user));
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/accounts\/(\d+)\/statuses$/,
      handle(req, res, s, [id]) {
        const principal = authenticate(req, res, s);
        if (!principal) return;
        const user = byId(s, id!);
        if (!user) return sendJson(res, 404, { error: 'Record not found' });
        const limit = Math.min(40, Math.max(1, Number(req.url.searchParams.get('limit') ?? '20') || 20));
        const { items, link } = mastodonPage(s.timelines[user.screen_name.toLowerCase()] ?? [], (t) => t.id_str, req.url, limit);
        sendJson(res, 200, items.map(mastodonStatus), { ...mastodonRateHeaders(s, principal), ...(link ? { link } : {}) });
      },
    },
  );
}

/**
 * Finds a pattern route for a request.
 *
 * @example
 * ```ts
 * matchPatternRoute(state, 'GET', '/2/users/6253282/tweets'); // { route, params: ['6253282'] }
 * ```
 */
export function matchPatternRoute(
  state: SandboxState,
  method: string,
  path: string,
): { route: PatternRoute; params: string[] } | undefined {
  for (const route of patternRoutes(state)) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match) return { route, params: match.slice(1) };
  }
  return undefined;
}
