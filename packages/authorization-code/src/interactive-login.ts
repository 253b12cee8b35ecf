import { TokensmithError, type BearerCredentials } from '@tokensmith/core/kit';
import { exchangeCode, issuerParam, startAuthorization, type FlowContext } from './authorization-flow.js';
import { withDeadline } from './deadline.js';
import type { LoopbackCallback } from './loopback-callback.js';
import { startLoopbackListener } from './loopback-listener.js';
import { askUntilUsable } from './paste-loop.js';

function browserMessage(error: unknown): string {
  return error instanceof TokensmithError ? error.message : 'Sign-in failed.';
}

/** Opens the browser; resolves whether that worked (a throwing or rejecting `openBrowser` did not). */
function openInBrowser(context: FlowContext, authorizeUrl: string): Promise<boolean> {
  return Promise.resolve()
    .then(() => context.settings.openBrowser!(authorizeUrl))
    .then(
      () => true,
      () => false,
    );
}

function reportBrowserFailed(context: FlowContext, authorizeUrl: string): void {
  context.settings.progress({
    type: 'browser-failed',
    message: `Could not open a browser; open this URL yourself: ${authorizeUrl}`,
    authorizeUrl,
  });
}

/**
 * The loopback flow (RFC 8252 7.3): a one-shot listener on 127.0.0.1, the browser opened at the
 * authorize URL, and, when the browser cannot be opened (or always, as a fallback), the paste
 * prompt; whichever answers first wins. Only a callback with this login's `state` ends the wait
 * (a forged or stale one gets an error page, and the login keeps waiting until its deadline).
 * The browser's page waits for the code exchange but never holds up the result: a tab closed
 * meanwhile does not stop the tokens from being returned (and so stored).
 *
 * @example
 * ```ts
 * const credentials = await loginViaListener(context, signal);
 * ```
 */
export async function loginViaListener(context: FlowContext, signal: AbortSignal | undefined): Promise<BearerCredentials> {
  const { settings } = context;
  const { progress, promptRedirect, callbackTimeoutMs } = settings;
  const listener = await startLoopbackListener(settings.redirectUri);
  const stopPrompt = new AbortController();
  try {
    const pending = await startAuthorization(context, new URL(listener.redirectUri));
    const { authorizeUrl } = pending;
    const callback = listener
      .waitForCallback({
        timeoutMs: callbackTimeoutMs,
        signal,
        state: pending.state,
        onIgnored: () =>
          progress({
            type: 'ignored-callback',
            message: 'Ignored a callback that does not belong to this sign-in (wrong state); still waiting',
          }),
      })
      .then((received) => ({ callback: received }));
    progress({ type: 'listening', message: `Waiting for the browser on ${listener.redirectUri}`, redirectUri: listener.redirectUri });
    progress({ type: 'open-browser', message: 'Opening the browser to authorize', authorizeUrl });
    // Not awaited: a browser (or a test playing one) may only settle after the callback was answered.
    const browserFailed = openInBrowser(context, authorizeUrl).then((opened) => {
      if (opened) return new Promise<never>(() => undefined);
      reportBrowserFailed(context, authorizeUrl);
      return undefined;
    });
    const waiting: Array<Promise<{ callback: LoopbackCallback } | { pasted: URL }>> = [callback];
    if (promptRedirect) {
      const promptSignal = signal ? AbortSignal.any([signal, stopPrompt.signal]) : stopPrompt.signal;
      const iss = issuerParam(await context.session.server());
      // An unusable paste asks again while the listener keeps waiting: either may still answer.
      const pasted = browserFailed.then(() => askUntilUsable(promptRedirect, { authorizeUrl, signal: promptSignal }, pending, { iss }));
      waiting.push(pasted.then((url) => ({ pasted: url })));
    }
    const received = await Promise.race(waiting);
    stopPrompt.abort();
    if ('pasted' in received) return await exchangeCode(context, pending, received.pasted);
    progress({ type: 'callback', message: 'Received the authorization response from the browser' });
    let credentials: BearerCredentials;
    try {
      credentials = await exchangeCode(context, pending, received.callback.url);
    } catch (error) {
      await received.callback.respond({ ok: false, message: browserMessage(error) });
      throw error;
    }
    // Bounded (the listener never waits on a closed connection): the tokens are returned either way.
    await received.callback.respond({ ok: true });
    return credentials;
  } finally {
    stopPrompt.abort();
    await listener.close();
  }
}

/**
 * The paste flow: the authorize URL shown (and opened, when a browser can be), then the redirected
 * URL or the bare code asked for through `promptRedirect`, within `callbackTimeoutMs`.
 *
 * @example
 * ```ts
 * const credentials = await loginViaPaste(context, signal);
 * ```
 */
export async function loginViaPaste(context: FlowContext, signal: AbortSignal | undefined): Promise<BearerCredentials> {
  const { settings } = context;
  const pending = await startAuthorization(context, settings.redirectUri);
  const { authorizeUrl } = pending;
  const stop = new AbortController();
  const promptSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  settings.progress({
    type: 'prompt',
    message: `Open this URL to authorize, then paste the address your browser was sent to (or the code): ${authorizeUrl}`,
    authorizeUrl,
  });
  if (settings.openBrowser) {
    void openInBrowser(context, authorizeUrl).then((opened) => {
      if (!opened) reportBrowserFailed(context, authorizeUrl);
    });
  }
  try {
    const iss = issuerParam(await context.session.server());
    // An unusable paste asks again, until the deadline.
    const pasted = await withDeadline(
      Promise.resolve().then(() => askUntilUsable(settings.promptRedirect!, { authorizeUrl, signal: promptSignal }, pending, { iss })),
      { timeoutMs: settings.callbackTimeoutMs, signal, what: 'pasted redirect URL or code' },
    );
    return await exchangeCode(context, pending, pasted);
  } finally {
    stop.abort();
  }
}
