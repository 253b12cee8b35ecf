import type { ServerResponse } from 'node:http';
import { v1CursorPage, v2InvalidParameter, v2Page } from './api-pages.js';
import { makeTweet, snowflake, twitterDate, type Tweet } from './fixtures.js';
import { sendJson, type SandboxRequest } from './http-util.js';
import { takeRateLimit } from './rate-limits.js';
import { authenticate } from './timeline.js';
import { patternRoutes, v2Tweet } from './timelines-v2-mastodon.js';
import { sendTwitterJson } from './twitter-json.js';
import type { Principal, SandboxState } from './state.js';

// Endpoints to practise `tokensmith api` on, each in the shape the real API documents: X v2 search
// and posting, X v1.1 posting (a form body under an OAuth 1.0a signature) and follower ids
// (cursors), and a Mastodon endpoint that needs a scope the demo clients are not granted (RFC 6750
// `insufficient_scope`). Every answer carries rate-limit headers; past a window, 429 when the
// sandbox enforces limits.

/** Requests per 15-minute window of the practice endpoints, by auth type (X's documented figures). */
const LIMITS = {
  search: { user: 300, app: 450 },
  post: { user: 100, app: 100 },
  followers: { user: 15, app: 15 },
  notifications: { user: 300, app: 300 },
} as const;

/** How many follower ids each sandbox user has: enough for several pages at `count=100`. */
export const SANDBOX_FOLLOWER_COUNT = 250;

/** X's problem for app-only authentication on a user-context endpoint. */
const UNSUPPORTED_AUTHENTICATION = {
  title: 'Unsupported Authentication',
  detail:
    'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
  type: 'https://api.twitter.com/2/problems/unsupported-authentication',
  status: 403,
};

/** Authenticates, counts the request against its window and answers 429 past it; the headers to send, or undefined when answered. */
function admit(
  req: SandboxRequest,
  res: ServerResponse,
  s: SandboxState,
  endpoint: keyof typeof LIMITS,
): { principal: Principal; headers: Record<string, string> } | undefined {
  const principal = authenticate(req, res, s);
  if (!principal) return undefined;
  const { headers, exceeded } = takeRateLimit(s, `practice/${endpoint}`, principal, LIMITS[endpoint]);
  if (exceeded && s.enforceRateLimits) {
    sendJson(res, 429, { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 }, headers);
    return undefined;
  }
  return { principal, headers };
}

const allTweets = (s: SandboxState) =>
  Object.values(s.timelines)
    .flat()
    .sort((a, b) => (a.id === b.id ? 0 : a.id > b.id ? -1 : 1));

const userOf = (s: SandboxState, principal: Principal) =>
  principal.kind === 'user' ? s.timelines[principal.screenName.toLowerCase()]?.[0]?.user : undefined;

/** Posts a tweet as the principal's user: it leads their timeline from now on. */
function post(s: SandboxState, principal: Principal, text: string): Tweet | undefined {
  const user = userOf(s, principal);
  if (!user) return undefined;
  const now = s.now();
  const posted = Number(((s.extensions.practicePosts as number | undefined) ?? 0) + 1);
  s.extensions.practicePosts = posted;
  const id = snowflake(now, posted);
  const tweet: Tweet = {
    ...makeTweet(0, user, text),
    created_at: twitterDate(now),
    id,
    id_str: id.toString(),
    retweet_count: 0,
    favorite_count: 0,
  };
  const key = user.screen_name.toLowerCase();
  s.timelines = { ...s.timelines, [key]: [tweet, ...(s.timelines[key] ?? [])] };
  return tweet;
}

/** `GET /2/tweets/search/recent`: tweets whose text holds every word of `query`, `next_token` paging. */
function searchRecent(req: SandboxRequest, res: ServerResponse, s: SandboxState): void {
  const admitted = admit(req, res, s, 'search');
  if (!admitted) return;
  const params = req.url.searchParams;
  const query = params.get('query') ?? '';
  if (query.trim() === '') return v2InvalidParameter(res, 'query', query, 'is not valid: it must not be empty', admitted.headers);
  const max = Number(params.get('max_results') ?? '10');
  if (!Number.isInteger(max) || max < 10 || max > 100)
    return v2InvalidParameter(res, 'max_results', String(params.get('max_results')), 'is not between 10 and 100', admitted.headers);
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const found = allTweets(s).filter((t) => words.every((w) => t.text.toLowerCase().includes(w)));
  const page = v2Page(found, params.get('next_token'), max);
  if (!page) return v2InvalidParameter(res, 'next_token', String(params.get('next_token')), 'is not valid', admitted.headers);
  const data = page.items.map(v2Tweet);
  sendJson(
    res,
    200,
    {
      ...(data.length > 0 ? { data } : {}),
      meta: {
        ...(data.length > 0 ? { newest_id: data[0]!.id, oldest_id: data[data.length - 1]!.id } : {}),
        result_count: data.length,
        ...(page.nextToken ? { next_token: page.nextToken } : {}),
      },
    },
    admitted.headers,
  );
}

/** `POST /2/tweets`: a JSON body `{ "text": ... }`, user context only (app-only gets X's 403 problem). */
function postV2(req: SandboxRequest, res: ServerResponse, s: SandboxState): void {
  const admitted = admit(req, res, s, 'post');
  if (!admitted) return;
  if (admitted.principal.kind === 'app') return sendJson(res, 403, UNSUPPORTED_AUTHENTICATION, admitted.headers);
  let body: unknown;
  try {
    body = (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json') ? JSON.parse(req.body) : undefined;
  } catch {
    body = undefined;
  }
  const text = typeof body === 'object' && body !== null ? (body as { text?: unknown }).text : undefined;
  if (typeof text !== 'string' || text.length === 0 || [...text].length > 280) {
    return sendJson(
      res,
      400,
      {
        errors: [{ message: 'text must be a JSON string of 1 to 280 characters in a JSON body (Content-Type: application/json)' }],
        title: 'Invalid Request',
        detail: 'One or more parameters to your request was invalid.',
        type: 'https://api.twitter.com/2/problems/invalid-request',
      },
      admitted.headers,
    );
  }
  const tweet = post(s, admitted.principal, text);
  if (!tweet) return sendJson(res, 403, UNSUPPORTED_AUTHENTICATION, admitted.headers);
  sendJson(res, 201, { data: { id: tweet.id_str, text, edit_history_tweet_ids: [tweet.id_str] } }, admitted.headers);
}

/** `POST /1.1/statuses/update.json`: a form body `status=...`, signed with OAuth 1.0a (or a user token). */
function updateV1(req: SandboxRequest, res: ServerResponse, s: SandboxState): void {
  const admitted = admit(req, res, s, 'post');
  if (!admitted) return;
  if (admitted.principal.kind === 'app')
    return sendJson(
      res,
      403,
      { errors: [{ code: 220, message: 'Your credentials do not allow access to this resource.' }] },
      admitted.headers,
    );
  const status = req.form?.get('status') ?? req.url.searchParams.get('status');
  if (!status) return sendJson(res, 400, { errors: [{ code: 170, message: 'Missing required parameter: status.' }] }, admitted.headers);
  if ([...status].length > 280)
    return sendJson(res, 403, { errors: [{ code: 186, message: 'Tweet needs to be a bit shorter.' }] }, admitted.headers);
  const tweet = post(s, admitted.principal, status.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  if (!tweet)
    return sendJson(
      res,
      403,
      { errors: [{ code: 220, message: 'Your credentials do not allow access to this resource.' }] },
      admitted.headers,
    );
  sendTwitterJson(res, 200, tweet, admitted.headers);
}

/** `GET /1.1/followers/ids.json`: a user's follower ids, cursored (`cursor`, `count` up to 5000). */
function followerIds(req: SandboxRequest, res: ServerResponse, s: SandboxState): void {
  const admitted = admit(req, res, s, 'followers');
  if (!admitted) return;
  const params = req.url.searchParams;
  const name = (params.get('screen_name') ?? '').replace(/^@/, '').toLowerCase();
  const userId = params.get('user_id');
  const owner = Object.values(s.timelines)
    .map((tweets) => tweets[0]?.user)
    .find((u) => u !== undefined && (userId !== null ? u.id_str === userId : u.screen_name.toLowerCase() === name));
  const user = owner ?? (userId === null && name === '' ? userOf(s, admitted.principal) : undefined);
  if (!user) return sendJson(res, 404, { errors: [{ code: 34, message: 'Sorry, that page does not exist.' }] }, admitted.headers);
  const count = Number(params.get('count') ?? '5000');
  if (!Number.isInteger(count) || count < 1 || count > 5000)
    return sendJson(res, 400, { errors: [{ code: 44, message: 'count parameter is invalid.' }] }, admitted.headers);
  const base = Number(user.id % 1_000_000n) * 1000;
  const ids = Array.from({ length: SANDBOX_FOLLOWER_COUNT }, (_, i) => base + SANDBOX_FOLLOWER_COUNT - i);
  const page = v1CursorPage(ids, params.get('cursor'), count);
  if (!page) return sendJson(res, 400, { errors: [{ code: 44, message: 'cursor parameter is invalid.' }] }, admitted.headers);
  const { items, ...cursors } = page;
  sendTwitterJson(res, 200, { ids: items, ...cursors, total_count: null }, admitted.headers);
}

/** `GET /api/v1/notifications` (Mastodon): needs `read:notifications`, which the demo clients lack. */
function notifications(req: SandboxRequest, res: ServerResponse, s: SandboxState): void {
  const admitted = admit(req, res, s, 'notifications');
  if (!admitted) return;
  const { principal, headers } = admitted;
  if (principal.kind === 'app') return sendJson(res, 422, { error: 'This method requires an authenticated user' }, headers);
  if (!principal.scopes.some((scope) => scope === 'read' || scope === 'read:notifications')) {
    return sendJson(
      res,
      403,
      { error: 'This action is outside the authorized scopes' },
      {
        ...headers,
        'www-authenticate':
          'Bearer realm="Doorkeeper", error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token.", scope="read:notifications"',
      },
    );
  }
  sendJson(res, 200, [], headers); // the sandbox's users have no notifications
}

/**
 * Installs the practice endpoints: `GET /2/tweets/search/recent`, `POST /2/tweets`,
 * `POST /1.1/statuses/update.json`, `GET /1.1/followers/ids.json` and `GET /api/v1/notifications`.
 *
 * @example
 * ```ts
 * installApiPractice(state); // one of DEFAULT_SANDBOX_MODULES
 * ```
 */
export function installApiPractice(state: SandboxState): void {
  patternRoutes(state).push(
    { method: 'GET', pattern: /^\/2\/tweets\/search\/recent$/, handle: searchRecent },
    { method: 'POST', pattern: /^\/2\/tweets$/, handle: postV2 },
    { method: 'POST', pattern: /^\/1\.1\/statuses\/update\.json$/, handle: updateV1 },
    { method: 'GET', pattern: /^\/1\.1\/followers\/ids\.json$/, handle: followerIds },
    { method: 'GET', pattern: /^\/api\/v1\/notifications$/, handle: notifications },
  );
}
