/** A tweet in Twitter's v1.1 JSON shape (the fields the sandbox serves). */
export interface Tweet {
  created_at: string;
  id: number;
  id_str: string;
  text: string;
  truncated: boolean;
  in_reply_to_status_id_str: string | null;
  in_reply_to_screen_name: string | null;
  retweeted_status?: { id_str: string; text: string; user: { screen_name: string } };
  user: { id_str: string; name: string; screen_name: string };
  retweet_count: number;
  favorite_count: number;
  lang: string;
}

interface Author { id_str: string; name: string; screen_name: string }

const AUTHORS: Record<string, Author> = {
  twitterapi: { id_str: '6253282', name: 'Twitter API', screen_name: 'twitterapi' },
  'café_dev': { id_str: '9000001', name: 'Zoë Ĉafé ☕', screen_name: 'cafe_dev' },
};

/**
 * Twitter's created_at format: `Wed Oct 10 20:19:24 +0000 2018`.
 *
 * @example
 * ```ts
 * twitterDate(Date.UTC(2018, 9, 10, 20, 19, 24)); // 'Wed Oct 10 20:19:24 +0000 2018'
 * ```
 */
export function twitterDate(epochMs: number): string {
  const d = new Date(epochMs);
  const day = d.toUTCString().slice(0, 3);
  const month = d.toUTCString().slice(8, 11);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day} ${month} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000 ${d.getUTCFullYear()}`;
}

const BASE_TIME = Date.UTC(2026, 10, 20, 9, 30, 0);

function tweet(n: number, author: Author, text: string, extra: Partial<Tweet> = {}): Tweet {
  const id = 1_860_000_000_000_000_000n + BigInt(n);
  return {
    created_at: twitterDate(BASE_TIME - n * 3_600_000),
    id: Number(id),
    id_str: id.toString(),
    text,
    truncated: false,
    in_reply_to_status_id_str: null,
    in_reply_to_screen_name: null,
    user: { ...author },
    retweet_count: n * 3,
    favorite_count: n * 7,
    lang: 'en',
    ...extra,
  };
}

const api = AUTHORS.twitterapi!;
const cafe = AUTHORS['café_dev']!;

/** The sandbox's timelines, newest first, keyed by lower-case screen name. */
export const TIMELINES: Record<string, Tweet[]> = {
  twitterapi: [
    tweet(1, api, 'Hello from the tokensmith sandbox 👋 — offline, strict & "quoted" <tags>'.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')),
    tweet(2, api, '@cafe_dev thanks! Replies are hidden with exclude_replies=true', { in_reply_to_status_id_str: '1860000000000000099', in_reply_to_screen_name: 'cafe_dev' }),
    tweet(3, api, 'RT @cafe_dev: Ünïcödé survives the round trip: café ☕ 日本語 🚀', { retweeted_status: { id_str: '1860000000000000201', text: 'Ünïcödé survives the round trip: café ☕ 日本語 🚀', user: { screen_name: 'cafe_dev' } } }),
    tweet(4, api, 'Rate limits: 900 requests / 15 min for user auth, 1500 for app auth (100% true in the sandbox)'),
    tweet(5, api, 'Percent-encoding corner cases: !*\'() + % = ? / # are all fine here'),
    tweet(6, api, 'Line one\nLine two, with a tab\tand a backslash \\ in it'),
  ],
  cafe_dev: [
    tweet(11, cafe, 'Ünïcödé survives the round trip: café ☕ 日本語 🚀'),
    tweet(12, cafe, 'Signing OAuth 1.0a by hand is a rite of passage; tokensmith does it for you ✍️'),
  ],
};
