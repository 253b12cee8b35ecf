import { escapeHtml } from './http-util.js';
import { scopeList } from './oauth2-pages.js';
import { decisionButtons, loginFields, page } from './pages.js';

// The device verification pages (RFC 8628 3.3): enter the code, then log in and consent; every
// page in the shared layout.

/**
 * The code entry page: one labelled field and a Continue button. `error` shows as an alert that
 * the field points at; `value` pre-fills the field (what the person typed).
 *
 * @example
 * ```ts
 * sendHtml(res, 200, deviceEntryPage());
 * sendHtml(res, 400, deviceEntryPage('That code is not valid.', 'WDJB-MJHX'));
 * ```
 */
export function deviceEntryPage(error?: string, value = ''): string {
  const invalid = error ? ' aria-invalid="true" aria-describedby="form-error"' : ' aria-describedby="user-code-hint"';
  return page(
    'Connect a device',
    `<h1>Connect a device</h1>
<p id="user-code-hint">Enter the code shown on your device. Dashes and letter case do not matter.</p>
${error ? `<p role="alert" id="form-error">${escapeHtml(error)}</p>\n` : ''}<form method="get" action="/device">
<label for="user_code">Code</label>
<input id="user_code" name="user_code" type="text" value="${escapeHtml(value)}" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="20" required${invalid}>
<button class="primary" type="submit">Continue</button>
</form>`,
  );
}

/**
 * The consent page for one device code: the code to compare with the device's, the app, the
 * scopes, the login fields and Approve/Deny.
 *
 * @example
 * ```ts
 * sendHtml(res, 200, deviceConsentPage({ appName: 'tokensmith demo device', userCode: 'WDJB-MJHT', scopes: ['tweet.read'], formToken }));
 * ```
 */
export function deviceConsentPage(
  view: { appName: string; userCode: string; scopes: string[]; formToken: string },
  error?: string,
  username?: string,
): string {
  const app = escapeHtml(view.appName);
  return page(
    `Connect ${view.appName}`,
    `<h1>Connect ${app} to your account?</h1>
<p>Check that your device shows this code:</p>
<p class="user-code" id="user-code">${escapeHtml(view.userCode)}</p>
<p><strong>${app}</strong> is asking for these permissions:</p>
${scopeList(view.scopes)}
<form method="post" action="/device">
<input type="hidden" name="user_code" value="${escapeHtml(view.userCode)}">
<input type="hidden" name="form_token" value="${escapeHtml(view.formToken)}">
${loginFields(error, username)}
${decisionButtons()}
</form>
<p>If you did not start this on a device of yours, choose Deny.</p>`,
  );
}

/**
 * The page after a decision: connected (the device continues by itself) or denied.
 *
 * @example
 * ```ts
 * sendHtml(res, 200, deviceDonePage('tokensmith demo device', true));
 * ```
 */
export function deviceDonePage(appName: string, approved: boolean): string {
  const app = escapeHtml(appName);
  return approved
    ? page(
        'Device connected',
        `<h1>Device connected</h1>\n<p role="status">${app} is now connected to your account. Return to your device; you can close this page.</p>`,
      )
    : page(
        'Device not connected',
        `<h1>Device not connected</h1>\n<p role="status">You denied ${app} access to your account. You can close this page.</p>`,
      );
}
