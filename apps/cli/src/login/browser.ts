import type { ChildProcess } from 'node:child_process';

/**
 * Opening the user's browser, the way gh does: `BROWSER` (a command line, split like a shell
 * would; `%s` is replaced by the URL, else the URL is appended) wins; otherwise `open` on macOS,
 * `rundll32 url.dll,FileProtocolHandler` on Windows and `xdg-open` elsewhere. Every launcher gets
 * an argv and no shell: the URL may come from a server (`verification_uri_complete`), and `cmd /c
 * start` would hand its `|`, `&`, `<`, `>` and `%VAR%` to cmd.exe, whose quoting rules no escaping
 * gets completely right. Only http(s) URLs are launched (FileProtocolHandler would run a `file:`
 * program), in their normalised form (`new URL(url).href`). What gh users meet on servers is handled
 * up front: on Linux without `DISPLAY`/`WAYLAND_DISPLAY`, or in an SSH session, no default opener
 * is tried (it would fail, or open a window on a machine the user is not sitting at), and a
 * launcher that exits non-zero (xdg-open's 3, "no method available"; `BROWSER=false`) counts as a
 * failure, not as an opened browser. The caller then falls back to "open this URL yourself".
 */

/** The outcome of {@link openBrowser}: opened, or why not (one short clause for a person). */
export type BrowserResult = { opened: true } | { opened: false; reason: string };

/** Options of {@link openBrowser}. */
export interface OpenBrowserOptions {
  env: NodeJS.ProcessEnv;
  /** Default `process.platform`. */
  platform?: NodeJS.Platform;
  /** How long to wait for the launcher to exit; one still running then counts as opened. Default 3 s. */
  settleMs?: number;
}

/** Why no default opener should be tried here, or undefined when one may. */
export function headlessReason(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  if (env.SSH_CONNECTION || env.SSH_TTY) return 'this is an SSH session (a browser would open on the remote machine, if anywhere)';
  if (platform !== 'darwin' && platform !== 'win32' && !env.DISPLAY && !env.WAYLAND_DISPLAY)
    return 'no display (DISPLAY and WAYLAND_DISPLAY are unset)';
  return undefined;
}

/** Splits a command line into words: whitespace separates, single and double quotes group, backslash escapes. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (char === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** `url` as a launcher may receive it: an http(s) URL in its normalised form, or undefined. */
function launchableUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The launcher command and arguments for `url`, or why there is none. The result is run with
 * `spawn` and no shell, so the URL is always exactly one argument, whatever it contains.
 *
 * @example
 * ```ts
 * browserCommand('https://example.com/device?a=1&b=%PATH%', {}, 'win32');
 * // { command: 'rundll32', args: ['url.dll,FileProtocolHandler', 'https://example.com/device?a=1&b=%PATH%'] }
 * ```
 */
export function browserCommand(
  rawUrl: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): { command: string; args: string[] } | { reason: string } {
  const url = launchableUrl(rawUrl);
  if (url === undefined) return { reason: 'only http(s) URLs are opened in a browser' };
  const custom = env.BROWSER?.trim();
  if (custom) {
    const words = splitCommandLine(custom);
    if (words.length === 0) return { reason: 'BROWSER is empty' };
    const withUrl = words.some((w) => w.includes('%s')) ? words.map((w) => w.replaceAll('%s', () => url)) : [...words, url];
    return { command: withUrl[0]!, args: withUrl.slice(1) };
  }
  const headless = headlessReason(env, platform);
  if (headless) return { reason: headless };
  if (platform === 'darwin') return { command: 'open', args: [url] };
  // rundll32 exits 0 once the handler has the URL (explorer.exe exits 1 even when it worked).
  if (platform === 'win32') return { command: 'rundll32', args: ['url.dll,FileProtocolHandler', url] };
  return { command: 'xdg-open', args: [url] };
}

/**
 * Opens `url` in the user's browser and reports whether that worked: the launcher must start and
 * must not exit non-zero within `settleMs`.
 *
 * @example
 * ```ts
 * const result = await openBrowser('https://example.com/authorize?x=1', { env: process.env });
 * if (!result.opened) console.error(`Could not open a browser (${result.reason})`);
 * ```
 */
export async function openBrowser(url: string, options: OpenBrowserOptions): Promise<BrowserResult> {
  const launcher = browserCommand(url, options.env, options.platform);
  if ('reason' in launcher) return { opened: false, reason: launcher.reason };
  const name = options.env.BROWSER?.trim() ? `BROWSER command ${launcher.command}` : launcher.command;
  // node:child_process (and the dgram it loads, ~1 ms) only when a launcher is really started:
  // this module is in every run's graph (through person.ts), a browser in few of them.
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: BrowserResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    let child: ChildProcess;
    try {
      // No shell, ever (spawn's default, stated because the URL may be a server's choice).
      child = spawn(launcher.command, launcher.args, {
        stdio: 'ignore',
        detached: true,
        env: options.env,
        shell: false,
        windowsHide: true,
      });
    } catch {
      settle({ opened: false, reason: `${name} could not be started` });
      return;
    }
    // A launcher still running after settleMs (a browser that stays in the foreground) counts as opened.
    const timer = setTimeout(() => {
      child.unref();
      settle({ opened: true });
    }, options.settleMs ?? 3000);
    timer.unref();
    child.once('error', (error: NodeJS.ErrnoException) =>
      settle({ opened: false, reason: error.code === 'ENOENT' ? `${name} was not found` : `${name} could not be started` }),
    );
    child.once('exit', (code, signal) => {
      if (code === 0) settle({ opened: true });
      else settle({ opened: false, reason: signal ? `${name} was killed by ${signal}` : `${name} exited with status ${code}` });
    });
  });
}
