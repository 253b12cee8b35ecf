// The sandbox's tweets and users, in the shape of Twitter's documented v1.1 user_timeline sample
// response. Ids are Snowflake ids (64-bit, above 2^53) held as bigint, so that the JSON carries
// the exact digits of `id_str` (see twitter-json.ts); every tweet has its own id.

/** A user object of the v1.1 API (the fields of the documented sample response). */
export interface TwitterUser {
  id: bigint;
  id_str: string;
  name: string;
  screen_name: string;
  location: string;
  description: string;
  url: string | null;
  protected: boolean;
  verified: boolean;
  followers_count: number;
  friends_count: number;
  listed_count: number;
  favourites_count: number;
  statuses_count: number;
  created_at: string;
  geo_enabled: boolean;
  lang: string | null;
  profile_image_url_https: string;
  following: boolean | null;
}

/** A tweet of the v1.1 API (the fields of the documented sample response). */
export interface Tweet {
  created_at: string;
  id: bigint;
  id_str: string;
  text: string;
  truncated: boolean;
  entities: { hashtags: unknown[]; symbols: unknown[]; user_mentions: Array<{ screen_name: string; name: string; id: bigint; id_str: string; indices: [number, number] }>; urls: unknown[] };
  source: string;
  in_reply_to_status_id: bigint | null;
  in_reply_to_status_id_str: string | null;
  in_reply_to_user_id: bigint | null;
  in_reply_to_user_id_str: string | null;
  in_reply_to_screen_name: string | null;
  user: TwitterUser;
  geo: null;
  coordinates: null;
  place: null;
  contributors: null;
  retweeted_status?: Tweet;
  is_quote_status: boolean;
  retweet_count: number;
  favorite_count: number;
  favorited: boolean;
  retweeted: boolean;
  lang: string;
}

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

const TWITTER_EPOCH_MS = 1_288_834_974_657n;

/**
 * A Snowflake id: milliseconds since Twitter's epoch in the top bits, a sequence number below.
 *
 * @example
 * ```ts
 * snowflake(Date.UTC(2026, 10, 20), 1) > 2n ** 53n; // true
 * ```
 */
export function snowflake(epochMs: number, sequence: number): bigint {
  return ((BigInt(epochMs) - TWITTER_EPOCH_MS) << 22n) | BigInt(sequence & 0xfff);
}

/**
 * A user object with the sample response's defaults.
 *
 * @example
 * ```ts
 * const user = twitterUser({ id: 42n, name: 'Ada', screen_name: 'ada' });
 * ```
 */
export function twitterUser(fields: Pick<TwitterUser, 'id' | 'name' | 'screen_name'> & Partial<TwitterUser>): TwitterUser {
  const { id, name, screen_name, ...rest } = fields;
  return {
    id,
    id_str: id.toString(),
    name,
    screen_name,
    location: '',
    description: '',
    url: null,
    protected: false,
    verified: false,
    followers_count: 0,
    friends_count: 0,
    listed_count: 0,
    favourites_count: 0,
    statuses_count: 0,
    created_at: twitterDate(Date.UTC(2007, 4, 23, 6, 1, 13)),
    geo_enabled: false,
    lang: null,
    profile_image_url_https: `https://pbs.twimg.com/profile_images/${id}/default_normal.png`,
    following: null,
    ...rest,
  };
}

const BASE_TIME = Date.UTC(2026, 10, 20, 9, 30, 0);

/**
 * A tweet `hoursAgo` hours before the fixtures' reference time, with the sample response's
 * defaults; `sequence` keeps ids distinct. Text is as the API sends it (`&`, `<`, `>` escaped).
 *
 * @example
 * ```ts
 * const t = makeTweet(1, user, 'Hello'); // t.id_str === t.id.toString()
 * ```
 */
export function makeTweet(hoursAgo: number, user: TwitterUser, text: string, extra: Partial<Tweet> = {}, sequence = hoursAgo): Tweet {
  const createdAt = BASE_TIME - hoursAgo * 3_600_000;
  const id = snowflake(createdAt, sequence);
  return {
    created_at: twitterDate(createdAt),
    id,
    id_str: id.toString(),
    text,
    truncated: false,
    entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] },
    source: '<a href="https://github.com/tokensmith" rel="nofollow">tokensmith sandbox</a>',
    in_reply_to_status_id: null,
    in_reply_to_status_id_str: null,
    in_reply_to_user_id: null,
    in_reply_to_user_id_str: null,
    in_reply_to_screen_name: null,
    user,
    geo: null,
    coordinates: null,
    place: null,
    contributors: null,
    is_quote_status: false,
    retweet_count: hoursAgo * 3,
    favorite_count: hoursAgo * 7,
    favorited: false,
    retweeted: false,
    lang: 'en',
    ...extra,
  };
}

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const api = twitterUser({
  id: 6_253_282n,
  name: 'Twitter API',
  screen_name: 'twitterapi',
  location: 'San Francisco, CA',
  description: 'The Real Twitter API. Tweets about API changes, service issues and our Developer Platform.',
  url: 'https://t.co/8IkCzCDr19',
  verified: true,
  followers_count: 6_133_636,
  friends_count: 12,
  listed_count: 12_936,
  favourites_count: 31,
  statuses_count: 3_656,
});
const cafe = twitterUser({ id: 1_590_000_000_000_000_042n, name: 'Zoë Ĉafé ☕', screen_name: 'cafe_dev', location: 'Zürich', created_at: twitterDate(Date.UTC(2022, 10, 8, 12, 0, 0)), statuses_count: 2 });

/**
 * A user whose names and tweets carry terminal escape sequences (ESC/CSI, OSC 52 clipboard
 * writes, OSC 8 links, BEL, CR overwrites, C1 controls), for testing that clients neutralise
 * remote text before printing it. `GET /1.1/statuses/user_timeline.json?screen_name=hostile`.
 *
 * @example
 * ```ts
 * HOSTILE_SCREEN_NAME; // 'hostile'
 * ```
 */
export const HOSTILE_SCREEN_NAME = 'hostile';
const hostile = twitterUser({
  id: 1_700_000_000_000_000_666n,
  name: 'Hostile \u001b[31mRed\u001b[0m\u0007 \u009b7m',
  screen_name: HOSTILE_SCREEN_NAME,
  location: '\u001b]0;pwned title\u0007Nowhere',
  description: 'Every string here tries to take over your terminal.',
});

const hostileTweets = [
  makeTweet(1, hostile, 'clipboard: \u001b]52;c;ZWNobyBwd25lZA==\u0007 (OSC 52, BEL-terminated)', {}, 101),
  makeTweet(2, hostile, 'screen: \u001b[2J\u001b[H cleared (CSI) and \u001b[31mred\u001b[0m', {}, 102),
  makeTweet(3, hostile, 'Visible text that a carriage return hides\rOVERWRITTEN', {}, 103),
  makeTweet(4, hostile, 'C1 controls: \u009b31m CSI, \u009d0;title\u009c OSC, \u0085 NEL, bell \u0007', {}, 104),
  makeTweet(5, hostile, 'link: \u001b]8;;https://evil.invalid/\u001b\\innocent\u001b]8;;\u001b\\ (OSC 8, ST-terminated)', {}, 105),
  makeTweet(6, hostile, 'line one\nline two (a newline is fine)', {}, 106),
];

const cafeFirst = makeTweet(11, cafe, 'Ünïcödé survives the round trip: café ☕ 日本語 🚀');
const mention = { screen_name: 'cafe_dev', name: cafe.name, id: cafe.id, id_str: cafe.id_str, indices: [0, 9] as [number, number] };

/**
 * The sandbox's default timelines, newest first, keyed by lower-case screen name:
 * `twitterapi` (the demo user), `cafe_dev` (Unicode, a 64-bit user id) and `hostile`.
 * `startSandbox({ timelines })` adds to or replaces them for one sandbox.
 *
 * @example
 * ```ts
 * TIMELINES.twitterapi[0].id_str; // '2046...' (a Snowflake id)
 * ```
 */
export const TIMELINES: Readonly<Record<string, readonly Tweet[]>> = Object.freeze({
  twitterapi: [
    makeTweet(1, api, escapeText('Hello from the tokensmith sandbox 👋 — offline, strict & "quoted" <tags>')),
    makeTweet(2, api, '@cafe_dev thanks! Replies are hidden with exclude_replies=true', {
      in_reply_to_status_id: cafeFirst.id,
      in_reply_to_status_id_str: cafeFirst.id_str,
      in_reply_to_user_id: cafe.id,
      in_reply_to_user_id_str: cafe.id_str,
      in_reply_to_screen_name: 'cafe_dev',
      entities: { hashtags: [], symbols: [], user_mentions: [mention], urls: [] },
    }),
    makeTweet(3, api, `RT @cafe_dev: ${cafeFirst.text}`, { retweeted_status: cafeFirst, retweet_count: cafeFirst.retweet_count, entities: { hashtags: [], symbols: [], user_mentions: [{ ...mention, indices: [3, 12] }], urls: [] } }),
    makeTweet(4, api, 'Rate limits: 900 requests / 15 min for user auth, 1500 for app auth (100% true in the sandbox)'),
    makeTweet(5, api, "Percent-encoding corner cases: !*'() + % = ? / # are all fine here"),
    makeTweet(6, api, 'Line one\nLine two, with a tab\tand a backslash \\ in it'),
  ],
  cafe_dev: [cafeFirst, makeTweet(12, cafe, 'Signing OAuth 1.0a by hand is a rite of passage; tokensmith does it for you ✍️')],
  [HOSTILE_SCREEN_NAME]: hostileTweets,
});
