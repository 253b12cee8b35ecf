import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokensmithError } from '@tokensmith/core/kit';
import { callbackPage } from './callback-page.js';
import { withDeadline } from './deadline.js';
import { sameText } from './same-text.js';

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

/** Options of {@link LoopbackListener.waitForCallback}. */
export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** The `state` of the authorization request: only a callback carrying it ends the wait. */
  state?: string | undefined;
  /** Told when a callback was ignored (its state did not match). */
  onIgnored?: (() => void) | undefined;
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
  /**
   * Resolves with the first callback that carries `state` (any callback without `state`);
   * rejects with `callback_timeout` or `aborted` (and closes the listener). A callback with
   * another or no state (a forged cross-site request, a stale tab) gets a plain error page and
   * the wait goes on (`onIgnored` is told), so it cannot end the login.
   */
  waitForCallback(options: WaitOptions): Promise<LoopbackCallback>;
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

/** How long answering the browser may take: a page of a few KiB to a local socket, or a browser that stopped reading. */
const SEND_DEADLINE_MS = 2_000;

/**
 * Answers one request. Resolves once the page is written, the connection closed, or after
 * {@link SEND_DEADLINE_MS}, whichever comes first: never waits on a connection the browser already
 * closed (a tab closed while the code was exchanged), so a login always gets to store its tokens.
 */
function send(res: ServerResponse, status: number, body: string, type = 'text/html; charset=utf-8'): Promise<void> {
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

function stateOf(url: URL, state: string): boolean {
  const returned = url.searchParams.get('state');
  return returned !== null && sameText(returned, state);
}

const IGNORED_PAGE = callbackPage({
  ok: false,
  message:
    'This response does not belong to the sign-in in progress (its state does not match), so it was ignored. If you started the sign-in, use the tab it opened.',
});

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
    throw new TokensmithError(
      'invalid_options',
      `redirectUri must look like http://${LOOPBACK_HOST}[:port]/path to receive the callback on loopback (RFC 8252 7.3)`,
    );
  }
  const path = configured.pathname;
  const port = configured.port === '' ? 0 : Number(configured.port);

  let actual: URL = configured;
  let deliver!: (callback: LoopbackCallback) => void;
  let abandon!: (error: TokensmithError) => void;
  let received!: Promise<LoopbackCallback>;
  const awaitNextCallback = () => {
    received = new Promise<LoopbackCallback>((resolve, reject) => {
      deliver = resolve;
      abandon = reject;
    });
    received.catch(() => undefined); // closing before any wait is not an unhandled rejection
  };
  awaitNextCallback();
  /** The callback taken (before a wait said which state to expect, or the one that matched). */
  let taken: { url: URL; res: ServerResponse } | undefined;
  let expected: WaitOptions | undefined;
  let unanswered: ServerResponse | undefined;
  let closing: Promise<void> | undefined;

  const ignore = (res: ServerResponse) => {
    void send(res, 400, IGNORED_PAGE);
    try {
      expected?.onIgnored?.();
    } catch {
      // A reporter's failure must not change what the listener does.
    }
  };

  const take = (url: URL, res: ServerResponse) => {
    taken = { url, res };
    unanswered = res;
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
  };

  const server = createServer((req, res) => {
    const target = new URL(req.url ?? '/', `http://${LOOPBACK_HOST}`);
    if (req.headers.host !== actual.host) return void send(res, 400, 'Bad Request\n', 'text/plain; charset=utf-8');
    if (target.pathname !== path) return void send(res, 404, 'Not Found\n', 'text/plain; charset=utf-8');
    if (req.method !== 'GET') return void send(res, 405, 'Method Not Allowed\n', 'text/plain; charset=utf-8');
    if (!target.searchParams.has('code') && !target.searchParams.has('error')) {
      return void send(res, 400, callbackPage({ ok: false, message: 'This address only accepts the authorization server’s redirect.' }));
    }
    if (closing) return void send(res, 400, callbackPage({ ok: false, message: 'Sign-in was cancelled or timed out.' }));
    if (taken) return void send(res, 409, callbackPage({ ok: false, message: 'This sign-in was already handled.' }));
    const url = new URL(actual.href);
    url.search = target.search;
    if (expected?.state !== undefined && !stateOf(url, expected.state)) return ignore(res);
    take(url, res);
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
    waitForCallback: (options) => {
      expected = options;
      // A callback taken before this wait said which state to expect gets the same check now.
      if (taken && options.state !== undefined && !stateOf(taken.url, options.state)) {
        const { res } = taken;
        taken = undefined;
        unanswered = undefined;
        awaitNextCallback();
        ignore(res);
      }
      const { timeoutMs, signal } = options;
      return withDeadline(received, {
        timeoutMs,
        signal,
        what: `browser callback on ${actual.origin}${path}`,
        onExpire: () => void close(),
      });
    },
    close,
  };
}
