import { createHash, randomBytes } from 'node:crypto';
import { DEMO_CREDENTIALS, DEMO_LOGIN_HINT, decideOnAuthorizePage, oauth1Store, startSandbox, type Sandbox } from '../src/index.js';

// Every page the sandbox serves, checked against the shared layout's promises: lang, a title, one
// h1, a label for every field, a name on every button, visible focus, no external assets, CSP.

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function expectAccessiblePage(name: string, html: string): void {
  const problems: string[] = [];
  if (!/^<!doctype html>\n<html lang="en">/.test(html)) problems.push('no <html lang="en">');
  if (!/<title>[^<]+ - tokensmith sandbox<\/title>/.test(html)) problems.push('no title');
  if ((html.match(/<h1[\s>]/g) ?? []).length !== 1) problems.push('not exactly one h1');
  if (!html.includes(':focus-visible{outline')) problems.push('no visible focus style');
  if (/\s(src|href)=/.test(html)) problems.push('an external asset or link');
  for (const input of html.match(/<input [^>]*>/g) ?? []) {
    if (input.includes('type="hidden"')) continue;
    const id = /\sid="([^"]+)"/.exec(input)?.[1];
    if (!id || !html.includes(`<label for="${id}">`)) problems.push(`unlabelled field ${input}`);
  }
  for (const [, text] of html.matchAll(/<button[^>]*>([^<]*)<\/button>/g)) if (!text!.trim()) problems.push('a button without a name');
  for (const [, id] of html.matchAll(/aria-describedby="([^"]+)"/g))
    if (!html.includes(`id="${id}"`)) problems.push(`aria-describedby points at nothing: ${id}`);
  expect([name, problems]).toEqual([name, []]);
}

async function page(url: string, init?: RequestInit): Promise<{ status: number; html: string; csp: string | null }> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  return { status: res.status, html: await res.text(), csp: res.headers.get('content-security-policy') };
}

function requestToken(): string {
  const token = randomBytes(12).toString('base64url');
  oauth1Store(sandbox.state).requestTokens.set(token, {
    consumerKey: DEMO_CREDENTIALS.oauth1.consumerKey,
    secret: 's',
    createdAt: Date.now(),
  });
  return token;
}

function oauth2AuthorizeUrl(clientId: string = DEMO_CREDENTIALS.oauth2.clientId): string {
  const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
  const params = {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: 'http://127.0.0.1:9/callback',
    scope: 'tweet.read',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
  return `${sandbox.endpoints.oauth2AuthorizeUrl}?${new URLSearchParams(params)}`;
}

async function deviceCode(): Promise<{ verification_uri_complete: string }> {
  const res = await fetch(sandbox.endpoints.deviceAuthorizationUrl, {
    method: 'POST',
    headers: FORM,
    body: new URLSearchParams({ client_id: DEMO_CREDENTIALS.device.clientId, scope: 'tweet.read' }),
  });
  return (await res.json()) as { verification_uri_complete: string };
}

describe('sandbox pages: one accessible layout', () => {
  it('serves every GET page with the CSP and the layout', async () => {
    const pages: Array<[string, string]> = [
      ['OAuth 1.0a authorize', `${sandbox.endpoints.authorizeUrl}?oauth_token=${requestToken()}`],
      ['OAuth 1.0a invalid request', `${sandbox.endpoints.authorizeUrl}?oauth_token=unknown`],
      ['OAuth 2 consent', oauth2AuthorizeUrl()],
      ['OAuth 2 unknown client', oauth2AuthorizeUrl('nobody')],
      ['device code entry', sandbox.endpoints.deviceVerificationUrl],
      ['device wrong code', `${sandbox.endpoints.deviceVerificationUrl}?user_code=BBBB-BBBB`],
      ['device consent', (await deviceCode()).verification_uri_complete],
    ];
    for (const [name, url] of pages) {
      const { html, csp } = await page(url);
      expect([name, csp]).toEqual([name, expect.stringMatching(/^default-src 'none'; style-src 'unsafe-inline'; form-action 'self'/)]);
      expectAccessiblePage(name, html);
    }
  });

  it('keeps the layout on every page that follows a decision, and shows the demo login on every login form', async () => {
    const decided: Array<[string, Promise<{ html: string }>]> = [
      ['OAuth 1.0a PIN', decideOnAuthorizePage(`${sandbox.endpoints.authorizeUrl}?oauth_token=${requestToken()}`, 'approve')],
      ['OAuth 1.0a denied', decideOnAuthorizePage(`${sandbox.endpoints.authorizeUrl}?oauth_token=${requestToken()}`, 'deny')],
      [
        'OAuth 1.0a wrong password',
        decideOnAuthorizePage(`${sandbox.endpoints.authorizeUrl}?oauth_token=${requestToken()}`, 'approve', {
          username: 'twitterapi',
          password: 'x',
        }),
      ],
      ['OAuth 2 wrong password', decideOnAuthorizePage(oauth2AuthorizeUrl(), 'approve', { username: 'twitterapi', password: 'x' })],
      ['device connected', decideOnAuthorizePage((await deviceCode()).verification_uri_complete, 'approve')],
      ['device denied', decideOnAuthorizePage((await deviceCode()).verification_uri_complete, 'deny')],
      [
        'device wrong password',
        decideOnAuthorizePage((await deviceCode()).verification_uri_complete, 'approve', { username: 'twitterapi', password: 'x' }),
      ],
      [
        'OAuth 2 expired request',
        page(sandbox.endpoints.oauth2AuthorizeUrl, { method: 'POST', headers: FORM, body: 'request_id=gone&action=approve' }),
      ],
    ];
    for (const [name, answer] of decided) {
      const { html } = await answer;
      expectAccessiblePage(name, html);
      if (html.includes('<label for="password">')) expect([name, html.includes(DEMO_LOGIN_HINT)]).toEqual([name, true]);
      if (name.includes('wrong password')) {
        expect(html).toMatch(/<p role="alert" id="form-error">[^<]+<\/p>/);
        expect([name, html]).toEqual([
          name,
          expect.stringContaining('<input id="username" name="username" type="text" value="twitterapi"'),
        ]); // only the password to type again
      }
    }
  });
});

describe('sandbox state: nothing global', () => {
  it('installs only the modules a sandbox was started with, into its own state', async () => {
    const { DEFAULT_SANDBOX_MODULES, installOAuth2App, installTimeline } = await import('../src/index.js');
    expect(Object.isFrozen(DEFAULT_SANDBOX_MODULES)).toBe(true);
    const bare = await startSandbox({ modules: [installOAuth2App, installTimeline] });
    try {
      expect((await fetch(bare.endpoints.requestTokenUrl, { method: 'POST' })).status).toBe(404);
      expect((await fetch(bare.endpoints.deviceAuthorizationUrl, { method: 'POST' })).status).toBe(404);
      expect((await fetch(sandbox.endpoints.deviceVerificationUrl)).status).toBe(200);
      expect(bare.state.routes).not.toBe(sandbox.state.routes);
    } finally {
      await bare.stop();
    }
  });

  it('cannot be changed through the shared fixtures and demo credentials', async () => {
    const { TIMELINES } = await import('../src/index.js');
    expect(() => {
      (TIMELINES.twitterapi![0] as { text: string }).text = 'changed';
    }).toThrow(TypeError);
    expect(() => {
      (DEMO_CREDENTIALS.user as { password: string }).password = 'changed';
    }).toThrow(TypeError);
  });
});
