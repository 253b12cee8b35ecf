// Tweets and users in the shape of Twitter's documented v1.1 user_timeline sample response, and
// their builders. Ids are Snowflake ids (64-bit, above 2^53) held as bigint, so that the JSON carries
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
  entities: {
    hashtags: unknown[];
    symbols: unknown[];
    user_mentions: Array<{ screen_name: string; name: string; id: bigint; id_str: string; indices: [number, number] }>;
    urls: unknown[];
  };
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
