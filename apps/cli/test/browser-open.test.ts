import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { browserCommand, headlessReason, openBrowser, splitCommandLine } from '../src/login/browser.js';
import { tempDir } from './helpers.js';

// Real launchers (tiny shell scripts and /bin/false), real exit codes: the CLI must not count a
// launcher that fails as an opened browser (issue 12, measured: xdg-open exits 3 on a headless box).
const URL_WITH_QUERY = 'http://127.0.0.1:9/authorize?a=1&b=two%20words';
const desktop = { PATH: process.env.PATH ?? '/usr/bin', DISPLAY: ':0' };

function launcher(dir: string, exitCode: number): string {
  const path = join(dir, `launcher-${exitCode}.sh`);
  writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args-${exitCode}"\nexit ${exitCode}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('openBrowser', () => {
  it('runs BROWSER with the URL as one argument and reports success on exit 0', async () => {
    const dir = tempDir();
    const result = await openBrowser(URL_WITH_QUERY, { env: { ...desktop, BROWSER: launcher(dir, 0) } });
    expect(result).toEqual({ opened: true });
    expect(readFileSync(join(dir, 'args-0'), 'utf8')).toBe(`${URL_WITH_QUERY}\n`);
  });

  it('counts a non-zero exit as failure, with the status (xdg-open says 3 when it has no method)', async () => {
    const dir = tempDir();
    expect(await openBrowser(URL_WITH_QUERY, { env: { ...desktop, BROWSER: launcher(dir, 3) } })).toEqual({
      opened: false,
      reason: `BROWSER command ${join(dir, 'launcher-3.sh')} exited with status 3`,
    });
    expect(await openBrowser(URL_WITH_QUERY, { env: { ...desktop, BROWSER: 'false' } })).toEqual({
      opened: false,
      reason: 'BROWSER command false exited with status 1',
    });
  });

  it('reports a launcher that does not exist', async () => {
    expect(await openBrowser(URL_WITH_QUERY, { env: { ...desktop, BROWSER: '/nonexistent/browser' } })).toEqual({
      opened: false,
      reason: 'BROWSER command /nonexistent/browser was not found',
    });
  });

  it('counts a launcher still running after settleMs as opened (a browser that stays in the foreground)', async () => {
    const dir = tempDir();
    const slow = join(dir, 'slow.sh');
    writeFileSync(slow, '#!/bin/sh\nsleep 2\n');
    chmodSync(slow, 0o755);
    expect(await openBrowser(URL_WITH_QUERY, { env: { ...desktop, BROWSER: slow }, settleMs: 200 })).toEqual({ opened: true });
  });

  it('does not try a default opener without a display or over SSH; BROWSER still wins', async () => {
    expect(await openBrowser(URL_WITH_QUERY, { env: { PATH: desktop.PATH }, platform: 'linux' })).toEqual({
      opened: false,
      reason: 'no display (DISPLAY and WAYLAND_DISPLAY are unset)',
    });
    expect(headlessReason({ DISPLAY: ':0', SSH_CONNECTION: '10.0.0.1 5 10.0.0.2 22' }, 'linux')).toMatch(/SSH session/);
    expect(headlessReason({ SSH_TTY: '/dev/pts/1' }, 'darwin')).toMatch(/SSH session/);
    expect(headlessReason({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBeUndefined();
    expect(headlessReason({}, 'darwin')).toBeUndefined();
    expect(browserCommand(URL_WITH_QUERY, { BROWSER: 'firefox --new-tab', SSH_TTY: '/dev/pts/1' }, 'linux')).toEqual({
      command: 'firefox',
      args: ['--new-tab', URL_WITH_QUERY],
    });
  });

  it('picks the platform opener and substitutes %s', () => {
    const u = 'https://example.com/u';
    expect(browserCommand(u, { DISPLAY: ':0' }, 'linux')).toEqual({ command: 'xdg-open', args: [u] });
    expect(browserCommand(u, {}, 'darwin')).toEqual({ command: 'open', args: [u] });
    expect(browserCommand(u, { BROWSER: 'my-open --url=%s --x' }, 'linux')).toEqual({ command: 'my-open', args: [`--url=${u}`, '--x'] });
  });

  // A server chooses verification_uri_complete: every character cmd.exe or a shell would act on.
  const HOSTILE = [
    'https://evil.example/device?a=1&calc.exe',
    'https://evil.example/device?x=|calc',
    'https://evil.example/device?x=%USERPROFILE%&y=%PATH%',
    'https://evil.example/device?x=^&calc',
    'https://evil.example/device?x=$(touch${IFS}pwned)`id`;id',
    'https://evil.example/dev<ice>?q="a b"',
  ];

  it.each(HOSTILE)('gives %s to each platform launcher as exactly one argument, with no shell', (url) => {
    const href = new URL(url).href;
    expect(browserCommand(url, {}, 'win32')).toEqual({ command: 'rundll32', args: ['url.dll,FileProtocolHandler', href] });
    expect(browserCommand(url, {}, 'darwin')).toEqual({ command: 'open', args: [href] });
    expect(browserCommand(url, { DISPLAY: ':0' }, 'linux')).toEqual({ command: 'xdg-open', args: [href] });
    expect(browserCommand(url, { BROWSER: 'firefox --new-tab' }, 'win32')).toEqual({ command: 'firefox', args: ['--new-tab', href] });
    // Normalised: no space or quote that Windows' argv quoting would have to handle.
    expect(href).not.toMatch(/[ "<>]/);
  });

  it('hands a hostile URL to a real BROWSER launcher as one argument, unexpanded', async () => {
    const dir = tempDir();
    const url = 'https://evil.example/device?x=|calc&y=%PATH%&z=$(id)';
    expect(await openBrowser(url, { env: { ...desktop, BROWSER: launcher(dir, 0) } })).toEqual({ opened: true });
    expect(readFileSync(join(dir, 'args-0'), 'utf8')).toBe(`${url}\n`);
  });

  it("substitutes %s literally: a URL's $& or $' is not a replacement pattern", () => {
    const url = "https://evil.example/device?a=$&b=$'c=$`";
    expect(browserCommand(url, { BROWSER: 'my-open --url=%s' }, 'linux')).toEqual({
      command: 'my-open',
      args: [`--url=${new URL(url).href}`],
    });
  });

  it('opens only http(s) URLs (a file: URL would run a program through FileProtocolHandler)', () => {
    for (const url of ['file:///C:/Windows/System32/calc.exe', 'javascript:alert(1)', 'not a url', '\\\\evil\\share\\x.exe'])
      for (const platform of ['win32', 'darwin', 'linux'] as const)
        expect(browserCommand(url, { DISPLAY: ':0' }, platform)).toEqual({ reason: 'only http(s) URLs are opened in a browser' });
  });

  it('splits a command line the way a shell would', () => {
    expect(splitCommandLine(`"/Applications/My Browser" --flag 'a b' c\\ d ""`)).toEqual([
      '/Applications/My Browser',
      '--flag',
      'a b',
      'c d',
      '',
    ]);
  });
});
