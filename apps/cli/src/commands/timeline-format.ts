import type { TimelineConfig } from '../config/schema.js';
import { sanitizeForTerminal } from '../terminal/safety.js';

/** One post, whatever API it came from. */
export interface Post {
  id: string;
  text: string;
  createdAt: string;
  author: { name: string; handle: string };
}

/** Fetches and parses JSON from an authenticated URL (errors already mapped). */
export type GetJson = (url: string) => Promise<unknown>;

/** How one timeline API is called and read. `base` is the provider's `timeline.url`. */
export interface TimelineAdapter {
  fetchPosts(get: GetJson, base: string, query: { user?: string | undefined; count: number }): Promise<Post[]>;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** Twitter v1.1 encodes &, < and > in tweet text; decode them for display. */
export function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity);
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`unexpected ${what} in the timeline response`);
  return value as Record<string, unknown>;
}

function str(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`timeline response has no ${what}`);
  return value;
}

function withQuery(base: string, path: string, query: Record<string, string>): string {
  const url = new URL(base.replace(/\/+$/, '') + path);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url.href;
}

/** Twitter v1.1 `statuses/user_timeline.json`: `timeline.url` is the endpoint itself. */
const twitterV1: TimelineAdapter = {
  async fetchPosts(get, base, { user, count }) {
    const url = new URL(base);
    if (user) url.searchParams.set('screen_name', user);
    url.searchParams.set('count', String(count));
    const body = await get(url.href);
    if (!Array.isArray(body)) throw new Error('timeline response is not a list of tweets');
    return body.map((item) => {
      const tweet = record(item, 'tweet');
      const author = record(tweet.user, 'tweet user');
      return {
        id: str(tweet.id_str, 'id_str'),
        text: decodeEntities(str(tweet.full_text ?? tweet.text, 'text')),
        createdAt: str(tweet.created_at, 'created_at'),
        author: { name: str(author.name, 'user.name'), handle: str(author.screen_name, 'user.screen_name') },
      };
    });
  },
};

/** Twitter API v2: `timeline.url` is the API base (`https://api.twitter.com/2`); the user is looked up first. */
const twitterV2: TimelineAdapter = {
  async fetchPosts(get, base, { user, count }) {
    const lookup = record(
      await get(withQuery(base, user ? `/users/by/username/${encodeURIComponent(user)}` : '/users/me', {})),
      'user lookup',
    );
    const me = record(lookup.data, 'user');
    const id = str(me.id, 'data.id');
    const body = record(
      await get(
        withQuery(base, `/users/${id}/tweets`, {
          max_results: String(Math.min(100, Math.max(5, count))),
          'tweet.fields': 'created_at',
          expansions: 'author_id',
          'user.fields': 'username,name',
        }),
      ),
      'tweets',
    );
    const users = Array.isArray(record(body.includes ?? {}, 'includes').users)
      ? (record(body.includes, 'includes').users as unknown[]).map((u) => record(u, 'user'))
      : [];
    const data = body.data === undefined ? [] : body.data;
    if (!Array.isArray(data)) throw new Error('timeline response data is not a list');
    return data.slice(0, count).map((item) => {
      const tweet = record(item, 'tweet');
      const author = users.find((u) => u.id === tweet.author_id) ?? me;
      return {
        id: str(tweet.id, 'id'),
        text: str(tweet.text, 'text'),
        createdAt: str(tweet.created_at, 'created_at'),
        author: { name: str(author.name, 'name'), handle: str(author.username, 'username') },
      };
    });
  },
};

/** Mastodon: `timeline.url` is the instance (`https://mastodon.social`); statuses are HTML, shown as text. */
const mastodon: TimelineAdapter = {
  async fetchPosts(get, base, { user, count }) {
    const account = record(
      await get(
        user ? withQuery(base, '/api/v1/accounts/lookup', { acct: user }) : withQuery(base, '/api/v1/accounts/verify_credentials', {}),
      ),
      'account',
    );
    const body = await get(
      withQuery(base, `/api/v1/accounts/${encodeURIComponent(str(account.id, 'account id'))}/statuses`, {
        limit: String(Math.min(40, count)),
      }),
    );
    if (!Array.isArray(body)) throw new Error('timeline response is not a list of statuses');
    return body.slice(0, count).map((item) => {
      const status = record(item, 'status');
      const author = record(status.account, 'status account');
      return {
        id: str(status.id, 'id'),
        text: htmlToText(str(status.content, 'content')),
        createdAt: str(status.created_at, 'created_at'),
        author: { name: str(author.display_name, 'display_name') || str(author.username, 'username'), handle: str(author.acct, 'acct') },
      };
    });
  },
};

/** Mastodon status HTML to plain text: line breaks kept, tags dropped, entities decoded. */
export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/p>\s*<p>/gi, '\n\n')
      .replace(/<[^>]*>/g, ''),
  ).trim();
}

/** The adapters by `timeline.format`. */
export const TIMELINE_ADAPTERS: Record<TimelineConfig['format'], TimelineAdapter> = {
  'twitter-v1': twitterV1,
  'twitter-v2': twitterV2,
  mastodon,
};

/**
 * The recipe's plain-text rendering: `Tweet:`, `On:`, `By:` per post. Every field is remote text:
 * control characters and escape sequences are shown visibly (a tweet's newlines are kept).
 */
export function formatPosts(posts: Post[]): string {
  if (posts.length === 0) return 'No tweets.\n';
  const safe = (text: string) => sanitizeForTerminal(text);
  return posts
    .map(
      (p) =>
        `Tweet: ${sanitizeForTerminal(p.text, { keepNewlines: true })}\nOn: ${safe(p.createdAt)}\nBy: ${safe(p.author.name)} (@${safe(p.author.handle)})\n`,
    )
    .join('\n');
}
