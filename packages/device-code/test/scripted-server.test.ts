// The RFC 8628 arithmetic and client authentication against a tiny scripted server on a real socket:
// every answer is chosen by the test, every request is recorded with the fake clock's time.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryStore } from '@tokensmith/core/kit';
import { createDeviceCodeProvider, type DeviceCodeOptions } from '../src/index.js';

interface Recorded {
  path: string;
  at: number;
  body: URLSearchParams;
  authorization: string | undefined;
}

let server: Server;
let base: string;
let clock: number;
let recorded: Recorded[];
/** Answers of the token endpoint, in order; the last one repeats. */
let tokenAnswers: Array<{ status: number; body: unknown; headers?: Record<string, string> }>;

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

beforeEach(async () => {
  clock = 1_000_000;
  recorded = [];
  tokenAnswers = [];
  server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      recorded.push({ path, at: clock, body: new URLSearchParams(text), authorization: req.headers.authorization });
      const answer =
        path === '/device'
          ? {
              status: 200,
              body: {
                device_code: 'DEVICE-SECRET-1',
                user_code: 'WDJB-MJHT',
                verification_uri: `${base}/activate`,
                expires_in: 120,
                interval: 5,
              },
            }
          : tokenAnswers.length > 1
            ? tokenAnswers.shift()!
            : tokenAnswers[0]!;
      const headers = 'headers' in answer ? answer.headers : {};
      res.writeHead(answer.status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const pending = { status: 400, body: { error: 'authorization_pending' } };
const slowDown = { status: 400, body: { error: 'slow_down' } };
const tokens = { status: 200, body: { access_token: 'AT-1', token_type: 'Bearer', expires_in: 3600, refresh_token: 'RT-1' } };

function provider(overrides: Partial<DeviceCodeOptions> = {}) {
  return createDeviceCodeProvider({
    deviceAuthorizationUrl: `${base}/device`,
    tokenUrl: `${base}/token`,
    clientId: 'tv-app',
    store: new MemoryStore(),
    now: () => clock,
    sleep: async (ms) => void (clock += ms),
    onCode: () => undefined,
    ...overrides,
  });
}

const polls = () => recorded.filter((r) => r.path === '/token');
const gaps = () => polls().map((r, i, all) => r.at - (i === 0 ? recorded[0]!.at : all[i - 1]!.at));

describe('device-code polling against a scripted server (RFC 8628 3.4, 3.5)', () => {
  it('adds 5 s on each slow_down for every later poll, keeps the interval on authorization_pending', async () => {
    tokenAnswers = [pending, slowDown, pending, slowDown, pending, tokens];
    const token = await provider().login();
    expect(token).toMatchObject({ accessToken: 'AT-1', refreshToken: 'RT-1' });
    // Each wait is the interval plus the 1 s drift margin.
    expect(gaps()).toEqual([6_000, 6_000, 11_000, 11_000, 16_000, 16_000]);
    expect(
      polls().every(
        (r) =>
          r.body.get('grant_type') === 'urn:ietf:params:oauth:grant-type:device_code' && r.body.get('device_code') === 'DEVICE-SECRET-1',
      ),
    ).toBe(true);
  });

  it('stops at the local expiry without sending a poll it knows is too late', async () => {
    tokenAnswers = [pending];
    await expect(provider().login()).rejects.toMatchObject({
      code: 'device_code_expired',
      operation: 'device_token',
      endpoint: `${base}/token`,
    });
    // expires_in 120 at 5 s + 1 s margin: polls at 6 ... 114 s.
    expect(polls()).toHaveLength(19);
    expect(Math.max(...polls().map((r) => r.at))).toBeLessThan(1_000_000 + 120_000);
  });

  it.each([
    ['access_denied', 'authorization_denied'],
    ['expired_token', 'device_code_expired'],
    ['invalid_grant', 'login_required'],
    ['invalid_client', 'oauth_response'],
  ])('ends on %s with %s, without another poll', async (error, code) => {
    tokenAnswers = [pending, { status: 400, body: { error } }];
    await expect(provider().login()).rejects.toMatchObject({
      code,
      operation: 'device_token',
      endpoint: `${base}/token`,
      status: 400,
      error,
    });
    expect(polls()).toHaveLength(2);
  });

  it('waits out a 5xx or 429 like a connection timeout (interval doubled), then goes on polling to approval', async () => {
    const busy = { status: 503, body: { error: 'temporarily_unavailable' } };
    tokenAnswers = [pending, busy, { status: 429, body: 'Too Many Requests' }, pending, tokens];
    const token = await provider().login();
    expect(token).toMatchObject({ accessToken: 'AT-1' });
    // 5 s, then doubled after the 503 and again after the 429 (RFC 8628 3.5), each + the 1 s margin.
    expect(gaps()).toEqual([6_000, 6_000, 11_000, 21_000, 21_000]);
  });

  it("honours a busy server's Retry-After (seconds or HTTP date), capped at a minute and by the code's expiry", async () => {
    const start = 1_000_000;
    tokenAnswers = [
      pending, // at +6 s
      { status: 503, body: {}, headers: { 'retry-after': '30' } }, // at +12 s: 30 s > the doubled 10 s interval
      { status: 429, body: {}, headers: { 'retry-after': new Date(start + 43_000 + 45_000).toUTCString() } }, // at +43 s: 45 s by date
      { status: 503, body: {}, headers: { 'retry-after': '86400' } }, // at +89 s: capped at 60 s, which passes the expiry
      tokens,
    ];
    await expect(provider().login()).rejects.toMatchObject({ code: 'device_code_expired' });
    expect(gaps()).toEqual([6_000, 6_000, 31_000, 46_000]);
    expect(polls().every((r) => r.at < start + 120_000)).toBe(true);
  });

  it('ends a login whose server stays busy at the local expiry, with device_code_expired', async () => {
    tokenAnswers = [{ status: 500, body: 'Internal Server Error' }];
    await expect(provider().login()).rejects.toMatchObject({ code: 'device_code_expired' });
    // 6 s, then 11, 21, 41 s: polls at 6, 17, 38, 79 s; the next (160 s) is past the 120 s expiry.
    expect(gaps()).toEqual([6_000, 11_000, 21_000, 41_000]);
  });

  it('names the device authorization step and its endpoint when the device authorization request is refused', async () => {
    server.removeAllListeners('request');
    server.on('request', (_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_client' }));
    });
    await expect(provider().login()).rejects.toMatchObject({
      code: 'oauth_response',
      operation: 'device_authorization',
      endpoint: `${base}/device`,
      status: 400,
      error: 'invalid_client',
    });
  });

  it('names the device authorization step when the device authorization endpoint is not listening', async () => {
    const closed = `${base.replace(/:\d+$/, ':9')}/device`;
    await expect(provider({ deviceAuthorizationUrl: closed }).login()).rejects.toMatchObject({
      code: 'network_error',
      operation: 'device_authorization',
      endpoint: closed,
    });
  });

  it('authenticates a confidential client with HTTP Basic (default), client_secret_post, and a public client with client_id only', async () => {
    tokenAnswers = [tokens];
    await provider({ clientSecret: 's3cr:et' }).login();
    // RFC 6749 2.3.1: each part form-urlencoded, then base64; the server decodes them back.
    const basic = recorded.map((r) => {
      const [id, secret] = Buffer.from(r.authorization!.replace(/^Basic /, ''), 'base64')
        .toString()
        .split(':');
      return [decodeURIComponent(id!), decodeURIComponent(secret!)];
    });
    expect(basic).toEqual([
      ['tv-app', 's3cr:et'],
      ['tv-app', 's3cr:et'],
    ]);
    expect(recorded.every((r) => !r.body.has('client_secret'))).toBe(true);

    recorded = [];
    await provider({ clientSecret: 's3cr:et', authMethod: 'post' }).login();
    expect(recorded.map((r) => [r.authorization, r.body.get('client_id'), r.body.get('client_secret')])).toEqual([
      [undefined, 'tv-app', 's3cr:et'],
      [undefined, 'tv-app', 's3cr:et'],
    ]);

    recorded = [];
    await provider({ scopes: ['read', 'write'], authorizationParams: { audience: 'https://api.example' } }).login();
    expect(recorded[0]!.authorization).toBeUndefined();
    expect(Object.fromEntries(recorded[0]!.body)).toEqual({ client_id: 'tv-app', scope: 'read write', audience: 'https://api.example' });
  });

  it('refuses a user code or verification URI that is not printable text, without echoing it', async () => {
    server.removeAllListeners('request');
    server.on('request', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          device_code: 'DEVICE-SECRET-2',
          user_code: 'AB\u001b]52;c;aGk=\u0007',
          verification_uri: `${base}/activate`,
          expires_in: 60,
        }),
      );
    });
    const error = (await provider()
      .login()
      .catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({
      code: 'invalid_token_response',
      message: expect.stringContaining('user_code'),
      operation: 'device_authorization',
      endpoint: `${base}/device`,
    });
    expect(error.message).not.toContain('\u001b');
    expect(error.message).not.toContain('DEVICE-SECRET-2');
  });
});

describe('device-code verification pages (RFC 8628 5.4: the page shown is the page opened)', () => {
  function answerDeviceAuthorization(fields: Record<string, string>) {
    server.removeAllListeners('request');
    server.on('request', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ device_code: 'DEVICE-SECRET-3', user_code: 'WDJB-MJHT', expires_in: 60, ...fields }));
    });
  }
  async function codeShown(fields: Record<string, string>) {
    answerDeviceAuthorization(fields);
    let shown: unknown;
    const error = (await provider({
      onCode: (info) => {
        shown = info;
        throw new Error('stop after the code');
      },
    })
      .login()
      .catch((e: unknown) => e)) as Error;
    return { shown, error };
  }

  it('refuses plain http off loopback, where a password would be typed in clear (insecure_endpoint)', async () => {
    const { shown, error } = await codeShown({ verification_uri: 'http://evil.example/device' });
    expect(shown).toBeUndefined();
    expect(error).toMatchObject({
      code: 'insecure_endpoint',
      message: expect.stringContaining('plain http:// off loopback (evil.example)'),
    });
    expect(error.message).not.toContain('DEVICE-SECRET-3');
  });

  it('refuses a verification_uri with a user name that disguises its host', async () => {
    const { shown, error } = await codeShown({ verification_uri: 'https://github.com@evil.example/login/device' });
    expect(shown).toBeUndefined();
    expect(error).toMatchObject({ code: 'invalid_token_response', message: expect.stringContaining('(evil.example)') });
  });

  it('sets aside a verification_uri_complete on another origin (or with userinfo), saying why', async () => {
    const offOrigin = await codeShown({
      verification_uri: 'https://github.com/login/device',
      verification_uri_complete: 'https://evil.example/login/device?user_code=WDJB-MJHT',
    });
    expect(offOrigin.shown).toEqual({
      userCode: 'WDJB-MJHT',
      verificationUri: 'https://github.com/login/device',
      verificationUriCompleteIgnored: 'it is on https://evil.example, not on https://github.com like verification_uri',
      expiresAt: expect.any(Number),
      interval: 5,
    });
    const withUser = await codeShown({
      verification_uri: 'https://github.com/login/device',
      verification_uri_complete: 'https://x@github.com/login/device?user_code=WDJB-MJHT',
    });
    expect(withUser.shown).toMatchObject({ verificationUriCompleteIgnored: 'it has a user name before its host' });
    expect(withUser.shown).not.toHaveProperty('verificationUriComplete');
    const sameOrigin = await codeShown({
      verification_uri: 'https://github.com/login/device',
      verification_uri_complete: 'https://github.com/login/device?user_code=WDJB-MJHT',
    });
    expect(sameOrigin.shown).toMatchObject({ verificationUriComplete: 'https://github.com/login/device?user_code=WDJB-MJHT' });
    expect(sameOrigin.shown).not.toHaveProperty('verificationUriCompleteIgnored');
  });
});

describe('device-code options', () => {
  it('names bad options and refuses parameters the flow owns', () => {
    const base = { deviceAuthorizationUrl: 'https://auth.example/device', tokenUrl: 'https://auth.example/token', clientId: 'cli' };
    expect(() => createDeviceCodeProvider({ ...base, deviceAuthorizationUrl: undefined })).toThrow(
      'deviceAuthorizationUrl and tokenUrl are required unless issuer is given',
    );
    expect(() => createDeviceCodeProvider({ ...base, authorizationParams: { scope: 'x' } })).toThrow(
      'authorizationParams.scope is set by the flow itself',
    );
    expect(() => createDeviceCodeProvider({ ...base, authorizationParams: { client_id: 'x' } })).toThrow('authorizationParams.client_id');
    expect(() => createDeviceCodeProvider({ ...base, authMethod: 'post' })).toThrow("authMethod 'post' needs clientSecret");
    expect(() => createDeviceCodeProvider({ ...base, clientSecret: 'hunter2', authMethod: 'none' })).toThrow(
      "authMethod 'none' is for public clients",
    );
    expect(() => createDeviceCodeProvider({ ...base, deviceAuthorizationUrl: 'http://auth.example/device' })).toThrow(
      /deviceAuthorizationUrl/,
    );
    expect(() => createDeviceCodeProvider({ ...base, refreshSkewSeconds: -1 })).toThrow('refreshSkewSeconds');
    expect(() => createDeviceCodeProvider({ ...base, clientSecret: 'hunter2\n' })).toThrow('clientSecret must be printable ASCII');
    try {
      createDeviceCodeProvider({ ...base, clientSecret: 'hunter2\n' });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});
