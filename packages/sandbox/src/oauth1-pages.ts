import { escapeHtml } from './http-util.js';
import { decisionButtons, loginFields, page } from './pages.js';

// The OAuth 1.0a authorize pages (Twitter's PIN flow), in the shared layout. The PIN page's
// `<output id="pin">` is what the browser tests and `decideOnAuthorizePage` read.

/**
 * The authorize page: what the app may do, the login fields and Approve/Deny.
 *
 * @example
 * ```ts
 * sendHtml(res, 200, oauth1AuthorizePage('tokensmith demo', oauthToken, authenticityToken));
 * ```
 */
export function oauth1AuthorizePage(
  appName: string,
  oauthToken: string,
  authenticityToken: string,
  error?: string,
  username?: string,
): string {
  const app = escapeHtml(appName);
  return page(
    `Authorize ${appName} to access your account?`,
    `<h1>Authorize ${app} to access your account?</h1>
<p><strong>${app}</strong> will be able to:</p>
<ul>
<li>Read Tweets from your timeline</li>
<li>See your profile information</li>
</ul>
<p>It will not be able to see your password.</p>
<form method="post" action="/oauth/authorize">
<input type="hidden" name="oauth_token" value="${escapeHtml(oauthToken)}">
<input type="hidden" name="authenticity_token" value="${escapeHtml(authenticityToken)}">
${loginFields(error, username)}
${decisionButtons()}
</form>`,
  );
}

/**
 * The page for an unknown, used or expired request token.
 *
 * @example
 * ```ts
 * sendHtml(res, 400, oauth1InvalidRequestPage());
 * ```
 */
export function oauth1InvalidRequestPage(): string {
  return page(
    'Invalid authorization request',
    `<h1>This authorization request is no longer valid</h1>
<p role="alert">The request token is unknown, already used or expired. Go back to the application and start again.</p>`,
  );
}

/**
 * The page after Deny.
 *
 * @example
 * ```ts
 * sendHtml(res, 200, oauth1DeniedPage('tokensmith demo'));
 * ```
 */
export function oauth1DeniedPage(appName: string): string {
  return page(
    'Authorization denied',
    `<h1>Authorization denied</h1>\n<p>You did not authorize ${escapeHtml(appName)} to access your account. You can close this page.</p>`,
  );
}

/**
 * The page after Approve: the PIN in `<output id="pin">`, labelled by the sentence before it.
 *
 * @example
 * ```ts
 * sendHtml(res, 200, oauth1PinPage('tokensmith demo', '0123456'));
 * ```
 */
export function oauth1PinPage(appName: string, pin: string): string {
  const app = escapeHtml(appName);
  return page(
    `Authorized ${appName}`,
    `<h1>You have authorized ${app}</h1>
<p id="pin-label">Go back to ${app} and enter this PIN to complete the authorization:</p>
<output id="pin" aria-labelledby="pin-label">${escapeHtml(pin)}</output>`,
  );
}
