import type { IncomingMessage } from 'node:http';
import { callbackPage } from './callback-page.js';
import { CANCELLED_PAGE } from './browser-answer.js';
import { LOOPBACK_HOST } from './loopback-redirect.js';
import { sameText } from './same-text.js';

// Which request to the loopback listener is the authorization response: a GET on the redirect
// path, for the right Host, with `code` or `error`, while the listener waits for one, and (once
// the flow said which) with its `state`. Everything else is answered and leaves the wait going.

/** What the browser is told once the code was (or could not be) exchanged. */
export type CallbackOutcome = { ok: true } | { ok: false; message: string };

/**
 * The one callback the listener accepted. The browser's request stays open until `respond()`,
 * so the page it shows reflects the real outcome of the code exchange.
 */
export interface LoopbackCallback {
  /** The callback URL: the redirect URI (with the actual port) and the query the server sent. */
  readonly url: URL;
  /** Answers the browser with the success or error page, then closes the listener. */
  respond(outcome: CallbackOutcome): Promise<void>;
}

/** Options of {@link LoopbackListener.waitForCallback}. */
export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** The `state` of the authorization request: only a callback carrying it ends the wait. */
  state?: string | undefined;
  /** Told when a callback was ignored (its state did not match). */
  onIgnored?: (() => void) | undefined;
}

/** The page for a callback whose state is not the sign-in's (a forged cross-site request, a stale tab). */
export const IGNORED_PAGE = callbackPage({
  ok: false,
  message:
    'This response does not belong to the sign-in in progress (its state does not match), so it was ignored. If you started the sign-in, use the tab it opened.',
});

const TEXT = 'text/plain; charset=utf-8';

/** A request that is not the callback, and what it is answered. */
export interface Refusal {
  status: number;
  body: string;
  type?: string;
}

/** Whether a callback URL carries `state` (compared in constant time). */
export function carriesState(url: URL, state: string): boolean {
  const returned = url.searchParams.get('state');
  return returned !== null && sameText(returned, state);
}

/**
 * Screens one request: the callback URL (the redirect URI as bound, with the request's query) when it
 * is an authorization response the listener can take, else the answer it gets. `redirect` is the
 * redirect URI with the port actually bound; its state is checked apart, once a wait names it.
 */
export function screenCallback(
  req: IncomingMessage,
  redirect: URL,
  listener: { closing: boolean; taken: boolean },
): { url: URL } | { refusal: Refusal } {
  const target = new URL(req.url ?? '/', `http://${LOOPBACK_HOST}`);
  if (req.headers.host !== redirect.host) return { refusal: { status: 400, body: 'Bad Request\n', type: TEXT } };
  if (target.pathname !== redirect.pathname) return { refusal: { status: 404, body: 'Not Found\n', type: TEXT } };
  if (req.method !== 'GET') return { refusal: { status: 405, body: 'Method Not Allowed\n', type: TEXT } };
  if (!target.searchParams.has('code') && !target.searchParams.has('error')) {
    return {
      refusal: {
        status: 400,
        body: callbackPage({ ok: false, message: 'This address only accepts the authorization server’s redirect.' }),
      },
    };
  }
  if (listener.closing) return { refusal: { status: 400, body: CANCELLED_PAGE } };
  if (listener.taken) return { refusal: { status: 409, body: callbackPage({ ok: false, message: 'This sign-in was already handled.' }) } };
  const url = new URL(redirect.href);
  url.search = target.search;
  return { url };
}
