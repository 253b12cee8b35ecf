import type { ServerResponse } from 'node:http';
import { callbackPage } from './callback-page.js';

// Answering the browser that came back to the loopback listener: a small page with headers that
// keep it from loading anything or leaking the callback URL, and never a wait on a closed tab.

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  connection: 'close',
};

/** How long answering the browser may take: a page of a few KiB to a local socket, or a browser that stopped reading. */
const SEND_DEADLINE_MS = 2_000;

/** The page for a browser that comes back after the sign-in was cancelled or timed out. */
export const CANCELLED_PAGE = callbackPage({ ok: false, message: 'Sign-in was cancelled or timed out.' });

/**
 * Answers one request. Resolves once the page is written, the connection closed, or after
 * {@link SEND_DEADLINE_MS}, whichever comes first: never waits on a connection the browser already
 * closed (a tab closed while the code was exchanged), so a login always gets to store its tokens.
 */
export function answerBrowser(res: ServerResponse, status: number, body: string, type = 'text/html; charset=utf-8'): Promise<void> {
  if (res.headersSent || res.writableEnded || res.destroyed || !res.socket || res.socket.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      res.destroy();
      done();
    }, SEND_DEADLINE_MS);
    res.once('close', done);
    res.once('error', done);
    res.writeHead(status, { ...PAGE_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(body, done);
  });
}
