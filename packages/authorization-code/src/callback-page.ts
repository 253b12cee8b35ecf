/** HTML-escapes text for the callback pages. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f5f7fa;color:#14171a}main{max-width:32rem;margin:3rem auto;padding:1.5rem;background:#fff;border-radius:.5rem}' +
  '.error{color:#a4000f}';

/**
 * The small self-contained page the loopback listener answers the browser with: no scripts, no
 * external assets, a heading and a status (success) or alert (error) region for screen readers.
 *
 * @example
 * ```ts
 * callbackPage({ ok: true }); // '<!doctype html>...You are signed in...'
 * callbackPage({ ok: false, message: 'The response did not match this sign-in attempt.' });
 * ```
 */
export function callbackPage(outcome: { ok: true } | { ok: false; message: string }): string {
  const title = outcome.ok ? 'You are signed in' : 'Sign-in failed';
  const body = outcome.ok
    ? '<p role="status">tokensmith received the authorization. You can close this tab and return to the terminal.</p>'
    : `<p role="alert" class="error">${escapeHtml(outcome.message)}</p>\n<p>You can close this tab and return to the terminal to try again.</p>`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} – tokensmith</title><style>${STYLE}</style></head>
<body><main>
<h1>${title}</h1>
${body}
</main></body>
</html>
`;
}
