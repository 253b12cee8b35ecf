import { TokensmithError } from '@tokensmith/core/kit';

const BARE_CODE = /^[\x21-\x7E]+$/;

/**
 * Reads what a person pasted (paste-the-code mode) as the callback URL to complete with: the full
 * URL the browser was sent to, just its query (`code=...&state=...`), or the bare code some servers
 * display. A bare code carries no `state`, so the pending one is filled in (the person pasting it is
 * the binding), and `iss` when the server always sends it (RFC 9207). What cannot be used is
 * returned as `problem`, worded to show the person before asking again (a stray Enter or a bad
 * paste need not end the login).
 *
 * @example
 * ```ts
 * readPastedRedirect('abc', pending); // { url: URL on pending.redirectUri with code=abc&state=<pending.state> }
 * readPastedRedirect('', pending); // { problem: 'nothing was pasted (expected the URL the browser was sent to, or the code)' }
 * ```
 */
export function readPastedRedirect(
  input: unknown,
  pending: { redirectUri: string; state: string },
  options: { iss?: string | undefined } = {},
): { url: URL } | { problem: string } {
  const text = typeof input === 'string' ? input.trim() : '';
  if (!text) return { problem: 'nothing was pasted (expected the URL the browser was sent to, or the code)' };
  let params: URLSearchParams;
  if (/^https?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return { problem: 'the pasted text is not a valid URL' };
    }
    params = url.searchParams;
  } else if (/^\??[\w.~-]+=/.test(text)) {
    params = new URLSearchParams(text.replace(/^\?/, ''));
  } else if (BARE_CODE.test(text)) {
    params = new URLSearchParams({ code: text, state: pending.state });
    if (options.iss !== undefined) params.set('iss', options.iss);
  } else {
    return { problem: 'the pasted text is neither a URL nor a code' };
  }
  if (!params.has('code') && !params.has('error'))
    return { problem: 'the pasted URL has no code (paste the address the browser was sent to after you approved)' };
  const callback = new URL(pending.redirectUri);
  callback.search = params.toString();
  return { url: callback };
}

/**
 * Turns what a person pasted into the callback URL to complete with (see
 * {@link readPastedRedirect}), or throws `login_required` saying why it cannot be used.
 *
 * @example
 * ```ts
 * callbackFromInput('https://127.0.0.1/callback?code=abc&state=xyz', pending); // URL on pending.redirectUri with code and state
 * callbackFromInput('abc', pending); // URL on pending.redirectUri with code=abc&state=<pending.state>
 * ```
 */
export function callbackFromInput(
  input: unknown,
  pending: { redirectUri: string; state: string },
  options: { iss?: string | undefined } = {},
): URL {
  const read = readPastedRedirect(input, pending, options);
  if ('problem' in read)
    throw new TokensmithError('login_required', `${read.problem}; nothing was stored. Run the login again.`, {
      operation: 'authorization',
    });
  return read.url;
}
