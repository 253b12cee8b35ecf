import type { ServerResponse } from 'node:http';
import { escapeHtml, sendHtml } from './http-util.js';
import { DEMO_CREDENTIALS } from './state.js';

// The one HTML layout of every sandbox page (OAuth 1.0a authorize and PIN, OAuth 2 consent,
// device code entry and consent, errors): `lang`, a `<title>`, one `<h1>`, visible focus, no
// external assets (the CSP of `sendHtml` forbids them), inline style only.

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f5f7fa;color:#14171a}' +
  'main{max-width:34rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:.5rem}' +
  'label{display:block;font-weight:600;margin-top:1rem}' +
  'input{font:inherit;width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #536471;border-radius:.25rem}' +
  'button{font:inherit;padding:.5rem 1.25rem;margin:1.5rem .5rem 0 0;border-radius:999px;border:2px solid #1d4ed8;background:#fff;color:#1d4ed8;cursor:pointer}' +
  'button.primary{background:#1d4ed8;color:#fff}:focus-visible{outline:3px solid #b45309;outline-offset:2px}' +
  '#pin,.user-code{display:block;font:700 2rem/1.2 ui-monospace,monospace;letter-spacing:.2em;margin:1rem 0}' +
  '#user_code{font:700 1.5rem/1.2 ui-monospace,monospace;letter-spacing:.15em;text-transform:uppercase}' +
  '[role=alert]{color:#a4000f;font-weight:600}.hint{color:#536471;font-size:.9rem}';

/**
 * The demo login as one line, for the sandbox's banner and its login pages.
 *
 * @example
 * ```ts
 * DEMO_LOGIN_HINT; // 'Demo login: username twitterapi, password sandbox-password'
 * ```
 */
export const DEMO_LOGIN_HINT = `Demo login: username ${DEMO_CREDENTIALS.user.screenName}, password ${DEMO_CREDENTIALS.user.password}`;

/**
 * A whole page in the shared layout. `title` is text (escaped here); `body` is HTML and must
 * hold exactly one `<h1>`.
 *
 * @example
 * ```ts
 * sendHtml(res, 200, page('Authorized', '<h1>You are done</h1><p>Close this page.</p>'));
 * ```
 */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} - tokensmith sandbox</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/**
 * The username and password fields of every login form, with the demo login hint. After a failed
 * attempt (`error` set) the fields point at the alert and are marked invalid, and the username
 * typed before is kept so that only the password needs typing again.
 *
 * @example
 * ```ts
 * `<form method="post" action="/device">${loginFields(error)}...</form>`;
 * ```
 */
export function loginFields(error?: string, username = ''): string {
  const invalid = error ? ' aria-invalid="true" aria-describedby="form-error"' : '';
  return `${error ? `<p role="alert" id="form-error">${escapeHtml(error)}</p>\n` : ''}<label for="username">Username</label>
<input id="username" name="username" type="text" value="${escapeHtml(username.slice(0, 100))}" autocomplete="username" autocapitalize="none" spellcheck="false" required${invalid}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${invalid}>
<p class="hint" id="demo-login">${escapeHtml(DEMO_LOGIN_HINT)}</p>`;
}

/**
 * The Approve and Deny buttons of a consent form (Deny skips the required login fields).
 *
 * @example
 * ```ts
 * `<form method="post" action="/oauth2/authorize">${loginFields()}${decisionButtons()}</form>`;
 * ```
 */
export function decisionButtons(): string {
  return `<div><button class="primary approve" type="submit" name="action" value="approve">Approve</button><button class="deny" type="submit" name="action" value="deny" formnovalidate>Deny</button></div>`;
}

/**
 * Sends an error page: the title as its heading and the message as an alert.
 *
 * @example
 * ```ts
 * sendErrorPage(res, 400, 'Unknown application', 'The client_id is not registered with this server.');
 * ```
 */
export function sendErrorPage(
  res: ServerResponse,
  status: number,
  title: string,
  message: string,
  next = 'Nothing was shared with the application. Start again from the application.',
): void {
  sendHtml(
    res,
    status,
    page(title, `<h1>${escapeHtml(title)}</h1>\n<p role="alert">${escapeHtml(message)}</p>\n<p>${escapeHtml(next)}</p>`),
  );
}
