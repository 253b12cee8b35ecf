import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokensmithError } from '@tokensmith/core/kit';
import { callbackPage } from './callback-page.js';
import { withDeadline } from './deadline.js';

/**
 * The only address the listener binds (RFC 8252 7.3: an IP literal, not `localhost`).
 *
 * @example
 * ```ts
 * const redirectUri = `http://${LOOPBACK_HOST}/callback`;
 * ```
 */
export const LOOPBACK_HOST = '127.0.0.1';

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

/**
 * A one-shot HTTP listener on 127.0.0.1 for the authorization response (RFC 8252 7.3).
 *
 * @example
 * ```ts
 * const listener = await startLoopbackListener('http://127.0.0.1/callback');
 * try {
 *   openBrowser(buildUrl({ redirect_uri: listener.redirectUri }));
 *   const callback = await listener.waitForCallback({ timeoutMs: 300_000 });
 *   await callback.respond({ ok: true });
 * } finally {
 *   await listener.close();
 * }
 * ```
 */
export interface LoopbackListener {
  /** The redirect URI to send: the configured one with the port actually bound. */
  readonly redirectUri: string;
  /** Resolves with the first callback; rejects with `callback_timeout` or `aborted` (and closes the listener). */
  waitForCallback(options: { timeoutMs: number; signal?: AbortSignal | undefined }): Promise<LoopbackCallback>;
  /** Stops listening and drops every connection (answering a waiting browser first). Idempotent. */
  close(): Promise<void>;
}

/**
 * Whether a redirect URI can be served by the loopback listener: `http://127.0.0.1[:port]/path`.
 *
 * @example
 * ```ts
 * isLoopbackRedirectUri(new URL('http://127.0.0.1/callback')); // true
 * isLoopbackRedirectUri(new URL('http://localhost:8080/callback')); // false (RFC 8252 8.3)
 * ```
 */
export function isLoopbackRedirectUri(uri: URL): boolean {
  return uri.protocol === 'http:' && uri.hostname === LOOPBACK_HOST;
}

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  connection: 'close',
};

function send(res: ServerResponse, status: number, body: string, type = 'text/html; charset=utf-8'): Promise<void> {
  return new Promise<void>((resolve) => {
    if (res.headersSent || res.writableEnded) return resolve();
    res.once('close', () => resolve());
    res.writeHead(status, { ...PAGE_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(body, () => resolve());
  });
}

/**
 * Starts the loopback listener for `redirectUri` (`http://127.0.0.1[:port]/path`): binds 127.0.0.1
 * only, on the URI's port or, when it has none, an ephemeral one (then {@link LoopbackListener.redirectUri}
 * carries the actual port). It accepts exactly one callback: a GET on the path with `code` or `error`
 * and the right `Host`; anything else gets 404/400 and leaves it waiting.
 *
 * @example
 * ```ts
 * const listener = await startLoopbackListener('http://127.0.0.1/callback');
 * listener.redirectUri; // 'http://127.0.0.1:53127/callback'
 * ```
 */
export async function startLoopbackListener(redirectUri: string | URL): Promise<LoopbackListener> {
  let configured: URL;
  try {
    configured = new URL(redirectUri);
  } catch {
    throw new TokensmithError('invalid_options', 'redirectUri must be an absolute URL');
  }
  if (!isLoopbackRedirectUri(configured) || configured.hash || configured.username || configured.password) {
    throw new TokensmithError('invalid_options', `redirectUri must look like http://${LOOPBACK_HOST}[:port]/path to receive the callback on loopback (RFC 8252 7.3)`);
  }
  const path = configured.pathname;
  const port = configured.port === '' ? 0 : Number(configured.port);

  let actual: URL = configured;
  let deliver!: (callback: LoopbackCallback) => void;
  let abandon!: (error: TokensmithError) => void;
  const received = new Promise<LoopbackCallback>((resolve, reject) => {
    deliver = resolve;
    abandon = reject;
  });
  received.catch(() => undefined); // closing before any wait is not an unhandled rejection
  let taken = false;
  let unanswered: ServerResponse | undefined;
  let closing: Promise<void> | undefined;

  const server = createServer((req, res) => {
    const target = new URL(req.url ?? '/', `http://${LOOPBACK_HOST}`);
    if (req.headers.host !== actual.host) return void send(res, 400, 'Bad Request\n', 'text/plain; charset=utf-8');
    if (target.pathname !== path) return void send(res, 404, 'Not Found\n', 'text/plain; charset=utf-8');
    if (req.method !== 'GET') return void send(res, 405, 'Method Not Allowed\n', 'text/plain; charset=utf-8');
    if (!target.searchParams.has('code') && !target.searchParams.has('error')) {
      return void send(res, 400, callbackPage({ ok: false, message: 'This address only accepts the authorization server’s redirect.' }));
    }
    if (taken) return void send(res, 409, callbackPage({ ok: false, message: 'This sign-in was already handled.' }));
    taken = true;
    unanswered = res;
    const url = new URL(actual.href);
    url.search = target.search;
    deliver({
      url,
      async respond(outcome) {
        if (unanswered === res) {
          unanswered = undefined;
          await send(res, outcome.ok ? 200 : 400, callbackPage(outcome));
        }
        await close();
      },
    });
  });
  server.keepAliveTimeout = 1_000;

  const close = (): Promise<void> =>
    (closing ??= (async () => {
      // Settles a pending wait (and clears its timer) when the flow ended another way.
      abandon(new TokensmithError('aborted', 'the loopback listener was closed before the browser came back'));
      const res = unanswered;
      unanswered = undefined;
      if (res) await send(res, 400, callbackPage({ ok: false, message: 'Sign-in was cancelled or timed out.' }));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    })());

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, LOOPBACK_HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new TokensmithError(
      'config_error',
      `cannot listen on ${LOOPBACK_HOST}:${port} for the redirect (${code}); free the port, or use a redirectUri without a port to get an ephemeral one`,
      { cause: error },
    );
  }
  actual = new URL(configured.href);
  actual.port = String((server.address() as AddressInfo).port);

  return {
    redirectUri: actual.href,
    waitForCallback: ({ timeoutMs, signal }) =>
      withDeadline(received, { timeoutMs, signal, what: `browser callback on ${actual.origin}${path}`, onExpire: () => void close() }),
    close,
  };
}
