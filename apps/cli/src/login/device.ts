import { styler, useColor } from '../terminal/io.js';
import type { Person } from './person.js';
import { openBrowser } from './browser.js';
import { sanitizeForTerminal } from '../terminal/safety.js';

/**
 * The device authorization grant's side of the terminal (RFC 8628, the way gh logs in): the user
 * code big and clear with the page to type it on, the browser opened at the pre-filled page
 * unless `--no-browser` or headless, a spinner with the time left while the library polls. With
 * `--json` the code goes to stdout as one line of JSON before polling starts (a script reads it
 * while the command keeps polling), then the result. Everything shown comes from the server, so
 * it goes through the terminal sanitizer; the device code itself never reaches this module.
 *
 * The page is shown with its host named plainly ("on github.com"), and the browser opens exactly
 * a page that was shown: the pre-filled `verificationUriComplete` only when the library kept it
 * (same origin as `verificationUri`); when it set it aside, the person is told why.
 */

/** What the device-code provider hands over (`DeviceCodeInfo` of @tokensmith/device-code). */
export interface DeviceCodeShown {
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  /** Why the server's pre-filled page was set aside (another origin), when it was. */
  verificationUriCompleteIgnored?: string;
  expiresAt: number;
  interval: number;
}

/** How the code is shown: text on stderr, or a line-delimited JSON event on stdout. */
export interface DeviceDisplay {
  person: Person;
  json: boolean;
  now?: () => number;
}

/** `9:58` for the time left until `expiresAt`. */
export function timeLeft(expiresAt: number, now: number): string {
  const seconds = Math.max(0, Math.ceil((expiresAt - now) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** The host a page is on, for "on github.com" (the URL was checked by the library: http(s), no userinfo). */
export function pageHost(page: string): string {
  try {
    return new URL(page).host;
  } catch {
    return page;
  }
}

/**
 * Creates the `onCode` and `onProgress` callbacks for one device login, and `stop()` for its
 * countdown.
 */
export function deviceLoginDisplay(display: DeviceDisplay) {
  const { person, json } = display;
  const { io, progress } = person;
  const now = display.now ?? Date.now;
  const style = styler(useColor(io));
  const live = Boolean(io.stderr.isTTY) && person.mode.interactive;
  let ticker: NodeJS.Timeout | undefined;
  let shown: DeviceCodeShown | undefined;

  const waitingLine = () =>
    `Waiting for approval of code ${sanitizeForTerminal(shown!.userCode)} (${timeLeft(shown!.expiresAt, now())} left; Ctrl-C to cancel)`;
  const stop = () => {
    if (ticker) clearInterval(ticker);
    ticker = undefined;
  };

  /** Opens `page` (already shown, on stderr or in the JSON line) and says how that went, in words that fit the output mode. */
  const openPage = async (page: string): Promise<void> => {
    const result = await openBrowser(page, { env: io.env });
    const where = json ? 'the device_code line on stdout' : 'above';
    if (result.opened) io.stderr.write(`Opened the verification page (${where}) in your browser.\n`);
    else
      io.stderr.write(
        `Could not open a browser: ${sanitizeForTerminal(result.reason)}. Open the verification page yourself: ${
          json ? 'verificationUri in the device_code line on stdout' : 'the one above'
        }.\n`,
      );
  };

  const onCode = async (info: DeviceCodeShown): Promise<void> => {
    shown = info;
    progress.stop();
    const page = info.verificationUriComplete ?? info.verificationUri;
    if (json) {
      io.stdout.write(
        JSON.stringify({
          event: 'device_code',
          provider: person.providerName,
          userCode: info.userCode,
          verificationUri: info.verificationUri,
          ...(info.verificationUriComplete ? { verificationUriComplete: info.verificationUriComplete } : {}),
          ...(info.verificationUriCompleteIgnored ? { verificationUriCompleteIgnored: info.verificationUriCompleteIgnored } : {}),
          expiresAt: new Date(info.expiresAt).toISOString(),
          interval: info.interval,
        }) + '\n',
      );
    } else {
      const code = sanitizeForTerminal(info.userCode);
      io.stderr.write(
        `\nTo sign in on ${style.bold(sanitizeForTerminal(pageHost(info.verificationUri)))}, open this page on any device:\n` +
          `  ${sanitizeForTerminal(info.verificationUri)}\n` +
          `and enter the code:\n\n      ${style.bold(code)}\n\n` +
          (info.verificationUriComplete
            ? `(or open ${sanitizeForTerminal(info.verificationUriComplete)}, which has the code filled in)\n`
            : '') +
          `The code expires in ${timeLeft(info.expiresAt, now())}.\n`,
      );
    }
    if (info.verificationUriCompleteIgnored)
      io.stderr.write(
        `Note: the server's pre-filled link (verification_uri_complete) was ignored: ${sanitizeForTerminal(info.verificationUriCompleteIgnored)}.\n`,
      );
    if (person.browser) await openPage(page);
    progress.start(waitingLine());
    if (live) {
      ticker = setInterval(() => progress.start(waitingLine()), 1000);
      ticker.unref();
    }
  };

  const onProgress = (message: string, event: { type: string; interval?: number }) => {
    if (event.type === 'waiting' && shown) return; // the countdown line says it
    if (event.type === 'slow-down' && shown) {
      if (!live) progress.start(`The server asked to poll more slowly (every ${event.interval ?? '?'} s)`);
      return;
    }
    if (event.type === 'approved') stop();
    progress.start(message);
  };

  return { onCode, onProgress, stop };
}
