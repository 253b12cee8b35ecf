// Issue 17, holes 4 and 6, attacked through real sockets against the real sandbox: a browser that
// closes its tab while the code is exchanged, and forged cross-site callbacks while a login waits.
import { request } from 'node:http';
import { MemoryStore } from '@tokensmith/core/kit';
import { DEMO_CREDENTIALS, decideOnAuthorizePage, startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { createAuthorizationCodeProvider, type AuthorizationCodeOptions, type AuthorizationProgress } from '../src/index.js';
import { refused } from './helpers.js';

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
    store: new MemoryStore(),
    ...overrides,
  });
}

/** A GET through a raw socket; `abortAfterMs` closes the connection before any answer (a closed tab). */
function rawGet(url: string, abortAfterMs?: number): Promise<{ status: number; body: string } | 'closed'> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => (req.destroyed && abortAfterMs !== undefined ? resolve('closed') : reject(error)));
    if (abortAfterMs !== undefined) {
      setTimeout(() => {
        req.destroy();
        resolve('closed');
      }, abortAfterMs);
    }
    req.end();
  });
}

/** The forged requests an `<img>` on any web page can send to the listener. */
function forgeries(redirectUri: string, realState: string): string[] {
  return [
    `${redirectUri}?code=x&state=x`,
    `${redirectUri}?code=x`,
    `${redirectUri}?error=access_denied&state=wrong`,
    `${redirectUri}?error=access_denied`,
    `${redirectUri}?code=x&state=${realState.slice(0, -1)}`,
  ];
}

describe('the loopback listener against hostile callbacks (issue 17 hole 6)', () => {
  it('ignores forged callbacks with a plain error page and completes with the real one', async () => {
    const pages: Array<{ status: number; body: string } | 'closed'> = [];
    const events: AuthorizationProgress['type'][] = [];
    let browser: Promise<void> = Promise.resolve();
    const p = provider({
      onProgress: (_message, event) => events.push(event.type),
      openBrowser: (authorizeUrl) =>
        (browser = (async () => {
          const url = new URL(authorizeUrl);
          const redirectUri = url.searchParams.get('redirect_uri')!;
          for (const forged of forgeries(redirectUri, url.searchParams.get('state')!)) pages.push(await rawGet(forged));
          const decision = await decideOnAuthorizePage(authorizeUrl, 'approve');
          pages.push(await rawGet(decision.location!));
        })()),
    });
    const token = await p.login();
    await browser;
    expect(token.accessToken).toEqual(expect.any(String));
    expect(await p.peek()).toEqual(token);
    const forged = pages.slice(0, -1);
    expect(forged).toHaveLength(5);
    for (const page of forged) {
      expect(page).toMatchObject({ status: 400, body: expect.stringContaining('was ignored') });
    }
    expect(pages.at(-1)).toMatchObject({ status: 200, body: expect.stringContaining('You are signed in') });
    expect(events.filter((type) => type === 'ignored-callback')).toHaveLength(5);
    expect(sandbox.stats.tokenRequests).toBe(1);
  });

  it('keeps waiting until the deadline when only forged callbacks come, then ends with callback_timeout', async () => {
    let redirectUri = '';
    const pages: Array<{ status: number; body: string } | 'closed'> = [];
    const p = provider({
      callbackTimeoutMs: 1_500,
      openBrowser: async (authorizeUrl) => {
        redirectUri = new URL(authorizeUrl).searchParams.get('redirect_uri')!;
        pages.push(await rawGet(`${redirectUri}?error=access_denied&state=forged`));
        pages.push(await rawGet(`${redirectUri}?code=x&state=x`));
      },
    });
    const started = Date.now();
    await expect(p.login()).rejects.toMatchObject({ code: 'callback_timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(pages).toEqual([expect.objectContaining({ status: 400 }), expect.objectContaining({ status: 400 })]);
    expect(await refused(redirectUri)).toBe(true);
    expect(await p.peek()).toBeUndefined();
    expect(sandbox.stats.tokenRequests).toBe(0);
  });

  it('ends the wait on an error callback that carries the right state (the person denied)', async () => {
    const p = provider({
      openBrowser: async (authorizeUrl) => {
        const redirectUri = new URL(authorizeUrl).searchParams.get('redirect_uri')!;
        await rawGet(`${redirectUri}?error=access_denied&state=forged`);
        const decision = await decideOnAuthorizePage(authorizeUrl, 'deny');
        await rawGet(decision.location!);
      },
    });
    await expect(p.login()).rejects.toMatchObject({ code: 'authorization_denied' });
  });
});

describe('a browser that goes away during the code exchange (issue 17 hole 4)', () => {
  it('stores the tokens and returns when the tab closes while a 3 s token endpoint answers', async () => {
    sandbox.faults.add({ path: '/oauth2/token', fault: { type: 'delay', ms: 3_000 } });
    let redirectUri = '';
    let browser: Promise<unknown> = Promise.resolve();
    const p = provider({
      openBrowser: async (authorizeUrl) => {
        redirectUri = new URL(authorizeUrl).searchParams.get('redirect_uri')!;
        const decision = await decideOnAuthorizePage(authorizeUrl, 'approve');
        browser = rawGet(decision.location!, 1_000);
      },
    });
    const started = Date.now();
    const token = await p.login();
    expect(await browser).toBe('closed');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(sandbox.faults.served).toBe(1);
    expect(await p.peek()).toEqual(token);
    expect(await refused(redirectUri)).toBe(true);
    const timeline = await fetch(`${sandbox.endpoints.timelineUrl}?count=1`, { headers: { authorization: `Bearer ${token.accessToken}` } });
    expect(timeline.status).toBe(200);
  });
});
