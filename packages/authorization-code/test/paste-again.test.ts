import { DEMO_CREDENTIALS, decideOnAuthorizePage, startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { TokensmithError } from '@tokensmith/core/kit';
import { MAX_UNUSABLE_PASTES } from '../src/paste-loop.js';
import { createAuthorizationCodeProvider, type AuthorizationCodeOptions } from '../src/index.js';

// One stray Enter or one bad paste does not end a login that may have minutes left: the person is
// asked again (told why), and in the listener flow the loopback listener keeps waiting meanwhile.

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await sandbox.stop();
});

function provider(overrides: Partial<AuthorizationCodeOptions>) {
  return createAuthorizationCodeProvider({
    issuer: sandbox.endpoints.issuer,
    clientId: DEMO_CREDENTIALS.oauth2.clientId,
    scopes: ['tweet.read', 'users.read', 'offline.access'],
    ...overrides,
  });
}

/** Approves on the sandbox's consent page as the demo user; returns where the browser is sent. */
async function approve(authorizeUrl: string): Promise<URL> {
  const { location } = await decideOnAuthorizePage(authorizeUrl, 'approve');
  return new URL(location!);
}

type Info = { authorizeUrl: string; signal: AbortSignal; rejected?: string };

describe('paste prompt: an unusable answer is asked for again', () => {
  it('paste mode: an empty answer, garbage and another sign-in’s URL are each refused with a reason; the right URL then logs in', async () => {
    const other = new URL('http://127.0.0.1/callback?code=abc&state=someone-else');
    const answers = ['', 'not a url or code', other.href];
    const seen: Array<string | undefined> = [];
    const promptRedirect = async (info: Info) => {
      seen.push(info.rejected);
      const next = answers.shift();
      return next ?? (await approve(info.authorizeUrl)).href;
    };
    const token = await provider({ promptRedirect, redirectMode: 'paste' }).login();
    expect(token.accessToken).toEqual(expect.any(String));
    expect(seen).toEqual([
      undefined,
      'nothing was pasted (expected the URL the browser was sent to, or the code)',
      'the pasted text is neither a URL nor a code',
      expect.stringContaining('belongs to another sign-in'),
    ]);
  });

  it('listener flow: a bad paste asks again while the listener stays open, and the browser’s callback still completes the login', async () => {
    let pastes = 0;
    let browserDone: Promise<unknown> = Promise.resolve();
    const promptRedirect = (info: Info) => {
      pastes++;
      if (pastes === 1) return Promise.resolve('garbage text');
      // Second prompt: the browser reaches the listener instead; the prompt is stopped.
      browserDone = approve(info.authorizeUrl).then((location) => fetch(location));
      return new Promise<string>((_resolve, reject) =>
        info.signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true }),
      );
    };
    const openBrowser = () => {
      throw new Error('no display');
    };
    const token = await provider({ promptRedirect, openBrowser }).login();
    await browserDone;
    expect(token.accessToken).toEqual(expect.any(String));
    expect(pastes).toBe(2);
  });

  it(`ends after ${MAX_UNUSABLE_PASTES} unusable answers (a script answering at once), storing nothing`, async () => {
    let calls = 0;
    const promptRedirect = async () => {
      calls++;
      return '';
    };
    const error = await provider({ promptRedirect, redirectMode: 'paste' })
      .login()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokensmithError);
    expect((error as TokensmithError).code).toBe('login_required');
    expect(calls).toBe(MAX_UNUSABLE_PASTES);
  });
});
