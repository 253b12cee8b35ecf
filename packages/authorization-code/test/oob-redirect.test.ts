import { MASTODON_SANDBOX_MODULES, decideOnAuthorizePage, mastodonRecords, startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { TokensmithError } from '@tokensmith/core/kit';
import { OOB_REDIRECT_URI, createAuthorizationCodeProvider, readPastedRedirect } from '../src/index.js';

// The out-of-band redirect URI (Mastodon's urn:ietf:wg:oauth:2.0:oob): the server shows the code,
// the person pastes it; no loopback listener, the token request names the same URN.

let instance: Sandbox;
beforeEach(async () => {
  instance = await startSandbox({ modules: MASTODON_SANDBOX_MODULES });
});
afterEach(async () => {
  await instance.stop();
});

async function registerApp(): Promise<{ client_id: string; client_secret: string }> {
  const answer = await fetch(`${instance.url}/api/v1/apps`, {
    method: 'POST',
    body: new URLSearchParams({ client_name: 'oob test', redirect_uris: OOB_REDIRECT_URI, scopes: 'read' }),
  });
  return (await answer.json()) as { client_id: string; client_secret: string };
}

describe('redirectUri urn:ietf:wg:oauth:2.0:oob', () => {
  it('a pasted bare code completes on the URN', () => {
    const read = readPastedRedirect('abc', { redirectUri: OOB_REDIRECT_URI, state: 'st' });
    expect('url' in read && read.url.href).toBe(`${OOB_REDIRECT_URI}?code=abc&state=st`);
  });

  it('needs promptRedirect (nothing can receive the redirect)', () => {
    expect(() =>
      createAuthorizationCodeProvider({
        issuer: instance.url,
        clientId: 'x',
        scopes: ['read'],
        redirectUri: OOB_REDIRECT_URI,
        openBrowser: () => undefined,
      }),
    ).toThrow(TokensmithError);
  });

  it('logs in on the Mastodon instance with the code its page shows (client_secret_post)', async () => {
    const app = await registerApp();
    let shown: string | undefined;
    const provider = createAuthorizationCodeProvider({
      issuer: instance.url,
      clientId: app.client_id,
      clientSecret: app.client_secret,
      authMethod: 'post',
      scopes: ['read'],
      redirectUri: OOB_REDIRECT_URI,
      promptRedirect: async ({ authorizeUrl }) => {
        shown = authorizeUrl;
        const { html } = await decideOnAuthorizePage(authorizeUrl, 'approve');
        return /<output id="code">([^<]+)<\/output>/.exec(html)![1]!;
      },
    });
    const credentials = await provider.login();
    expect(new URL(shown!).searchParams.get('redirect_uri')).toBe(OOB_REDIRECT_URI);
    expect(credentials).toMatchObject({ type: 'bearer', scope: ['read'] });
    expect(credentials.expiresAt).toBeUndefined();
    expect(credentials.refreshToken).toBeUndefined();
    expect(mastodonRecords(instance.state).basicAuthAttempts).toBe(0);
  });
});
