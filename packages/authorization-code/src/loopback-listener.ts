import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokensmithError } from '@tokensmith/core/kit';
import { CANCELLED_PAGE, answerBrowser } from './browser-answer.js';
import { callbackPage } from './callback-page.js';
import { withDeadline } from './deadline.js';
import { IGNORED_PAGE, carriesState, screenCallback, type LoopbackCallback, type WaitOptions } from './loopback-callback.js';
import { LOOPBACK_HOST, loopbackRedirect } from './loopback-redirect.js';

// The listener itself: the server on 127.0.0.1 and its port, the one callback it hands over, and
// closing. Which request is the callback is loopback-callback's; the redirect URI it accepts is
// loopback-redirect's; answering the browser is browser-answer's.

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

/** Listens on 127.0.0.1:`port`; a port that cannot be bound is a `config_error` naming what to change. */
async function listenOnLoopback(server: Server, port: number): Promise<number> {
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
      { cause: error, operation: 'authorization' },
    );
  }
  return (server.address() as AddressInfo).port;
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
  const { configured, port } = loopbackRedirect(redirectUri);

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
    void answerBrowser(res, 400, IGNORED_PAGE);
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
          await answerBrowser(res, outcome.ok ? 200 : 400, callbackPage(outcome));
        }
        await close();
      },
    });
  };

  const server = createServer((req, res) => {
    const screened = screenCallback(req, actual, { closing: closing !== undefined, taken: taken !== undefined });
    if ('refusal' in screened) return void answerBrowser(res, screened.refusal.status, screened.refusal.body, screened.refusal.type);
    if (expected?.state !== undefined && !carriesState(screened.url, expected.state)) return ignore(res);
    take(screened.url, res);
  });
  server.keepAliveTimeout = 1_000;

  const close = (): Promise<void> =>
    (closing ??= (async () => {
      // Settles a pending wait (and clears its timer) when the flow ended another way.
      abandon(
        new TokensmithError('aborted', 'the loopback listener was closed before the browser came back', { operation: 'authorization' }),
      );
      const res = unanswered;
      unanswered = undefined;
      if (res) await answerBrowser(res, 400, CANCELLED_PAGE);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    })());

  const bound = await listenOnLoopback(server, port);
  actual = new URL(configured.href);
  actual.port = String(bound);

  return {
    redirectUri: actual.href,
    waitForCallback: (options) => {
      expected = options;
      // A callback taken before this wait said which state to expect gets the same check now.
      if (taken && options.state !== undefined && !carriesState(taken.url, options.state)) {
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
        what: `browser callback on ${actual.origin}${actual.pathname}`,
        onExpire: () => void close(),
      });
    },
    close,
  };
}
