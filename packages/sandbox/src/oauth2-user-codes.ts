import { randomBytes, randomInt } from 'node:crypto';
import { oauth2Data, type DeviceRecord } from './oauth2-records.js';
import type { SandboxState } from './state.js';

// RFC 8628 user codes: made from an unambiguous alphabet, typed by people (case, dashes and
// spaces ignored), and guarded against guessing (5.1).

/**
 * The user code alphabet of RFC 8628 6.1: 20 consonants, no vowels (no words), no digits (no 0/O, 1/I).
 *
 * @example
 * ```ts
 * USER_CODE_ALPHABET.length ** 8; // 2.56e10 codes of 8 characters (34.5 bits)
 * ```
 */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
const USER_CODE_LENGTH = 8;

/**
 * Normalises what a person typed as a user code: case-insensitive, dashes and spaces ignored
 * (RFC 8628 6.1). Undefined when it cannot be a code of this sandbox.
 *
 * @example
 * ```ts
 * normalizeUserCode('wdjb-mjht'); // 'WDJBMJHT'
 * normalizeUserCode('WDJB MJH0'); // undefined
 * ```
 */
export function normalizeUserCode(typed: string): string | undefined {
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== USER_CODE_LENGTH || [...code].some((c) => !USER_CODE_ALPHABET.includes(c))) return undefined;
  return code;
}

/**
 * A user code as shown to people: two groups of four, `WDJB-MJHT`.
 *
 * @example
 * ```ts
 * formatUserCode('WDJBMJHT'); // 'WDJB-MJHT'
 * ```
 */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * A user code never issued before by this sandbox (codes stay mapped, so a late visitor learns
 * that a code was used or expired).
 *
 * @example
 * ```ts
 * const userCode = newUserCode(state); // 'WDJBMJHT'
 * ```
 */
export function newUserCode(state: SandboxState): string {
  const taken = oauth2Data(state).userCodes;
  for (;;) {
    let code = '';
    for (let i = 0; i < USER_CODE_LENGTH; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
    if (!taken.has(code)) return code;
  }
}

/**
 * Wrong user codes allowed in a row, per visitor, before the page pauses for that visitor for
 * {@link USER_CODE_LOCKOUT_MS} (RFC 8628 5.1: with 34.5 bits of entropy, guessing must be
 * rate-limited). A visitor is a browser session (the sandbox's device cookie); requests without
 * one share a single bucket. So one guesser locks out itself, not every person approving a device.
 *
 * @example
 * ```ts
 * for (let i = 0; i < MAX_WRONG_USER_CODES; i++) await fetch(`${base}/device?user_code=BBBB-BBBB`); // the next one is 429
 * ```
 */
export const MAX_WRONG_USER_CODES = 10;
/**
 * Wrong user codes allowed in a minute from all visitors together before the page pauses for
 * everyone: the backstop against a local program that mints a session per guess (a browser
 * elsewhere cannot: cross-site requests are refused before they are counted).
 *
 * @example
 * ```ts
 * MAX_WRONG_USER_CODES_PER_MINUTE; // 200
 * ```
 */
export const MAX_WRONG_USER_CODES_PER_MINUTE = 200;
const USER_CODE_LOCKOUT_MS = 60_000;
/** Sessions remembered at most (the oldest are forgotten first): a bound on the sandbox's memory. */
const MAX_SESSIONS = 10_000;

interface Guesses {
  wrong: number;
  lockedUntil: number;
}

interface GuessBook {
  /** Per device session id; `''` is the shared bucket of requests without a known session. */
  visitors: Map<string, Guesses>;
  /** Wrong codes from everyone in the current minute, and when that minute began. */
  windowWrong: number;
  windowStart: number;
  lockedUntil: number;
}

function guessBook(state: SandboxState): GuessBook {
  return ((state.extensions.userCodeGuesses as GuessBook | undefined) ??= {
    visitors: new Map([['', { wrong: 0, lockedUntil: 0 }]]),
    windowWrong: 0,
    windowStart: 0,
    lockedUntil: 0,
  });
}

/**
 * Registers a new device session (a random id for the browser's cookie) and returns its id.
 *
 * @example
 * ```ts
 * res.setHeader('set-cookie', `sandbox_device=${newDeviceSession(state)}; HttpOnly; SameSite=Strict; Path=/device`);
 * ```
 */
export function newDeviceSession(state: SandboxState): string {
  const { visitors } = guessBook(state);
  if (visitors.size > MAX_SESSIONS) {
    const oldest = [...visitors.keys()].find((id) => id !== '');
    if (oldest !== undefined) visitors.delete(oldest);
  }
  const id = randomBytes(16).toString('base64url');
  visitors.set(id, { wrong: 0, lockedUntil: 0 });
  return id;
}

/**
 * Whether `id` is a device session this sandbox issued (and still remembers).
 *
 * @example
 * ```ts
 * const cookie: string | undefined = undefined; // the request's device session cookie
 * const session = isDeviceSession(state, cookie) ? cookie : undefined;
 * ```
 */
export function isDeviceSession(state: SandboxState, id: string | undefined): id is string {
  return id !== undefined && id !== '' && guessBook(state).visitors.has(id);
}

/**
 * The live device record of a user code, or why there is none (what the page says); wrong codes
 * are counted for the visitor (`session`, or the shared bucket without one), and after
 * {@link MAX_WRONG_USER_CODES} that visitor's page answers {@link USER_CODE_LOCKED} for a minute.
 *
 * @example
 * ```ts
 * const found = findByUserCode(state, 'wdjb-mjht', session); if (typeof found === 'string') return sendHtml(res, 400, deviceEntryPage(found));
 * ```
 */
export function findByUserCode(
  state: SandboxState,
  typed: string,
  session?: string,
): { deviceCode: string; record: DeviceRecord } | string {
  const book = guessBook(state);
  const now = state.now();
  const guesses = book.visitors.get(session !== undefined && book.visitors.has(session) ? session : '')!;
  if (guesses.lockedUntil > now || book.lockedUntil > now) return USER_CODE_LOCKED;
  const found = lookUpUserCode(state, typed);
  if (found === UNKNOWN) {
    if (now - book.windowStart >= USER_CODE_LOCKOUT_MS) {
      book.windowStart = now;
      book.windowWrong = 0;
    }
    if (++book.windowWrong >= MAX_WRONG_USER_CODES_PER_MINUTE) book.lockedUntil = now + USER_CODE_LOCKOUT_MS;
    if (++guesses.wrong >= MAX_WRONG_USER_CODES) {
      guesses.wrong = 0;
      guesses.lockedUntil = now + USER_CODE_LOCKOUT_MS;
    }
  } else if (typeof found !== 'string') guesses.wrong = 0;
  return found;
}

const UNKNOWN = 'That code is not valid. Check the code on your device and try again.';
/**
 * What the page says while wrong codes are paused (answered with 429).
 *
 * @example
 * ```ts
 * sendHtml(res, found === USER_CODE_LOCKED ? 429 : 400, deviceEntryPage(found));
 * ```
 */
export const USER_CODE_LOCKED = 'Too many wrong codes. Wait a minute, then try again.';

function lookUpUserCode(state: SandboxState, typed: string): { deviceCode: string; record: DeviceRecord } | string {
  const code = normalizeUserCode(typed);
  const store = oauth2Data(state);
  const deviceCode = code === undefined ? undefined : store.userCodes.get(code);
  const record = deviceCode === undefined ? undefined : store.deviceCodes.get(deviceCode);
  if (deviceCode === undefined || !record) return UNKNOWN;
  if (record.expiresAt <= state.now()) return 'That code expired. Start again on your device to get a new code.';
  if (record.status !== 'pending') return 'That code was already used. Start again on your device to get a new code.';
  return { deviceCode, record };
}
