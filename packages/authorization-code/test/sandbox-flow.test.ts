import { inspect } from 'node:util';
import { jest } from '@jest/globals';
import { MemoryStore, OAuthResponseError, TokensmithError, createAuthenticatedFetch } from '@tokensmith/core/kit';
import { DEMO_CREDENTIALS, decideOnAuthorizePage, startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { codeChallengeS256, createAuthorizationCodeProvider, createCodeVerifier, type AuthorizationCodeOptions } from '../src/index.js';
import { refused } from './helpers.js';

const CLIENT_ID = DEMO_CREDENTIALS.oauth2.clientId;
const SCOPES = ['openid', 'tweet.read', 'users.read', 'offline.access'];
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

let clock: number;
let sandbox: Sandbox;
beforeEach(async () => {
  clock = Date.now();
  sandbox = await startSandbox({ now: () => clock });
});
afterEach(async () => {
  await sandbox.stop();
});

interface BrowserOptions {
  decision?: 'approve' | 'deny';
  /** Changes the redirect before the browser follows it. */
  tamper?: (location: URL) => void;
}

/**
 * The test plays the browser: it loads the consent page, submits it as the demo user, and follows the
 * 302 to wherever the sandbox redirects (the loopback listener). Returns the redirect it got.
 */
async function playBrowser(authorizeUrl: string, options: BrowserOptions = {}): Promise<URL> {
  const decision = await decideOnAuthorizePage(authorizeUrl, options.decision ?? 'approve');
  if (decision.location === undefined) throw new Error(`consent page answered ${decision.status} without a redirect`);
  const location = new URL(decision.location);
  options.tamper?.(location);
  return location;
}

function browser(options: BrowserOptions = {}) {
  const opened: string[] = [];
  const pages: Array<{ status: number; html: string }> = [];
  let done: Promise<void> = Promise.resolve();
  const open = jest.fn(async (authorizeUrl: string) => {
    opened.push(authorizeUrl);
    done = (async () => {
      const location = await playBrowser(authorizeUrl, options);
      const callback = await fetch(location);
      pages.push({ status: callback.status, html: await callback.text() });
    })();
    await done;
  });
  return { open, opened, pages, finished: () => done };
}

function provider(overrides: Partial<AuthorizationCodeOptions> = {}) {
  return createAuthorizationCodeProvider({
    issuer: sandbox.endpoints.issuer,
    clientId: CLIENT_ID,
    scopes: SCOPES,
    now: () => clock,
    ...overrides,
  });
}

const timeline = (accessToken: string) =>
  fetch(`${sandbox.endpoints.timelineUrl}?count=1`, { headers: { authorization: `Bearer ${accessToken}` } });

describe('authorization code + PKCE against the sandbox', () => {
  it('logs in through the browser and the loopback listener, calls the timeline, then refreshes after expiry without a browser', async () => {
    const b = browser();
    const messages: string[] = [];
    const p = provider({ openBrowser: b.open, onProgress: (message) => messages.push(message) });

    const token = await p.login();
    await b.finished();
    expect(b.open).toHaveBeenCalledTimes(1);
    const authorize = new URL(b.opened[0]!);
    expect(authorize.origin + authorize.pathname).toBe(sandbox.endpoints.oauth2AuthorizeUrl);
    const q = authorize.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(CLIENT_ID);
    expect(q.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(q.get('scope')).toBe(SCOPES.join(' '));
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(q.get('state')).toMatch(/^[\w-]{43}$/);
    expect(q.get('nonce')).toMatch(/^[\w-]{43}$/);
    expect(b.pages).toEqual([{ status: 200, html: expect.stringContaining('You can close this tab') }]);
    expect(await refused(q.get('redirect_uri')!)).toBe(true);

    expect(token).toMatchObject({ type: 'bearer', expiresAt: clock + 7_200_000, scope: SCOPES });
    expect(token.refreshToken).toEqual(expect.any(String));
    expect(token.idToken?.split('.')).toHaveLength(3);
    expect(await p.peek()).toEqual(token);

    const api = createAuthenticatedFetch(p);
    const res = await api(`${sandbox.endpoints.timelineUrl}?count=2`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Array<{ user: { screen_name: string } }>)[0]?.user.screen_name).toBe('twitterapi');

    clock += 7_200_001; // past expiry
    expect((await timeline(token.accessToken)).status).toBe(401);
    const refreshed = await p.getToken();
    expect(sandbox.stats.refreshRequests).toBe(1);
    expect(b.open).toHaveBeenCalledTimes(1);
    expect(refreshed.accessToken).not.toBe(token.accessToken);
    expect(refreshed.refreshToken).not.toBe(token.refreshToken);
    expect(refreshed.idToken).toBe(token.idToken);
    expect(refreshed.expiresAt).toBe(clock + 7_200_000);
    expect((await timeline(refreshed.accessToken)).status).toBe(200);
    expect(await p.getToken()).toEqual(refreshed);
    expect(sandbox.stats.refreshRequests).toBe(1);
    expect(messages).toEqual(
      expect.arrayContaining([expect.stringMatching(/Waiting for the browser/), expect.stringMatching(/Refreshing/)]),
    );
  });

  it('refreshes after a 401 (invalidate) and retries the call once', async () => {
    const b = browser();
    const p = provider({ openBrowser: b.open, scopes: ['tweet.read', 'offline.access'] });
    const token = await p.getToken(); // nothing stored yet: getToken() runs the browser flow and stores the result
    expect(await p.peek()).toEqual(token);
    sandbox.state.userTokens.delete(token.accessToken);
    const res = await createAuthenticatedFetch(p)(`${sandbox.endpoints.timelineUrl}?count=1`);
    expect(res.status).toBe(200);
    expect(sandbox.stats.refreshRequests).toBe(1);
    expect(b.open).toHaveBeenCalledTimes(1);
    expect((await p.peek())?.accessToken).not.toBe(token.accessToken);
  });

  it('works with a confidential client (HTTP Basic) and explicit endpoints, and keeps its secret out of inspect()', async () => {
    await sandbox.stop();
    const secret = "conf:secret w!th'(odd)*chars";
    sandbox = await startSandbox({
      now: () => clock,
      oauth2Clients: [{ clientId: 'web app', clientSecret: secret, redirectUris: ['http://127.0.0.1/callback'], name: 'Web app' }],
    });
    const b = browser();
    const p = createAuthorizationCodeProvider({
      authorizationUrl: sandbox.endpoints.oauth2AuthorizeUrl,
      tokenUrl: sandbox.endpoints.tokenUrl,
      revocationUrl: sandbox.endpoints.revocationUrl,
      clientId: 'web app',
      clientSecret: secret,
      scopes: ['tweet.read'],
      openBrowser: b.open,
      now: () => clock,
    });
    const token = await p.login();
    expect((await timeline(token.accessToken)).status).toBe(200);
    for (const shown of [inspect(p), JSON.stringify(p), String(p)]) {
      expect(shown).not.toContain(secret);
      expect(shown).not.toContain(token.accessToken);
    }
    expect(inspect(p)).toContain("strategy: 'authorization-code'");
    expect(inspect(p)).toContain("client: 'confidential'");
  });

  it('supports paste mode: the redirected URL or the bare code, no listener', async () => {
    for (const answer of ['url', 'code'] as const) {
      const promptRedirect = jest.fn(async ({ authorizeUrl }: { authorizeUrl: string }) => {
        const location = await playBrowser(authorizeUrl);
        return answer === 'url' ? location.href : location.searchParams.get('code')!;
      });
      const p = provider({ promptRedirect });
      const token = await p.login();
      expect(promptRedirect).toHaveBeenCalledTimes(1);
      const sent = new URL(promptRedirect.mock.calls[0]![0].authorizeUrl).searchParams.get('redirect_uri');
      expect(sent).toBe('http://127.0.0.1/callback');
      expect((await timeline(token.accessToken)).status).toBe(200);
    }
  });

  it('falls back to promptRedirect when the browser cannot be opened', async () => {
    const openBrowser = jest.fn(async () => {
      throw new Error('no display');
    });
    let redirectSent = '';
    const promptRedirect = jest.fn(async ({ authorizeUrl, signal }: { authorizeUrl: string; signal: AbortSignal }) => {
      redirectSent = new URL(authorizeUrl).searchParams.get('redirect_uri')!;
      expect(signal.aborted).toBe(false);
      return (await playBrowser(authorizeUrl)).href;
    });
    const events: string[] = [];
    const p = provider({ openBrowser, promptRedirect, onProgress: (_m, e) => events.push(e.type) });
    const token = await p.login();
    expect(token.accessToken).toEqual(expect.any(String));
    expect(openBrowser).toHaveBeenCalledTimes(1);
    expect(promptRedirect).toHaveBeenCalledTimes(1);
    expect(events).toContain('browser-failed');
    expect(await refused(redirectSent)).toBe(true);
  });

  it('supports the two-step API with serialisable state; the authorize URL carries S256 of the verifier', async () => {
    const p = provider();
    const pending = JSON.parse(JSON.stringify(await p.startAuthorization({ redirectUri: 'http://127.0.0.1:8123/callback' }))) as Awaited<
      ReturnType<typeof p.startAuthorization>
    >;
    expect(Object.keys(pending).sort()).toEqual(['authorizeUrl', 'codeVerifier', 'nonce', 'redirectUri', 'state']);
    expect(new URL(pending.authorizeUrl).searchParams.get('code_challenge')).toBe(codeChallengeS256(pending.codeVerifier));
    const location = await playBrowser(pending.authorizeUrl);
    const token = await p.completeAuthorization(pending, location.href);
    expect((await timeline(token.accessToken)).status).toBe(200);
    expect(await p.peek()).toEqual(token);
  });
});

describe('authorization code: failures store nothing and say what happened', () => {
  it('refuses a callback whose state does not match (state_mismatch) in the two-step API', async () => {
    const p = provider();
    const pending = await p.startAuthorization();
    const location = await playBrowser(pending.authorizeUrl, { tamper: (url) => url.searchParams.set('state', 'forged-state') });
    await expect(p.completeAuthorization(pending, location)).rejects.toMatchObject({
      code: 'state_mismatch',
      message: expect.stringMatching(/state does not match.*nothing was stored/),
      operation: 'authorization',
    });
    expect(await p.peek()).toBeUndefined();
    expect(sandbox.stats.tokenRequests).toBe(0);
  });

  it('ignores a loopback callback whose state does not match, tells that browser, and keeps waiting until the deadline', async () => {
    const b = browser({ tamper: (location) => location.searchParams.set('state', 'forged-state') });
    const p = provider({ openBrowser: b.open, callbackTimeoutMs: 1_000 });
    await expect(p.login()).rejects.toMatchObject({ code: 'callback_timeout' });
    await b.finished();
    expect(b.pages[0]?.status).toBe(400);
    expect(b.pages[0]?.html).toContain('role="alert"');
    expect(await p.peek()).toBeUndefined();
    expect(sandbox.stats.tokenRequests).toBe(0);
  });

  it('reports denied consent as authorization_denied', async () => {
    const b = browser({ decision: 'deny' });
    const p = provider({ openBrowser: b.open });
    const error = await p.login().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokensmithError);
    expect(error).toMatchObject({
      code: 'authorization_denied',
      message: expect.stringContaining('access_denied'),
      operation: 'authorization',
    });
    await b.finished();
    expect(b.pages[0]?.status).toBe(400);
    expect(await p.peek()).toBeUndefined();
  });

  it('surfaces a wrong code verifier as the server’s invalid_grant', async () => {
    const p = provider();
    const pending = await p.startAuthorization();
    const location = await playBrowser(pending.authorizeUrl);
    const error = await p.completeAuthorization({ ...pending, codeVerifier: createCodeVerifier() }, location).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthResponseError);
    expect(error).toMatchObject({
      status: 400,
      error: 'invalid_grant',
      message: expect.stringContaining('code_verifier does not match'),
      operation: 'token_request',
      endpoint: sandbox.endpoints.tokenUrl,
    });
    expect(await p.peek()).toBeUndefined();
  });

  it('validates the ID token: a nonce that does not match is refused', async () => {
    const p = provider();
    const pending = await p.startAuthorization();
    const location = await playBrowser(pending.authorizeUrl);
    const error = await p.completeAuthorization({ ...pending, nonce: 'another-nonce' }, location).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_token_response', message: expect.stringContaining('nonce') });
    expect(await p.peek()).toBeUndefined();
  });

  it('refuses a reused code; the sandbox revokes the tokens first issued from it', async () => {
    const first = provider({ store: new MemoryStore() });
    const pending = await first.startAuthorization();
    const location = await playBrowser(pending.authorizeUrl);
    const token = await first.completeAuthorization(pending, location);
    expect((await timeline(token.accessToken)).status).toBe(200);

    const second = provider({ store: new MemoryStore() });
    await expect(second.completeAuthorization(pending, location)).rejects.toMatchObject({
      error: 'invalid_grant',
      message: expect.stringContaining('already used'),
    });
    expect(await second.peek()).toBeUndefined();
    expect((await timeline(token.accessToken)).status).toBe(401);
  });

  it('times out with callback_timeout when no callback comes, and closes the listener', async () => {
    let redirectSent = '';
    const p = provider({
      openBrowser: (url) => void (redirectSent = new URL(url).searchParams.get('redirect_uri')!),
      callbackTimeoutMs: 150,
    });
    const started = Date.now();
    await expect(p.login()).rejects.toMatchObject({ code: 'callback_timeout', message: expect.stringContaining('nothing was stored') });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(redirectSent).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(await refused(redirectSent)).toBe(true);
    expect(await p.peek()).toBeUndefined();
  });

  it('stops on abort and closes the listener', async () => {
    const controller = new AbortController();
    let redirectSent = '';
    const p = provider({
      openBrowser: (url) => {
        redirectSent = new URL(url).searchParams.get('redirect_uri')!;
        controller.abort();
      },
    });
    await expect(p.login({ signal: controller.signal })).rejects.toMatchObject({ code: 'aborted' });
    expect(await refused(redirectSent)).toBe(true);
  });

  it('refuses a plain http:// issuer that is not loopback, saying why', () => {
    let caught: unknown;
    try {
      createAuthorizationCodeProvider({ issuer: 'http://auth.example.com', clientId: CLIENT_ID, scopes: ['openid'] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TokensmithError);
    expect(caught).toMatchObject({
      code: 'insecure_endpoint',
      message: expect.stringMatching(/issuer must use https:\/\/.*only on loopback/),
    });
  });

  it('throws login_required from getToken() when nothing is stored and nothing can sign in', async () => {
    const p = provider();
    await expect(p.getToken()).rejects.toMatchObject({ code: 'login_required', message: expect.stringContaining('log in') });
  });
});

describe('authorization code: logout', () => {
  it('revokes at the sandbox (refresh token, then access token) and forgets locally', async () => {
    const b = browser();
    const events: string[] = [];
    const p = provider({ openBrowser: b.open, onProgress: (message) => events.push(message) });
    const token = await p.login();
    expect(await p.logout()).toEqual({ revocation: 'revoked', endpoint: new URL(sandbox.endpoints.issuer).origin });
    expect(await p.peek()).toBeUndefined();
    expect((await timeline(token.accessToken)).status).toBe(401);
    const refresh = await fetch(sandbox.endpoints.tokenUrl, {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token.refreshToken!, client_id: CLIENT_ID }),
    });
    expect(refresh.status).toBe(400);
    expect(events.filter((m) => m.startsWith('Revoking'))).toEqual(['Revoking the refresh token', 'Revoking the access token']);
  });

  it('forgets locally even when revocation fails', async () => {
    const b = browser();
    const events: Array<{ type: string; message: string }> = [];
    // The sandbox is stopped: revocation is refused at once, no timeout involved (the default stays).
    const p = provider({ openBrowser: b.open, onProgress: (_m, e) => events.push(e) });
    const token = await p.login();
    await sandbox.stop();
    const result = await p.logout();
    expect(result).toEqual({ revocation: 'failed', endpoint: new URL(sandbox.endpoints.issuer).origin, reason: expect.any(String) });
    expect(JSON.stringify(result)).not.toContain(token.refreshToken!);
    expect(await p.peek()).toBeUndefined();
    const failures = events.filter((e) => e.type === 'revoke-failed');
    expect(failures).toHaveLength(2);
    for (const failure of failures) expect(failure.message).not.toContain(token.refreshToken!);
    sandbox = await startSandbox();
  });
});
