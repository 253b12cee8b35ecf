import { deepFreeze } from './state.js';
import { makeTweet, twitterDate, twitterUser, type Tweet } from './tweets.js';

// The sandbox's default timelines: the demo user, a Unicode user with a 64-bit id, and a hostile
// user whose strings attack terminals.

export { makeTweet, snowflake, twitterDate, twitterUser } from './tweets.js';
export type { Tweet, TwitterUser } from './tweets.js';

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
const cafe = twitterUser({
  id: 1_590_000_000_000_000_042n,
  name: 'Zoë Ĉafé ☕',
  screen_name: 'cafe_dev',
  location: 'Zürich',
  created_at: twitterDate(Date.UTC(2022, 10, 8, 12, 0, 0)),
  statuses_count: 2,
});

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
export const TIMELINES: Readonly<Record<string, readonly Tweet[]>> = deepFreeze({
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
    makeTweet(3, api, `RT @cafe_dev: ${cafeFirst.text}`, {
      retweeted_status: cafeFirst,
      retweet_count: cafeFirst.retweet_count,
      entities: { hashtags: [], symbols: [], user_mentions: [{ ...mention, indices: [3, 12] }], urls: [] },
    }),
    makeTweet(4, api, 'Rate limits: 900 requests / 15 min for user auth, 1500 for app auth (100% true in the sandbox)'),
    makeTweet(5, api, "Percent-encoding corner cases: !*'() + % = ? / # are all fine here"),
    makeTweet(6, api, 'Line one\nLine two, with a tab\tand a backslash \\ in it'),
  ],
  cafe_dev: [cafeFirst, makeTweet(12, cafe, 'Signing OAuth 1.0a by hand is a rite of passage; tokensmith does it for you ✍️')],
  [HOSTILE_SCREEN_NAME]: hostileTweets,
});
