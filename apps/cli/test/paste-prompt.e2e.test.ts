import { decideOnAuthorizePage } from '@tokensmith/sandbox';
import { runInPty, type PtyRun } from './pty.js';
import { tempDir } from './helpers.js';

// The authorization-code paste prompt (the built-in demo's sandbox-oauth2, --no-browser, on a
// terminal): a stray Enter or a bad paste asks again instead of ending the login, and the loopback
// listener keeps waiting meanwhile.

const QUESTION = 'paste the URL it was redirected to (or the code): ';

/** How many times the paste question is on the screen. */
const asked = (pty: PtyRun) => pty.text.split(QUESTION).length - 1;

/** Starts the login and returns the authorize URL it printed. */
async function startLogin(): Promise<{ pty: PtyRun; authorizeUrl: string }> {
  const pty = runInPty(['login', 'sandbox-oauth2', '--no-browser'], { cwd: tempDir() });
  const screen = await pty.waitFor(QUESTION);
  return { pty, authorizeUrl: /Open this URL to authorize:\r?\n\s+(\S+)/.exec(screen)![1]! };
}

/** Waits until the question has been asked `times` times. */
async function waitForQuestion(pty: PtyRun, times: number): Promise<void> {
  await pty.waitFor(new RegExp(`(${QUESTION.replace(/[()]/g, '\\$&')}[\\s\\S]*){${times}}`));
}

describe('authorization-code paste prompt', () => {
  it('asks again after a stray Enter (silently) and after a bad paste (saying why), then logs in with the pasted URL', async () => {
    const { pty, authorizeUrl } = await startLogin();
    pty.type('\r');
    await waitForQuestion(pty, 2);
    pty.type('not a url or code\r');
    await pty.waitFor('That paste cannot be used: the pasted text is neither a URL nor a code. Try again.');
    await waitForQuestion(pty, 3);
    const { location } = await decideOnAuthorizePage(authorizeUrl, 'approve');
    pty.type(`${location}\r`);
    expect(await pty.exited).toBe(0);
    expect(pty.text).toContain('Logged in to sandbox-oauth2');
    expect(asked(pty)).toBe(3);
  });

  it('keeps the loopback listener open after a bad paste: the browser reaching it still completes the login', async () => {
    const { pty, authorizeUrl } = await startLogin();
    pty.type('https://127.0.0.1/callback?state=x\r');
    await pty.waitFor('That paste cannot be used: the pasted URL has no code');
    const { location } = await decideOnAuthorizePage(authorizeUrl, 'approve');
    expect((await fetch(location!)).status).toBe(200);
    expect(await pty.exited).toBe(0);
    expect(pty.text).toContain('Logged in to sandbox-oauth2');
  });
});
