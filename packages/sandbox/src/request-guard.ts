import type { IncomingHttpHeaders } from 'node:http';

// Who may talk to the sandbox. It listens on loopback only, but a web page in the person's
// browser can still reach it: through DNS rebinding (a hostile name resolving to 127.0.0.1, so
// the request carries that name as Host) or with cross-site form posts and navigations (which
// carry Origin / Sec-Fetch-Site). Such requests are refused before any handler runs, so a page
// elsewhere cannot approve a device, spend the wrong-code budget or read a response.

/**
 * Whether `host` (the request's Host header) names this sandbox itself: its own loopback address
 * and port, or `localhost` on that port. Anything else is a rebound name, or a misdirected request.
 *
 * @example
 * ```ts
 * isOwnHost('127.0.0.1:53127', 'http://127.0.0.1:53127'); // true
 * isOwnHost('evil.example:53127', 'http://127.0.0.1:53127'); // false
 * ```
 */
export function isOwnHost(host: string | undefined, baseUrl: string): boolean {
  if (host === undefined) return false;
  const own = new URL(baseUrl);
  const value = host.toLowerCase();
  return value === own.host || value === `localhost:${own.port}`;
}

/**
 * Whether a browser says this request comes from another site (or another origin): a
 * `Sec-Fetch-Site` other than `same-origin` or `none` (typed, bookmarked, opened by a program), or
 * an `Origin` that is not the sandbox's own (`null` included). Programs (the CLI, tests) send
 * neither header and are not cross-site.
 *
 * @example
 * ```ts
 * isCrossSite({ origin: 'https://evil.example' }, 'http://127.0.0.1:53127'); // true
 * isCrossSite({ 'sec-fetch-site': 'none' }, 'http://127.0.0.1:53127'); // false
 * ```
 */
export function isCrossSite(headers: IncomingHttpHeaders, baseUrl: string): boolean {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = headers.origin;
  if (origin === undefined) return false;
  const own = new URL(baseUrl);
  return origin !== own.origin && origin !== `http://localhost:${own.port}`;
}

/** Methods that change state: a cross-site request with one of them is refused outright. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Why a request must be refused before routing, as a status and message, or undefined when it may
 * proceed: 421 for a Host that is not the sandbox's own, 403 for a cross-site state-changing request.
 * (A cross-site GET is left to the page: the device page shows it the entry form, unchecked.)
 *
 * @example
 * ```ts
 * const refused = refusal(raw.method ?? 'GET', raw.headers, state.baseUrl);
 * if (refused) return sendJson(res, refused.status, { errors: [{ code: refused.status, message: refused.message }] });
 * ```
 */
export function refusal(method: string, headers: IncomingHttpHeaders, baseUrl: string): { status: number; message: string } | undefined {
  if (!isOwnHost(headers.host, baseUrl)) return { status: 421, message: 'This server answers only to its own loopback address.' };
  if (!SAFE_METHODS.has(method) && isCrossSite(headers, baseUrl)) return { status: 403, message: 'Cross-site requests are refused.' };
  return undefined;
}
