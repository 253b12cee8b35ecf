import type { ServerResponse } from 'node:http';
import { escapeHtml, sendHtml } from './http-util.js';
import { OAUTH2_USER_SCOPES } from './oauth2-grants.js';
import { decisionButtons, loginFields, page } from './pages.js';
import type { SandboxOAuth2Client } from './state.js';

/**
 * The list of requested permissions, as the consent pages show it.
 *
 * @example
 * ```ts
 * scopeList(['tweet.read']); // '<ul>\n<li><code>tweet.read</code>: Read Tweets, including your timeline</li>\n</ul>'
 * ```
 */
export function scopeList(scopes: string[]): string {
  return scopes.length
    ? `<ul>\n${scopes.map((s) => `<li><code>${escapeHtml(s)}</code>: ${escapeHtml(OAUTH2_USER_SCOPES[s] ?? s)}</li>`).join('\n')}\n</ul>`
    : '<p>No particular permissions (no scopes requested).</p>';
}

/**
 * Sends the authorization code consent page (login + Approve/Deny). Its CSP also allows the
 * redirect URI's origin as a form action: with `'self'` alone Chromium blocks the 302 to the
 * client's loopback listener after Approve or Deny.
 *
 * @example
 * ```ts
 * sendConsentPage(res, 200, client, { redirectUri, scopes }, requestId);
 * ```
 */
export function sendConsentPage(
  res: ServerResponse,
  status: number,
  client: SandboxOAuth2Client,
  request: { redirectUri: string; scopes: string[] },
  requestId: string,
  error?: string,
  username?: string,
): void {
  const target = new URL(request.redirectUri);
  const formActionOrigins = /^https?:$/.test(target.protocol) ? [target.origin] : [];
  const app = escapeHtml(client.name);
  const html = page(
    `Authorize ${client.name}`,
    `<h1>Authorize ${app} to use your account?</h1>
<p><strong>${app}</strong> is asking for these permissions:</p>
${scopeList(request.scopes)}
<form method="post" action="/oauth2/authorize">
<input type="hidden" name="request_id" value="${escapeHtml(requestId)}">
${loginFields(error, username)}
${decisionButtons()}
</form>
<p>After you decide, you will be sent back to <code>${escapeHtml(target.origin + target.pathname)}</code>.</p>`,
  );
  sendHtml(res, status, html, { formActionOrigins });
}
