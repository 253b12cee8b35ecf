import { DEMO_CREDENTIALS } from './state.js';

/** What the sandbox's authorize page answered to a decision. */
export interface AuthorizeDecision {
  status: number;
  html: string;
  /** The PIN in `<output id="pin">` (OAuth 1.0a out-of-band), when the page shows one. */
  pin: string | undefined;
  /** Where the page redirects the browser (OAuth 2 authorization code), when it does. */
  location: string | undefined;
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"');
}

/**
 * Plays a person on a sandbox authorize page, the way a browser would: opens the page, fills in
 * the demo user's name and password, presses Approve or Deny, and reports the PIN or redirect.
 * Works on the device consent page too (`verification_uri_complete`, or `/device?user_code=...`).
 * For tests and demos of the interactive strategies without a real browser.
 *
 * @example
 * ```ts
 * const { pin } = await decideOnAuthorizePage(authorizeUrl, 'approve'); // OAuth 1.0a PIN
 * const { location } = await decideOnAuthorizePage(oauth2Url, 'approve'); // http://127.0.0.1:PORT/callback?code=...&state=...
 * const { status } = await decideOnAuthorizePage(verification_uri_complete, 'deny'); // RFC 8628: the device is then told access_denied
 * ```
 */
export async function decideOnAuthorizePage(
  authorizeUrl: string,
  action: 'approve' | 'deny',
  login: { username: string; password: string } = { username: DEMO_CREDENTIALS.user.screenName, password: DEMO_CREDENTIALS.user.password },
): Promise<AuthorizeDecision> {
  const page = await fetch(authorizeUrl, { redirect: 'manual' });
  const form = await page.text();
  if (page.status !== 200) return { status: page.status, html: form, pin: undefined, location: page.headers.get('location') ?? undefined };
  const target = /<form method="post" action="([^"]+)"/.exec(form)?.[1];
  if (!target) throw new Error('the authorize page has no form');
  const fields = new URLSearchParams();
  for (const match of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
    fields.append(match[1]!, unescapeHtml(match[2]!));
  fields.set('username', login.username);
  fields.set('password', login.password);
  fields.set('action', action);
  const answer = await fetch(new URL(unescapeHtml(target), authorizeUrl), { method: 'POST', body: fields, redirect: 'manual' });
  const html = await answer.text();
  return {
    status: answer.status,
    html,
    pin: /<output id="pin"[^>]*>(\d{7})<\/output>/.exec(html)?.[1],
    location: answer.headers.get('location') ?? undefined,
  };
}

/**
 * Approves on a sandbox OAuth 1.0a authorize page and returns the PIN it shows.
 *
 * @example
 * ```ts
 * const pin = await approveAndReadPin(authorizeUrl);
 * ```
 */
export async function approveAndReadPin(authorizeUrl: string): Promise<string> {
  const { pin, status } = await decideOnAuthorizePage(authorizeUrl, 'approve');
  if (!pin) throw new Error(`no PIN shown (HTTP ${status})`);
  return pin;
}
