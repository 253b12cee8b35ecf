import { inspect } from 'node:util';
import {
  MemoryStore,
  OAuthResponseError,
  TokensmithError,
  createAuthenticatedFetch,
  tokenKey,
  type OAuth1Credentials,
} from '@tokensmith/core/kit';
import { startSandbox, verifyOAuth1Signature, type Sandbox } from '@tokensmith/sandbox';
import { createOAuth1PinProvider, exchangePin, requestToken, signOAuth1Request, type OAuth1PinProviderOptions } from '../src/index.js';
import { approveAndReadPin as approve, decideOnAuthorizePage as decide } from '@tokensmith/sandbox';
import { rejection, sandboxClient } from './helpers.js';

// Known values, so the tests can prove none of them leaks into a message or inspect() output.
const CONSUMER = { consumerKey: 'known-consumer-key', consumerSecret: 'KNOWN-CONSUMER-SECRET-9f8e7d', name: 'Known test app' };
const START = Date.UTC(2026, 10, 23, 12, 0, 0);

let clock = START;
let sandbox: Sandbox;
let store: MemoryStore;

beforeEach(async () => {
  clock = START;
  store = new MemoryStore();
  sandbox = await startSandbox({ now: () => clock, consumers: [{ ...CONSUMER }] });
});
afterEach(async () => {
  await sandbox.stop();
});

const client = () => sandboxClient(sandbox, CONSUMER, () => clock);

function provider(overrides: Partial<OAuth1PinProviderOptions> = {}) {
  return createOAuth1PinProvider({ ...client(), promptPin: ({ authorizeUrl }) => approve(authorizeUrl), store, ...overrides });
}

const storedKey = () =>
  tokenKey({
    strategy: 'oauth1-pin',
    endpoints: [sandbox.endpoints.requestTokenUrl, sandbox.endpoints.accessTokenUrl],
    clientId: CONSUMER.consumerKey,
    secret: CONSUMER.consumerSecret,
  });

/** Asserts that none of `secrets` appears in the error's message or in its full inspect() output (cause included). */
function expectNoSecrets(subject: unknown, secrets: Array<string | undefined>): void {
  const text = `${subject instanceof Error ? subject.message : ''}\n${inspect(subject, { depth: 10 })}\n${JSON.stringify(subject) ?? ''}`;
  for (const secret of secrets) {
    expect(secret).toBeTruthy();
    expect(text).not.toContain(secret);
  }
}

describe('the PIN flow against the sandbox', () => {
  it('logs in once through promptPin, stores the credentials, reuses them and signs a timeline call', async () => {
    const progress: string[] = [];
    const opened: string[] = [];
    const prompts: string[] = [];
    let pin = '';
    const p = provider({
      onProgress: (message) => progress.push(message),
      openBrowser: (url) => void opened.push(url),
      promptPin: async ({ authorizeUrl }) => {
        prompts.push(authorizeUrl);
        pin = await approve(authorizeUrl);
        return ` ${pin}\n`; // what a terminal hands back
      },
    });
    expect(p.strategy).toBe('oauth1-pin');

    const credentials = await p.getToken();
    expect(credentials).toEqual({
      type: 'oauth1',
      token: expect.stringMatching(/^6253282-/),
      tokenSecret: expect.any(String),
      extra: { user_id: '6253282', screen_name: 'twitterapi' },
    });
    expect(prompts).toHaveLength(1);
    expect(prompts[0]).toMatch(new RegExp(`^${sandbox.endpoints.authorizeUrl}\\?oauth_token=[\\w-]+$`));
    expect(opened).toEqual(prompts);
    expect(pin).toMatch(/^\d{7}$/);
    expect(await store.get(storedKey())).toEqual(credentials);
    expect(await p.peek()).toEqual(credentials);

    // Reused: no second flow, no more requests.
    expect(await p.getToken()).toEqual(credentials);
    expect(prompts).toHaveLength(1);
    expect(sandbox.stats.requestTokenRequests).toBe(1);
    expect(sandbox.stats.accessTokenRequests).toBe(1);

    const api = createAuthenticatedFetch(p);
    const own = await api(`${sandbox.endpoints.timelineUrl}?count=2`);
    expect(own.status).toBe(200);
    const tweets = (await own.json()) as Array<{ user: { screen_name: string } }>;
    expect(tweets).toHaveLength(2);
    expect(tweets.every((t) => t.user.screen_name === 'twitterapi')).toBe(true);
    const other = await api(`${sandbox.endpoints.timelineUrl}?screen_name=cafe_dev`);
    expect(other.status).toBe(200);
    expect(sandbox.stats.rejected).toBe(0);

    expect(progress.length).toBeGreaterThan(2);
    expectNoSecrets(progress.join('\n'), [
      CONSUMER.consumerSecret,
      credentials.token,
      credentials.tokenSecret,
      pin,
      prompts[0]!.split('=')[1],
    ]);
  });

  it('login() forces a new flow, logout() forgets, and a failed login keeps the previous credentials', async () => {
    let prompts = 0;
    let cancel = false;
    const p = provider({
      promptPin: async ({ authorizeUrl }) => {
        prompts++;
        return cancel ? '' : approve(authorizeUrl);
      },
    });
    const first = await p.login();
    const second = await p.login();
    expect(prompts).toBe(2);
    expect(second.token).not.toBe(first.token);
    expect(await p.getToken()).toEqual(second);
    expect(await store.get(storedKey())).toEqual(second);

    cancel = true;
    const failed = await rejection(p.login());
    expect(failed.code).toBe('authorization_denied');
    expect(await p.peek()).toEqual(second);
    expect(await p.getToken()).toEqual(second);
    expect(prompts).toBe(3);

    await p.logout();
    expect(await p.peek()).toBeUndefined();
    expect(await store.get(storedKey())).toBeUndefined();
    cancel = false;
    const third = await p.getToken();
    expect(prompts).toBe(4);
    expect(third.token).not.toBe(second.token);
  });

  it('runs the flow once for concurrent callers', async () => {
    let prompts = 0;
    const p = provider({ promptPin: async ({ authorizeUrl }) => (prompts++, approve(authorizeUrl)) });
    const all = await Promise.all([p.getToken(), p.getToken(), p.authorize({ method: 'GET', url: sandbox.endpoints.timelineUrl })]);
    expect(prompts).toBe(1);
    expect(all[0]).toEqual(all[1]);
    expect(sandbox.stats.requestTokenRequests).toBe(1);
  });

  it('exposes the two steps with serialisable state', async () => {
    const state = await requestToken(client());
    expect(Object.keys(state).sort()).toEqual(['authorizeUrl', 'oauthToken', 'oauthTokenSecret']);
    const pin = await approve(state.authorizeUrl);
    const credentials = await exchangePin(JSON.parse(JSON.stringify(state)) as typeof state, pin, client());
    expect(credentials.extra).toEqual({ user_id: '6253282', screen_name: 'twitterapi' });
  });

  it('signs with a fresh node:crypto nonce per request and the injected clock in seconds', async () => {
    const p = provider();
    await p.getToken();
    clock += 1_999;
    const headers = await Promise.all([1, 2, 3].map(() => p.authorize({ method: 'GET', url: sandbox.endpoints.timelineUrl })));
    const nonces = headers.map((h) => /oauth_nonce="([^"]+)"/.exec(h.authorization!)?.[1]);
    expect(new Set(nonces).size).toBe(3);
    for (const nonce of nonces) expect(nonce).toMatch(/^[0-9a-f]{32}$/);
    for (const h of headers) expect(h.authorization).toContain(`oauth_timestamp="${Math.floor((START + 1_999) / 1000)}"`);
  });
});

describe("parameters with !*'() + % space & = and café ☕ sign and verify against the real sandbox", () => {
  const VALUE = "!*'() + % = & café ☕";

  it('in the query of a signed timeline GET (however the query is encoded)', async () => {
    const p = provider();
    const api = createAuthenticatedFetch(p);
    const formEncoded = new URLSearchParams({ screen_name: 'twitterapi', note: VALUE, [VALUE]: VALUE }).toString();
    const percentEncoded = `screen_name=twitterapi&note=${encodeURIComponent(VALUE)}&note=${encodeURIComponent('a+b')}&c%40=`;
    for (const query of [formEncoded, percentEncoded]) {
      const res = await api(`${sandbox.endpoints.timelineUrl}?${query}`);
      expect(res.status).toBe(200);
    }
    expect(sandbox.stats.rejected).toBe(0);
  });

  it('in a form body (and the query) of a signed POST, and a changed body is rejected', async () => {
    const url = `${sandbox.endpoints.requestTokenUrl}?q=${encodeURIComponent(VALUE)}`;
    const send = (signedBody: URLSearchParams | string | Record<string, string>, sentBody: string, nonce: string) => {
      const { authorization } = signOAuth1Request({
        ...CONSUMER,
        method: 'POST',
        url,
        body: signedBody,
        callback: 'oob',
        nonce,
        timestamp: Math.floor(clock / 1000),
      });
      return fetch(url, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body: sentBody,
      });
    };
    const params = new URLSearchParams([
      ['note', VALUE],
      [VALUE, 'key too'],
      ['note', 'twice'],
      ['empty', ''],
    ]);
    const asUrlSearchParams = await send(params, params.toString(), 'n1');
    expect(asUrlSearchParams.status).toBe(200);
    expect(new URLSearchParams(await asUrlSearchParams.text()).get('oauth_callback_confirmed')).toBe('true');

    const percentBody = `note=${encodeURIComponent(VALUE)}&x%40y=${encodeURIComponent('+')}`;
    expect((await send(percentBody, percentBody, 'n2')).status).toBe(200);
    expect((await send({ note: VALUE }, new URLSearchParams({ note: VALUE }).toString(), 'n3')).status).toBe(200);

    const tampered = await send({ note: VALUE }, new URLSearchParams({ note: `${VALUE}!` }).toString(), 'n4');
    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toEqual({ errors: [{ code: 32, message: 'Could not authenticate you.' }] });
  });
});

describe('provider.authorize() covers query and form body, as the sandbox verifier checks them', () => {
  it("signs a POST with !*'() + % = & café ☕ in query and body; a changed body or query fails verification", async () => {
    const VALUE = "!*'() + % = & café ☕";
    const p = provider();
    const credentials = await p.getToken();
    const url = `${sandbox.endpoints.timelineUrl}?q=${encodeURIComponent(VALUE)}&q=2`;
    const body = new URLSearchParams([
      ['note', VALUE],
      [VALUE, ''],
    ]);
    const { authorization } = await p.authorize({ method: 'POST', url, body });
    const check = (formBody: string, at = url) =>
      verifyOAuth1Signature({
        method: 'POST',
        url: at,
        formBody,
        authorization,
        consumerSecret: CONSUMER.consumerSecret,
        tokenSecret: credentials.tokenSecret,
      });
    expect(check(body.toString())).toBe(true);
    expect(check(`note=${encodeURIComponent(VALUE)}&${encodeURIComponent(VALUE)}=`)).toBe(true);
    expect(check(body.toString().replace('note', 'nota'))).toBe(false);
    expect(check(body.toString(), url.replace('&q=2', ''))).toBe(false);
    const asRecord = await p.authorize({ method: 'POST', url: sandbox.endpoints.timelineUrl, body: { note: VALUE } });
    expect(
      verifyOAuth1Signature({
        method: 'POST',
        url: sandbox.endpoints.timelineUrl,
        formBody: `note=${encodeURIComponent(VALUE)}`,
        authorization: asRecord.authorization,
        consumerSecret: CONSUMER.consumerSecret,
        tokenSecret: credentials.tokenSecret,
      }),
    ).toBe(true);
  });
});

describe('failures give a clear error and store nothing', () => {
  it('a wrong PIN: OAuthResponseError verifier_invalid, and the request token is burnt', async () => {
    let pin = '';
    const p = provider({
      promptPin: async ({ authorizeUrl }) => {
        pin = await approve(authorizeUrl);
        return String((Number(pin) + 1) % 10_000_000).padStart(7, '0');
      },
    });
    const error = await rejection(p.getToken());
    expect(error).toBeInstanceOf(OAuthResponseError);
    expect(error).toMatchObject({
      code: 'oauth_response',
      status: 401,
      error: 'verifier_invalid',
      operation: 'access_token',
      endpoint: sandbox.endpoints.accessTokenUrl,
    });
    expect(error.message).toMatch(/\(access token request\) failed with HTTP 401 verifier_invalid: The PIN is wrong/);
    expect(await p.peek()).toBeUndefined();
    expect(await store.get(storedKey())).toBeUndefined();
    expectNoSecrets(error, [CONSUMER.consumerSecret, pin]);

    // The right PIN after a wrong one is too late: the request token was single use.
    const state = await requestToken(client());
    const right = await approve(state.authorizeUrl);
    await expect(exchangePin(state, '0000000' === right ? '0000001' : '0000000', client())).rejects.toMatchObject({
      error: 'verifier_invalid',
    });
    await expect(exchangePin(state, right, client())).rejects.toMatchObject({ status: 401, error: 'token_used' });
  });

  it('denied on the page and no PIN typed: authorization_denied without an access token request', async () => {
    const p = provider({
      promptPin: async ({ authorizeUrl }) => {
        const page = await decide(authorizeUrl, 'deny');
        expect(page.html).toContain('Authorization denied');
        expect(page.pin).toBeUndefined();
        return '';
      },
    });
    const error = await rejection(p.getToken());
    expect(error.code).toBe('authorization_denied');
    expect(error.message).toMatch(/no PIN was entered/);
    expect(sandbox.stats.accessTokenRequests).toBe(0);
    expect(await store.get(storedKey())).toBeUndefined();
  });

  it('denied on the page, then a PIN tried anyway: the server says permission_denied -> authorization_denied', async () => {
    const p = provider({
      promptPin: async ({ authorizeUrl }) => {
        await decide(authorizeUrl, 'deny');
        return '1234567';
      },
    });
    const error = await rejection(p.getToken());
    expect(error.code).toBe('authorization_denied');
    expect(error.message).toMatch(/denied access/);
    expect((error.cause as OAuthResponseError).error).toBe('permission_denied');
    expect(await store.get(storedKey())).toBeUndefined();
  });

  it('promptPin rejecting (the user gave up) is authorization_denied too', async () => {
    const p = provider({ promptPin: async () => Promise.reject(new Error('stdin closed')) });
    const error = await rejection(p.login());
    expect(error.code).toBe('authorization_denied');
    expect(await store.get(storedKey())).toBeUndefined();
  });

  /** A fetch that sends requests to `path` twice, verbatim (as a retrying proxy might), and returns the replay's answer. */
  const replaying =
    (path: string): typeof fetch =>
    async (input, init) => {
      const first = await fetch(input, init);
      if (!String(input instanceof URL ? input.href : input).endsWith(path)) return first;
      await first.text();
      return fetch(input, init);
    };

  it('a replayed request token request (same nonce, timestamp and signature): 401 code 32, nothing stored', async () => {
    let prompts = 0;
    const p = provider({ fetch: replaying('/oauth/request_token'), promptPin: async () => (prompts++, '1') });
    const error = await rejection(p.getToken());
    expect(error).toBeInstanceOf(OAuthResponseError);
    expect(error).toMatchObject({ status: 401, error: 'twitter_32', error_description: 'Could not authenticate you.' });
    expect(error.message).toBe('OAuth 1.0a request token request failed with HTTP 401 twitter_32: Could not authenticate you.');
    expect(sandbox.stats.requestTokenRequests).toBe(2);
    expect(prompts).toBe(0);
    expect(await store.get(storedKey())).toBeUndefined();
  });

  it('a replayed access token request: refused (the request token was single use), nothing stored', async () => {
    let pin = '';
    const p = provider({
      fetch: replaying('/oauth/access_token'),
      promptPin: async ({ authorizeUrl }) => (pin = await approve(authorizeUrl)),
    });
    const error = await rejection(p.getToken());
    expect(error).toBeInstanceOf(OAuthResponseError);
    expect(error).toMatchObject({ status: 401, error: 'token_used' });
    expect(error.message).toMatch(/already used/);
    expect(await store.get(storedKey())).toBeUndefined();
    expect(sandbox.stats.accessTokenRequests).toBe(2);
    expectNoSecrets(error, [CONSUMER.consumerSecret, pin]);
  });

  it('a replayed resource request is refused, while a freshly signed one passes', async () => {
    const p = provider();
    const url = `${sandbox.endpoints.timelineUrl}?count=1`;
    const headers = await p.authorize({ method: 'GET', url });
    expect((await fetch(url, { headers })).status).toBe(200);
    const replay = await fetch(url, { headers });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({ errors: [{ code: 32, message: 'Could not authenticate you.' }] });
    expect((await fetch(url, { headers: await p.authorize({ method: 'GET', url }) })).status).toBe(200);
  });

  it('a clock more than 300 s off: 401 code 135 from the request token endpoint, nothing stored', async () => {
    const p = provider({ now: () => clock - 301_000 });
    const before = Date.now();
    const error = await rejection(p.getToken());
    expect(error).toMatchObject({
      status: 401,
      error: 'twitter_135',
      error_description: 'Timestamp out of bounds.',
      operation: 'request_token',
      endpoint: sandbox.endpoints.requestTokenUrl,
    });
    // The server's Date header (second resolution), for a message that says how far off the clock is.
    expect((error as OAuthResponseError).serverTime).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(await store.get(storedKey())).toBeUndefined();
  });

  it('a wrong consumer secret: 401 code 32, and the secret is in no message or inspect output', async () => {
    const p = provider({ consumerSecret: 'WRONG-secret-value-1234' });
    const error = await rejection(p.getToken());
    expect(error).toMatchObject({ status: 401, error: 'twitter_32' });
    expectNoSecrets(error, ['WRONG-secret-value-1234']);
  });

  it('a timeout aborts the request with code timeout', async () => {
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true }));
    const error = await rejection(requestToken({ ...client(), fetch: hanging, timeoutMs: 5 }));
    expect(error.code).toBe('timeout');
    const controller = new AbortController();
    const aborted = requestToken({ ...client(), fetch: hanging, signal: controller.signal });
    controller.abort();
    expect((await rejection(aborted)).code).toBe('aborted');
  });
});

describe('no secret in inspect() or JSON', () => {
  it('shows only the strategy, endpoints and consumer key, before and after login', async () => {
    const p = provider();
    let credentials: OAuth1Credentials | undefined;
    for (const phase of ['before', 'after']) {
      if (phase === 'after') credentials = await p.getToken();
      const shown = `${inspect(p, { depth: 10 })}\n${JSON.stringify(p)}`;
      expect(shown).toContain('oauth1-pin');
      expect(shown).toContain(CONSUMER.consumerKey);
      expect(shown).not.toContain(CONSUMER.consumerSecret);
      if (credentials) {
        expect(shown).not.toContain(credentials.token);
        expect(shown).not.toContain(credentials.tokenSecret);
      }
    }
    expect(JSON.parse(JSON.stringify(p))).toEqual({
      strategy: 'oauth1-pin',
      requestTokenUrl: sandbox.endpoints.requestTokenUrl,
      authorizeUrl: sandbox.endpoints.authorizeUrl,
      accessTokenUrl: sandbox.endpoints.accessTokenUrl,
      consumerKey: CONSUMER.consumerKey,
    });
  });
});

describe('options', () => {
  const valid = (): OAuth1PinProviderOptions => ({ ...client(), promptPin: async () => '1' });

  it.each([
    ['consumerKey', { consumerKey: '' }, /^consumerKey must be a non-empty string$/],
    ['consumerSecret', { consumerSecret: 42 }, /^consumerSecret must be a non-empty string$/],
    ['requestTokenUrl', { requestTokenUrl: 'not a url SECRETISH' }, /^requestTokenUrl must be an absolute URL/],
    ['authorizeUrl', { authorizeUrl: undefined }, /^authorizeUrl must be a URL/],
    ['accessTokenUrl', { accessTokenUrl: 'ftp://x.test/at' }, /^accessTokenUrl must be an https:\/\/ URL/],
    ['promptPin', { promptPin: undefined }, /^promptPin must be a function/],
    ['openBrowser', { openBrowser: 'firefox' }, /^openBrowser must be a function$/],
    ['onProgress', { onProgress: true }, /^onProgress must be a function$/],
    ['fetch', { fetch: {} }, /^fetch must be a function$/],
    ['now', { now: 5 }, /^now must be a function$/],
    ['randomNonce', { randomNonce: 'abc' }, /^randomNonce must be a function$/],
    ['timeoutMs', { timeoutMs: -1 }, /^timeoutMs must be a whole number of milliseconds from 1/],
    ['timeoutMs 0', { timeoutMs: 0 }, /^timeoutMs must be a whole number of milliseconds from 1/],
    ['refreshSkewSeconds', { refreshSkewSeconds: -5 }, /^refreshSkewSeconds must be a number of seconds/],
    ['store', { store: { get: () => undefined } }, /^store must be a TokenStore/],
  ])('%s is checked and named, its value never echoed', (_field, patch, message) => {
    let caught: unknown;
    try {
      createOAuth1PinProvider({ ...valid(), ...(patch as object) });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TokensmithError);
    expect((caught as TokensmithError).code).toBe('invalid_options');
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain('SECRETISH');
  });

  it('refuses plain http outside loopback and a missing options object', () => {
    expect(() => createOAuth1PinProvider({ ...valid(), requestTokenUrl: 'http://api.twitter.com/oauth/request_token' })).toThrow(
      expect.objectContaining({ code: 'insecure_endpoint' }) as Error,
    );
    expect(() => createOAuth1PinProvider(undefined as unknown as OAuth1PinProviderOptions)).toThrow(
      expect.objectContaining({ code: 'invalid_options' }) as Error,
    );
  });

  it('rejects a JSON body in authorize() before any login starts', async () => {
    let prompts = 0;
    const p = provider({ promptPin: async () => (prompts++, '1') });
    const error = await rejection(p.authorize({ method: 'POST', url: sandbox.endpoints.timelineUrl, body: '{"status":"hi"}' }));
    expect(error.code).toBe('signature_error');
    expect(prompts).toBe(0);
  });
});
