import {
  DEMO_CREDENTIALS,
  DEVICE_CODE_GRANT_TYPE,
  MAX_WRONG_USER_CODES,
  decideOnAuthorizePage,
  normalizeUserCode,
  startSandbox,
} from '../src/index.js';
import { request } from 'node:http';
import { FORM, sandboxPerTest } from './support/sandbox-per-test.js';

const DEVICE_CLIENT = DEMO_CREDENTIALS.device.clientId;
const USER_CODE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;

interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

const { sandbox, clock } = sandboxPerTest();

const post = (url: string, params: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { ...FORM, ...headers }, body: new URLSearchParams(params), redirect: 'manual' });

async function authorizeDevice(
  scope = 'tweet.read users.read offline.access',
  extra: Record<string, string> = {},
): Promise<DeviceAuthorization> {
  const res = await post(sandbox.endpoints.deviceAuthorizationUrl, { client_id: DEVICE_CLIENT, scope, ...extra });
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return (await res.json()) as DeviceAuthorization;
}

async function poll(deviceCode: string, clientId: string = DEVICE_CLIENT): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await post(sandbox.endpoints.tokenUrl, { grant_type: DEVICE_CODE_GRANT_TYPE, device_code: deviceCode, client_id: clientId });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const timeline = (accessToken: string) =>
  fetch(`${sandbox.endpoints.timelineUrl}?count=1`, { headers: { authorization: `Bearer ${accessToken}` } });

describe('sandbox: device authorization endpoint (RFC 8628 3.1-3.2)', () => {
  it('is advertised in discovery with its grant type', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const metadata = (await (await fetch(`${sandbox.url}${path}`)).json()) as Record<string, unknown>;
      expect(metadata.device_authorization_endpoint).toBe(sandbox.endpoints.deviceAuthorizationUrl);
      expect(metadata.grant_types_supported).toContain('urn:ietf:params:oauth:grant-type:device_code');
    }
  });

  it('answers device_code, a WDJB-MJHT style user_code, both verification URIs, expires_in and interval', async () => {
    const auth = await authorizeDevice();
    expect(auth.device_code).toMatch(/^[\w-]{43}$/);
    expect(auth.user_code).toMatch(USER_CODE);
    expect(auth.verification_uri).toBe(sandbox.endpoints.deviceVerificationUrl);
    expect(new URL(auth.verification_uri_complete).searchParams.get('user_code')).toBe(auth.user_code);
    expect(auth.expires_in).toBe(600);
    expect(auth.interval).toBe(5);
    expect(sandbox.stats.deviceAuthorizationRequests).toBe(1);
    const codes = new Set<string>();
    for (let i = 0; i < 20; i++) codes.add((await authorizeDevice()).user_code);
    expect(codes.size).toBe(20);
  });

  it('authenticates the client as the token endpoint does, and checks grant types, scopes and resources', async () => {
    await sandbox.restart({
      oauth2Clients: [
        { clientId: 'web', redirectUris: ['http://127.0.0.1/cb'], name: 'Web', grantTypes: ['authorization_code'] },
        { clientId: 'tv', clientSecret: 'tv-secret', redirectUris: [], name: 'TV' },
      ],
    });
    const cases: Array<[Record<string, string>, Record<string, string>, number, string]> = [
      [{ client_id: 'nobody' }, {}, 401, 'invalid_client'],
      [{ client_id: 'web' }, {}, 400, 'unauthorized_client'],
      [{ client_id: 'tv' }, {}, 401, 'invalid_client'],
      [{ client_id: 'tv', client_secret: 'wrong' }, {}, 401, 'invalid_client'],
      [{ scope: 'admin' }, { authorization: `Basic ${Buffer.from('tv:tv-secret').toString('base64')}` }, 400, 'invalid_scope'],
      [
        { resource: 'https://elsewhere.example/' },
        { authorization: `Basic ${Buffer.from('tv:tv-secret').toString('base64')}` },
        400,
        'invalid_target',
      ],
    ];
    for (const [params, headers, status, error] of cases) {
      const res = await post(sandbox.endpoints.deviceAuthorizationUrl, params, headers);
      expect([status, ((await res.json()) as { error: string }).error]).toEqual([status, error]);
    }
    const ok = await post(
      sandbox.endpoints.deviceAuthorizationUrl,
      { scope: 'tweet.read' },
      { authorization: `Basic ${Buffer.from('tv:tv-secret').toString('base64')}` },
    );
    expect(ok.status).toBe(200);
  });
});

describe('sandbox: device code polling (RFC 8628 3.4-3.5)', () => {
  it('answers authorization_pending, slow_down when polled early (the interval then grows by 5 s), and counts polls', async () => {
    const auth = await authorizeDevice();
    expect((await poll(auth.device_code)).body.error).toBe('authorization_pending');
    clock.now += 4_999;
    const early = await poll(auth.device_code);
    expect([early.status, early.body.error]).toEqual([400, 'slow_down']);
    clock.now += 9_999; // the interval is now 10 s
    expect((await poll(auth.device_code)).body.error).toBe('slow_down');
    clock.now += 15_000; // and now 15 s
    expect((await poll(auth.device_code)).body.error).toBe('authorization_pending');
    clock.now += 15_000;
    expect((await poll(auth.device_code)).body.error).toBe('authorization_pending');
    expect(sandbox.stats.devicePolls).toBe(5);
    expect(sandbox.stats.deviceSlowDowns).toBe(2);
  });

  it('issues tokens once after approval on the page; the token reads the timeline, refreshes and is revoked', async () => {
    const auth = await authorizeDevice();
    const decision = await decideOnAuthorizePage(auth.verification_uri_complete, 'approve');
    expect(decision.status).toBe(200);
    expect(decision.html).toContain('<h1>Device connected</h1>');
    const tokens = await poll(auth.device_code);
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({
      token_type: 'bearer',
      expires_in: 7200,
      scope: 'tweet.read users.read offline.access',
      refresh_token: expect.any(String),
    });
    expect((await timeline(tokens.body.access_token as string)).status).toBe(200);
    const again = await poll(auth.device_code);
    expect([again.status, again.body.error]).toEqual([400, 'invalid_grant']);
    const refreshed = await post(sandbox.endpoints.tokenUrl, {
      grant_type: 'refresh_token',
      refresh_token: tokens.body.refresh_token as string,
      client_id: DEVICE_CLIENT,
    });
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as { access_token: string; refresh_token: string };
    expect(next.refresh_token).not.toBe(tokens.body.refresh_token);
    expect((await post(sandbox.endpoints.revocationUrl, { token: next.refresh_token, client_id: DEVICE_CLIENT })).status).toBe(200);
    expect((await timeline(next.access_token)).status).toBe(401);
  });

  it('issues no refresh token without offline.access, and an ID token for openid', async () => {
    const auth = await authorizeDevice('openid tweet.read');
    await decideOnAuthorizePage(auth.verification_uri_complete, 'approve');
    const tokens = await poll(auth.device_code);
    expect(tokens.status).toBe(200);
    expect(tokens.body).not.toHaveProperty('refresh_token');
    const claims = JSON.parse(Buffer.from((tokens.body.id_token as string).split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims).toMatchObject({ iss: sandbox.endpoints.issuer, aud: DEVICE_CLIENT, sub: DEMO_CREDENTIALS.user.userId });
  });

  it('answers access_denied after Deny, expired_token after expires_in, and invalid_grant to another client', async () => {
    const denied = await authorizeDevice();
    const page = await decideOnAuthorizePage(denied.verification_uri_complete, 'deny');
    expect(page.html).toContain('<h1>Device not connected</h1>');
    expect((await poll(denied.device_code)).body.error).toBe('access_denied');

    const other = await authorizeDevice();
    expect((await poll(other.device_code, DEMO_CREDENTIALS.oauth2.clientId as string)).body.error).toBe('invalid_grant');
    clock.now += 600_000;
    expect((await poll(other.device_code)).body.error).toBe('expired_token');
    const late = await fetch(other.verification_uri_complete);
    expect(late.status).toBe(400);
    expect(await late.text()).toContain('That code expired');
  });

  it('honours the deviceIntervalSeconds and deviceCodeTtlSeconds options', async () => {
    await sandbox.restart({ deviceIntervalSeconds: 0, deviceCodeTtlSeconds: 30 });
    const auth = await authorizeDevice();
    expect([auth.interval, auth.expires_in]).toEqual([0, 30]);
    for (let i = 0; i < 3; i++) expect((await poll(auth.device_code)).body.error).toBe('authorization_pending');
    await expect(startSandbox({ deviceIntervalSeconds: 1.5 })).rejects.toThrow(
      'deviceIntervalSeconds must be a whole number of seconds >= 0',
    );
  });
});

describe('sandbox: device verification page (RFC 8628 3.3)', () => {
  it('asks for the code on an accessible page in the shared layout', async () => {
    const res = await fetch(sandbox.endpoints.deviceVerificationUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<title>Connect a device - tokensmith sandbox</title>');
    expect(html.match(/<h1>/g)).toHaveLength(1);
    expect(html).toContain('<label for="user_code">Code</label>');
    expect(html).toMatch(/<input id="user_code" name="user_code"/);
    expect(html).toMatch(/<button class="primary" type="submit">Continue<\/button>/);
    expect(html).not.toMatch(/\s(src|href)=/);
  });

  it('takes the code case-insensitively with or without the dash, and shows it with the app, scopes and demo login hint', async () => {
    const auth = await authorizeDevice();
    for (const typed of [
      auth.user_code,
      auth.user_code.toLowerCase(),
      auth.user_code.replace('-', ''),
      ` ${auth.user_code.toLowerCase().replace('-', ' ')} `,
    ]) {
      const res = await fetch(`${sandbox.endpoints.deviceVerificationUrl}?user_code=${encodeURIComponent(typed)}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain(`<p class="user-code" id="user-code">${auth.user_code}</p>`);
      expect(html).toContain('<h1>Connect tokensmith demo device to your account?</h1>');
      expect(html).toContain('<code>offline.access</code>');
      expect(html).toContain('Demo login: username twitterapi, password sandbox-password');
      expect(html).toMatch(/<button[^>]*value="approve">Approve<\/button>/);
    }
    expect(normalizeUserCode('wdjb-mjht')).toBe('WDJBMJHT');
    expect(normalizeUserCode('WDJB-MJH0')).toBeUndefined();
  });

  it('refuses a wrong code (400, alert, the typed value kept) and a wrong password (401), then approves', async () => {
    const auth = await authorizeDevice();
    const wrongCode = await fetch(`${sandbox.endpoints.deviceVerificationUrl}?user_code=BBBB-BBBB`);
    expect(wrongCode.status).toBe(400);
    const wrongHtml = await wrongCode.text();
    expect(wrongHtml).toContain('<p role="alert" id="form-error">That code is not valid.');
    expect(wrongHtml).toContain('value="BBBB-BBBB"');
    const wrongPassword = await decideOnAuthorizePage(auth.verification_uri_complete, 'approve', {
      username: 'twitterapi',
      password: 'nope',
    });
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.html).toContain('Wrong username or password');
    expect((await poll(auth.device_code)).body.error).toBe('authorization_pending');
    expect((await decideOnAuthorizePage(auth.verification_uri_complete, 'approve')).status).toBe(200);
    const reused = await fetch(auth.verification_uri_complete);
    expect(reused.status).toBe(400);
    expect(await reused.text()).toContain('already used');
  });

  it('pauses the page for a minute after MAX_WRONG_USER_CODES wrong codes in a row (RFC 8628 5.1)', async () => {
    const auth = await authorizeDevice();
    for (let i = 0; i < MAX_WRONG_USER_CODES; i++)
      expect((await fetch(`${sandbox.endpoints.deviceVerificationUrl}?user_code=BBBB-BBBB`)).status).toBe(400);
    const locked = await fetch(auth.verification_uri_complete);
    expect(locked.status).toBe(429);
    expect(await locked.text()).toContain('Too many wrong codes');
    clock.now += 60_000;
    expect((await fetch(auth.verification_uri_complete)).status).toBe(200);
  });

  it('refuses a decision without the form token of the page it came from (CSRF)', async () => {
    const auth = await authorizeDevice();
    const forged = await post(sandbox.endpoints.deviceVerificationUrl, {
      user_code: auth.user_code,
      action: 'approve',
      username: 'twitterapi',
      password: DEMO_CREDENTIALS.user.password,
    });
    expect(forged.status).toBe(400);
    expect((await poll(auth.device_code)).body.error).toBe('authorization_pending');
  });
});

describe('sandbox: device page against other sites and other guessers (RFC 8628 5.1, 5.4)', () => {
  const wrong = (headers: Record<string, string> = {}) =>
    fetch(`${sandbox.endpoints.deviceVerificationUrl}?user_code=BBBB-BBBB`, { headers });
  /** A browser session: the cookie the device page hands out. */
  async function browserSession(): Promise<Record<string, string>> {
    const entry = await fetch(sandbox.endpoints.deviceVerificationUrl, { headers: { 'sec-fetch-site': 'none' } });
    const cookie = entry.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^sandbox_device=[\w-]+; HttpOnly; SameSite=Strict; Path=\/device$/);
    return { cookie: cookie.split(';')[0]!, 'sec-fetch-site': 'same-origin' };
  }

  it('ten cross-site guesses are neither looked up nor counted: the person still approves', async () => {
    const auth = await authorizeDevice();
    for (let i = 0; i < MAX_WRONG_USER_CODES * 2; i++) {
      const res = await wrong({ 'sec-fetch-site': 'cross-site' });
      expect(res.status).toBe(200);
      expect(await res.text()).not.toContain('That code is not valid');
    }
    // A forged consent post from another site is refused before any handler runs.
    const forged = await post(sandbox.endpoints.deviceVerificationUrl, { user_code: 'BBBB-BBBB' }, { origin: 'https://evil.example' });
    expect(forged.status).toBe(403);
    expect(
      (await post(sandbox.endpoints.deviceVerificationUrl, { user_code: 'BBBB-BBBB' }, { 'sec-fetch-site': 'same-site' })).status,
    ).toBe(403);
    expect((await fetch(auth.verification_uri_complete, { headers: { 'sec-fetch-site': 'none' } })).status).toBe(200);
  });

  it('counts wrong codes per browser session: one guesser locks out itself, not the person', async () => {
    const auth = await authorizeDevice();
    const attacker = await browserSession();
    for (let i = 0; i < MAX_WRONG_USER_CODES; i++) expect((await wrong(attacker)).status).toBe(400);
    expect((await fetch(auth.verification_uri_complete, { headers: attacker })).status).toBe(429);
    const person = await browserSession();
    expect((await fetch(auth.verification_uri_complete, { headers: person })).status).toBe(200);
    // A visitor without a session (a program, a first visit) is not locked by the attacker either.
    expect((await fetch(auth.verification_uri_complete)).status).toBe(200);
    expect((await decideOnAuthorizePage(auth.verification_uri_complete, 'approve')).status).toBe(200);
  });

  it('answers only to its own loopback host and port (DNS rebinding)', async () => {
    const url = new URL(sandbox.endpoints.deviceVerificationUrl);
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        request(url, { headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        })
          .on('error', reject)
          .end();
      });
    expect(await status(`evil.example:${url.port}`)).toBe(421);
    expect(await status(`127.0.0.1:${Number(url.port) + 1}`)).toBe(421);
    expect(await status(url.host)).toBe(200);
    expect(await status(`localhost:${url.port}`)).toBe(200);
  });
});

describe('sandbox: device grant faults and isolation', () => {
  it('injects faults on the device authorization endpoint and on polling', async () => {
    sandbox.faults.add({ path: '/oauth2/device_authorization', fault: { type: 'status', status: 503 } });
    expect((await post(sandbox.endpoints.deviceAuthorizationUrl, { client_id: DEVICE_CLIENT })).status).toBe(503);
    const auth = await authorizeDevice();
    sandbox.faults.add({ path: '/oauth2/token', fault: { type: 'rate-limit' } });
    expect((await poll(auth.device_code)).status).toBe(429);
    expect((await poll(auth.device_code)).body.error).toBe('authorization_pending');
    expect(sandbox.faults.served).toBe(2);
  });

  it('keeps two sandboxes of one process apart', async () => {
    const other = await sandbox.another();
    const auth = await authorizeDevice();
    const foreign = await post(other.endpoints.tokenUrl, {
      grant_type: DEVICE_CODE_GRANT_TYPE,
      device_code: auth.device_code,
      client_id: DEVICE_CLIENT,
    });
    expect(((await foreign.json()) as { error: string }).error).toBe('invalid_grant');
    other.faults.add({ path: '/oauth2/device_authorization', fault: { type: 'status', status: 500 } });
    expect((await post(sandbox.endpoints.deviceAuthorizationUrl, { client_id: DEVICE_CLIENT })).status).toBe(200);
    expect(other.stats.devicePolls).toBe(1);
    expect(sandbox.stats.devicePolls).toBe(0);
  });
});
