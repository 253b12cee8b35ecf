import type { TimelineConfig } from './config-schema.js';

/** One post, whatever API it came from. */
export interface Post {
  id: string;
  text: string;
  createdAt: string;
  author: { name: string; handle: string };
}

/** How one timeline API is called and read. */
export interface TimelineAdapter {
  /** The request URL for a user and a count. */
  url(base: string, query: { user?: string | undefined; count: number }): string;
  /** Reads the JSON response into posts; throws on an unexpected shape. */
  parse(body: unknown): Post[];
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

const twitterV1: TimelineAdapter = {
  url(base, { user, count }) {
    const url = new URL(base);
    if (user) url.searchParams.set('screen_name', user);
    url.searchParams.set('count', String(count));
    return url.href;
  },
  parse(body) {
    if (!Array.isArray(body)) throw new Error('timeline response is not a list of tweets');
    return body.map((item) => {
      const tweet = record(item, 'tweet');
      const user = record(tweet.user, 'tweet user');
      return {
        id: str(tweet.id_str, 'id_str'),
        text: decodeEntities(str(tweet.full_text ?? tweet.text, 'text')),
        createdAt: str(tweet.created_at, 'created_at'),
        author: { name: str(user.name, 'user.name'), handle: str(user.screen_name, 'user.screen_name') },
      };
    });
  },
};

/** The adapters by `timeline.format`. */
export const TIMELINE_ADAPTERS: Record<TimelineConfig['format'], TimelineAdapter> = {
  'twitter-v1': twitterV1,
  'twitter-v2': twitterV1,
  mastodon: twitterV1,
};

/** The recipe's plain-text rendering: `Tweet:`, `On:`, `By:` per post. */
export function formatPosts(posts: Post[]): string {
  if (posts.length === 0) return 'No tweets.\n';
  return posts.map((p) => `Tweet: ${p.text}\nOn: ${p.createdAt}\nBy: ${p.author.name} (@${p.author.handle})\n`).join('\n');
}
