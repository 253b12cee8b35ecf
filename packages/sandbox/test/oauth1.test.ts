import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  DEMO_CREDENTIALS,
  DEMO_LOGIN_HINT,
  oauth1BaseString,
  oauth1HmacSha1,
  oauth1Store,
  parseOAuthHeader,
  rfc3986Encode,
  verifyOAuth1Signature,
} from '../src/index.js';
import { FORM, sandboxPerTest } from './support/sandbox-per-test.js';

const { consumerKey, consumerSecret } = DEMO_CREDENTIALS.oauth1;

describe('the sandbox verifier on public vectors', () => {
  const RFC_SECRET = 'kd94hf93k423kf44';

  it('accepts RFC 5849 1.2 resource request exactly as the RFC prints its header (line breaks and realm)', () => {
    const authorization = `OAuth realm="Photos",
        oauth_consumer_key="dpf43f3p2l4k3l03",
        oauth_token="nnch734d00sl2jdk",
        oauth_signature_method="HMAC-SHA1",
        oauth_timestamp="137131202",
        oauth_nonce="chapoH",
        oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"`;
    const request = {
      method: 'GET',
      url: 'http://photos.example.net/photos?file=vacation.jpg&size=original',
      authorization,
      consumerSecret: RFC_SECRET,
      tokenSecret: 'pfkkdhi9sl3r4s00',
    };
    expect(verifyOAuth1Signature(request)).toBe(true);
    expect(verifyOAuth1Signature({ ...request, tokenSecret: 'pfkkdhi9sl3r4s01' })).toBe(false);
    expect(verifyOAuth1Signature({ ...request, url: 'http://photos.example.net/photos?file=vacation.jpg&size=large' })).toBe(false);
    expect(verifyOAuth1Signature({ ...request, method: 'POST' })).toBe(false);
    expect(verifyOAuth1Signature({ ...request, url: 'HTTP://Photos.Example.NET:80/photos?size=original&file=vacation.jpg' })).toBe(true);
  });

  it('accepts RFC 5849 1.2 initiate and token requests', () => {
    expect(
      verifyOAuth1Signature({
        method: 'POST',
        url: 'https://photos.example.net/initiate',
        authorization:
          'OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131200", oauth_nonce="wIjqoS", oauth_callback="http%3A%2F%2Fprinter.example.com%2Fready", oauth_signature="74KNZJeDHnMBp0EMJ9ZHt%2FXKycU%3D"',
        consumerSecret: RFC_SECRET,
      }),
    ).toBe(true);
    expect(
      verifyOAuth1Signature({
        method: 'POST',
        url: 'https://photos.example.net/token',
        authorization:
          'OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="hh5s93j4hdidpola", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="walatlh", oauth_verifier="hfdp7dh39dks9884", oauth_signature="gKgrFCywp7rO0OXSjdot%2FIHF7IU%3D"',
        consumerSecret: RFC_SECRET,
        tokenSecret: 'hdhd0244k9j7ao03',
      }),
    ).toBe(true);
  });

  it("accepts Twitter's documented signed update (query plus form body)", () => {
    const authorization =
      'OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", oauth_signature="tnnArxj06cWHq44gCs1OSKk%2FjLY%3D", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1318622958", oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", oauth_version="1.0"';
    const request = {
      method: 'POST',
      url: 'https://api.twitter.com/1/statuses/update.json?include_entities=true',
      formBody: 'status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21',
      authorization,
      consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
      tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
    };
    expect(verifyOAuth1Signature(request)).toBe(true);
    expect(verifyOAuth1Signature({ ...request, formBody: 'status=Hello+Ladies+%2B+Gentlemen%2C+a+signed+OAuth+request%21' })).toBe(true);
    expect(verifyOAuth1Signature({ ...request, formBody: undefined })).toBe(false);
    expect(
      oauth1HmacSha1(
        oauth1BaseString({
          ...request,
          url: 'https://api.twitter.com/1.1/statuses/update.json?include_entities=true',
          protocolParams: parseOAuthHeader(authorization)!,
        }),
        request.consumerSecret,
        request.tokenSecret,
      ),
    ).toBe('hCtSmYh+iHYCEqBWrE7C7hYmtUk=');
  });

  it('normalises the RFC 5849 3.4.1 example (duplicates, c%40, a3=2+q, HTTP://Example.COM:80) to RFC 3.4.1.1', () => {
    const protocolParams = {
      realm: 'Example',
      oauth_consumer_key: '9djdj82h48djs9d2',
      oauth_token: 'kkk9d7dh3k39sjv7',
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: '137131201',
      oauth_nonce: '7d8f3e4a',
      oauth_signature: 'bYT5CMsGcbgUdFHObYMEfcx6bsw%3D',
    };
    const expected =
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7';
    for (const origin of ['http://example.com', 'HTTP://Example.COM:80']) {
      expect(
        oauth1BaseString({
          method: 'post',
          url: `${origin}/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b`,
          formBody: 'c2&a3=2+q',
          protocolParams,
        }),
      ).toBe(expected);
    }
  });

  it('encodes only the unreserved set, in UTF-8', () => {
    expect(rfc3986Encode("AZaz09-._~!*'() +%=&café ☕")).toBe('AZaz09-._~%21%2A%27%28%29%20%2B%25%3D%26caf%C3%A9%20%E2%98%95');
  });

  it('parses OAuth headers strictly', () => {
    expect(parseOAuthHeader('OAuth oauth_nonce="a%20b", realm="r"')).toEqual(
      new Map([
        ['oauth_nonce', 'a b'],
        ['realm', 'r'],
      ]),
    );
    for (const bad of [
      'Bearer x',
      'OAuth',
      'OAuth oauth_nonce=abc',
      'OAuth a="1", a="2"',
      'OAuth a="1",',
      'OAuth a="1" b="2"',
      undefined,
    ]) {
      expect(parseOAuthHeader(bad)).toBeUndefined();
    }
  });
});

// ---------------------------------------------------------------------------------------------

const { sandbox, clock } = sandboxPerTest({ start: Date.UTC(2026, 10, 23, 12, 0, 0) });
let nonceCounter = 0;

interface SignOptions {
  token?: string;
  tokenSecret?: string;
  extra?: Record<string, string>;
  nonce?: string;
  timestamp?: number;
  method?: string;
  formBody?: string;
  signatureMethod?: string;
}

/** A header signed with the sandbox's own primitives (their correctness is what the vectors above prove). */
function sign(method: string, url: string, options: SignOptions = {}): string {
  const params: Record<string, string> = {
    oauth_consumer_key: consumerKey,
    oauth_nonce: options.nonce ?? `nonce${++nonceCounter}`,
    oauth_signature_method: options.signatureMethod ?? 'HMAC-SHA1',
    oauth_timestamp: String(options.timestamp ?? Math.floor(clock.now / 1000)),
    oauth_version: '1.0',
    ...(options.token ? { oauth_token: options.token } : {}),
    ...options.extra,
  };
  params.oauth_signature = oauth1HmacSha1(
    oauth1BaseString({ method, url, formBody: options.formBody, protocolParams: params }),
    consumerSecret,
    options.tokenSecret ?? '',
  );
  return `OAuth ${Object.entries(params)
    .map(([k, v]) => `${rfc3986Encode(k)}="${rfc3986Encode(v)}"`)
    .join(', ')}`;
}

const post = (url: string, authorization: string, body?: string) =>
  fetch(url, { method: 'POST', headers: { authorization, ...(body === undefined ? {} : FORM) }, ...(body === undefined ? {} : { body }) });
const form = async (res: Response) => Object.fromEntries(new URLSearchParams(await res.text()));

async function requestTokenPair(options: SignOptions = {}): Promise<{ token: string; secret: string }> {
  const url = sandbox.endpoints.requestTokenUrl;
  const res = await post(url, sign('POST', url, { ...options, extra: { oauth_callback: 'oob', ...options.extra } }));
  expect(res.status).toBe(200);
  const body = await form(res);
  expect(body.oauth_callback_confirmed).toBe('true');
  return { token: body.oauth_token!, secret: body.oauth_token_secret! };
}

async function authorizePage(token: string): Promise<{ status: number; html: string; hidden: Record<string, string> }> {
  const res = await fetch(`${sandbox.endpoints.authorizeUrl}?oauth_token=${encodeURIComponent(token)}`);
  const html = await res.text();
  const hidden = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
  return { status: res.status, html, hidden };
}

async function decide(
  token: string,
  action: 'approve' | 'deny',
  password: string = DEMO_CREDENTIALS.user.password,
  username = 'TwitterAPI',
): Promise<{ status: number; html: string; pin: string | undefined }> {
  const { hidden } = await authorizePage(token);
  const res = await fetch(sandbox.endpoints.authorizeUrl, {
    method: 'POST',
    body: new URLSearchParams({ ...hidden, username, password, action }),
  });
  const html = await res.text();
  return { status: res.status, html, pin: /<output id="pin"[^>]*>(\d{7})<\/output>/.exec(html)?.[1] };
}

function exchange(pair: { token: string; secret: string }, verifier: string, options: SignOptions = {}) {
  const url = sandbox.endpoints.accessTokenUrl;
  return post(url, sign('POST', url, { token: pair.token, tokenSecret: pair.secret, extra: { oauth_verifier: verifier }, ...options }));
}

describe('sandbox OAuth 1.0a endpoints', () => {
  it('runs the PIN flow and serves the user timeline to a signed request, counting requests', async () => {
    const pair = await requestTokenPair();
    const { pin } = await decide(pair.token, 'approve');
    expect(pin).toMatch(/^\d{7}$/);
    const res = await exchange(pair, pin!);
    expect(res.status).toBe(200);
    const access = await form(res);
    expect(access).toEqual({
      oauth_token: expect.stringMatching(/^6253282-/),
      oauth_token_secret: expect.any(String),
      user_id: '6253282',
      screen_name: 'twitterapi',
    });

    const url = `${sandbox.endpoints.timelineUrl}?count=1`;
    const timeline = await fetch(url, {
      headers: { authorization: sign('GET', url, { token: access.oauth_token, tokenSecret: access.oauth_token_secret }) },
    });
    expect(timeline.status).toBe(200);
    expect(((await timeline.json()) as Array<{ user: { screen_name: string } }>)[0]!.user.screen_name).toBe('twitterapi');
    expect(sandbox.stats).toMatchObject({ requestTokenRequests: 1, accessTokenRequests: 1, rejected: 0 });
  });

  it('lets the second user sign in: its screen name in the access token response, its own timeline', async () => {
    const second = DEMO_CREDENTIALS.secondUser;
    const pair = await requestTokenPair();
    expect((await decide(pair.token, 'approve', DEMO_CREDENTIALS.user.password, second.screenName)).status).toBe(401);
    const retry = await requestTokenPair();
    const { pin } = await decide(retry.token, 'approve', second.password, `@${second.screenName.toUpperCase()}`);
    const access = await form(await exchange(retry, pin!));
    expect(access).toMatchObject({ user_id: second.userId, screen_name: second.screenName });
    const url = `${sandbox.endpoints.timelineUrl}?count=1`;
    const timeline = await fetch(url, {
      headers: { authorization: sign('GET', url, { token: access.oauth_token, tokenSecret: access.oauth_token_secret }) },
    });
    expect(((await timeline.json()) as Array<{ user: { screen_name: string } }>)[0]!.user.screen_name).toBe(second.screenName);
  });

  it('rejects timestamps more than 300 s from its clock with 401 code 135, either way', async () => {
    const url = sandbox.endpoints.requestTokenUrl;
    for (const offset of [-301, 301]) {
      const res = await post(
        url,
        sign('POST', url, { extra: { oauth_callback: 'oob' }, timestamp: Math.floor(clock.now / 1000) + offset }),
      );
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ errors: [{ code: 135, message: 'Timestamp out of bounds.' }] });
    }
    await requestTokenPair({ timestamp: Math.floor(clock.now / 1000) - 300 });
    await requestTokenPair({ timestamp: Math.floor(clock.now / 1000) + 300 });
    expect(sandbox.stats.rejected).toBe(2);
  });

  it('rejects a replayed nonce (same consumer, token and timestamp) with 401 code 32', async () => {
    const url = sandbox.endpoints.requestTokenUrl;
    const header = sign('POST', url, { extra: { oauth_callback: 'oob' }, nonce: 'once' });
    expect((await post(url, header)).status).toBe(200);
    const replay = await post(url, header);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({ errors: [{ code: 32, message: 'Could not authenticate you.' }] });
    // The same nonce one second later is another (consumer, token, timestamp) and passes.
    clock.now += 1_000;
    expect((await post(url, sign('POST', url, { extra: { oauth_callback: 'oob' }, nonce: 'once' }))).status).toBe(200);
    expect(sandbox.stats.requestTokenRequests).toBe(3);
  });

  it('forgets nonces once their timestamp has left the window (memory stays bounded)', async () => {
    await requestTokenPair();
    expect(oauth1Store(sandbox.state).nonces.size).toBe(1);
    clock.now += 301_000;
    await requestTokenPair();
    expect(oauth1Store(sandbox.state).nonces.size).toBe(1);
  });

  it('rejects a wrong signature, PLAINTEXT, another oauth_version, a missing header and oauth_* in the query', async () => {
    const url = sandbox.endpoints.requestTokenUrl;
    const good = sign('POST', url, { extra: { oauth_callback: 'oob' } });
    const wrongSig = good.replace(/oauth_signature="[^"]+"/, 'oauth_signature="AAAAAAAAAAAAAAAAAAAAAAAAAAA%3D"');
    const cases: Array<[string, RequestInit & { url?: string }, number, number]> = [
      ['wrong signature', { headers: { authorization: wrongSig } }, 401, 32],
      [
        'PLAINTEXT',
        { headers: { authorization: sign('POST', url, { extra: { oauth_callback: 'oob' }, signatureMethod: 'PLAINTEXT' }) } },
        401,
        32,
      ],
      [
        'oauth_version 2.0',
        { headers: { authorization: sign('POST', url, { extra: { oauth_callback: 'oob', oauth_version: '2.0' } }) } },
        401,
        32,
      ],
      ['no header', {}, 400, 215],
      ['unknown consumer', { headers: { authorization: good.replace(consumerKey, 'someone-else') } }, 401, 32],
      [
        'oauth_* in the query too',
        {
          url: `${url}?oauth_callback=oob`,
          headers: { authorization: sign('POST', `${url}?oauth_callback=oob`, { extra: { oauth_callback: 'oob' } }) },
        },
        400,
        215,
      ],
    ];
    for (const [name, init, status, code] of cases) {
      const res = await fetch(init.url ?? url, { method: 'POST', ...init });
      expect([name, res.status]).toEqual([name, status]);
      expect(((await res.json()) as { errors: Array<{ code: number }> }).errors[0]!.code).toBe(code);
    }
    expect(sandbox.stats.rejected).toBe(cases.length);
  });

  it('requires oauth_callback=oob on the request token', async () => {
    const url = sandbox.endpoints.requestTokenUrl;
    const missing = await post(url, sign('POST', url));
    expect(missing.status).toBe(400);
    expect(await form(missing)).toMatchObject({ oauth_problem: 'parameter_absent', oauth_parameters_absent: 'oauth_callback' });
    const other = await post(url, sign('POST', url, { extra: { oauth_callback: 'https://evil.example/cb' } }));
    expect(other.status).toBe(403);
    expect(((await other.json()) as { errors: Array<{ code: number }> }).errors[0]!.code).toBe(415);
  });

  it('makes request tokens and PINs single use: a reused request token is token_used', async () => {
    const pair = await requestTokenPair();
    const { pin } = await decide(pair.token, 'approve');
    expect((await exchange(pair, pin!)).status).toBe(200);
    const again = await exchange(pair, pin!);
    expect(again.status).toBe(401);
    expect(await form(again)).toMatchObject({ oauth_problem: 'token_used' });
    expect((await authorizePage(pair.token)).status).toBe(400);
    const unknown = await exchange({ token: 'never-issued', secret: 'x' }, '1234567');
    expect(await form(unknown)).toMatchObject({ oauth_problem: 'token_rejected' });
  });

  it('burns the request token on a wrong PIN, so the right PIN afterwards fails too', async () => {
    const pair = await requestTokenPair();
    const { pin } = await decide(pair.token, 'approve');
    const wrong = String((Number(pin) + 1) % 10_000_000).padStart(7, '0');
    const first = await exchange(pair, wrong);
    expect(first.status).toBe(401);
    expect(await form(first)).toMatchObject({ oauth_problem: 'verifier_invalid' });
    expect(await form(await exchange(pair, pin!))).toMatchObject({ oauth_problem: 'token_used' });
    expect(oauth1Store(sandbox.state).accessTokens.size).toBe(0);
  });

  it('refuses an exchange before approval, and answers permission_denied after a denial', async () => {
    const early = await requestTokenPair();
    expect(await form(await exchange(early, '1234567'))).toMatchObject({ oauth_problem: 'verifier_invalid' });
    const denied = await requestTokenPair();
    const page = await decide(denied.token, 'deny');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Authorization denied</h1>');
    expect(page.pin).toBeUndefined();
    expect(await form(await exchange(denied, '1234567'))).toMatchObject({ oauth_problem: 'permission_denied' });
  });

  it('expires request tokens after 15 minutes', async () => {
    const pair = await requestTokenPair();
    const { pin } = await decide(pair.token, 'approve');
    clock.now += 15 * 60_000 + 1;
    expect(await form(await exchange(pair, pin!))).toMatchObject({ oauth_problem: 'token_used' });
  });
});

describe('sandbox authorize page', () => {
  it('is plain accessible HTML naming the app, with labelled fields and Approve/Deny buttons, no external assets', async () => {
    const pair = await requestTokenPair();
    const { status, html, hidden } = await authorizePage(pair.token);
    expect(status).toBe(200);
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain(`<title>Authorize ${DEMO_CREDENTIALS.oauth1.name} to access your account? - tokensmith sandbox</title>`);
    expect(html).toContain(`<h1>Authorize ${DEMO_CREDENTIALS.oauth1.name} to access your account?</h1>`);
    expect(html).toContain('<label for="username">Username</label>');
    expect(html).toContain(DEMO_LOGIN_HINT);
    expect(html).toMatch(/<input id="username" name="username"[^>]*autocomplete="username"/);
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).toMatch(/<input id="password" name="password" type="password"/);
    expect(html).toMatch(/<button[^>]*name="action" value="approve">Approve<\/button>/);
    expect(html).toMatch(/<button[^>]*name="action" value="deny" formnovalidate>Deny<\/button>/);
    expect(html).toContain('<form method="post" action="/oauth/authorize">');
    expect(html).not.toMatch(/\b(src|href)=|<script|<link|<img|url\(/i);
    expect(hidden.oauth_token).toBe(pair.token);
    expect(hidden.authenticity_token).toMatch(/^[\w-]{16,}$/);
  });

  it('escapes the app name', async () => {
    await sandbox.restart({
      consumers: [{ consumerKey, consumerSecret, name: '<script>alert("x")</script> & co' }],
    });
    const pair = await requestTokenPair();
    const { html } = await authorizePage(pair.token);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; co');
  });

  it('refuses a wrong password (401, alert, no PIN), a forged form and an unknown token', async () => {
    const pair = await requestTokenPair();
    const wrong = await decide(pair.token, 'approve', 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(wrong.html).toMatch(/<p role="alert" id="form-error">The username and password you entered did not match our records.<\/p>/);
    expect(wrong.pin).toBeUndefined();
    const forged = await fetch(sandbox.endpoints.authorizeUrl, {
      method: 'POST',
      body: new URLSearchParams({
        oauth_token: pair.token,
        authenticity_token: 'guessed',
        username: 'twitterapi',
        password: DEMO_CREDENTIALS.user.password,
        action: 'approve',
      }),
    });
    expect(forged.status).toBe(400);
    expect((await authorizePage('never-issued')).status).toBe(400);
    // The real form still works afterwards, exactly once.
    expect((await decide(pair.token, 'approve')).pin).toMatch(/^\d{7}$/);
    expect((await authorizePage(pair.token)).status).toBe(400);
  });
});

describe('sandbox timeline with OAuth 1.0a', () => {
  it('answers 401 code 89 for an unknown access token and 401 code 32 for a replay', async () => {
    const url = sandbox.endpoints.timelineUrl;
    const unknown = await fetch(url, { headers: { authorization: sign('GET', url, { token: 'nope', tokenSecret: 'x' }) } });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual({ errors: [{ code: 89, message: 'Invalid or expired token.' }] });

    const pair = await requestTokenPair();
    const access = await form(await exchange(pair, (await decide(pair.token, 'approve')).pin!));
    const headers = { authorization: sign('GET', url, { token: access.oauth_token, tokenSecret: access.oauth_token_secret }) };
    expect((await fetch(url, { headers })).status).toBe(200);
    const replay = await fetch(url, { headers });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({ errors: [{ code: 32, message: 'Could not authenticate you.' }] });
  });
});

describe('an independent client: Python requests-oauthlib', () => {
  const script = `
import os, sys
from requests_oauthlib import OAuth1Session
e = os.environ
if sys.argv[1] == 'request':
    t = OAuth1Session(e['CK'], client_secret=e['CS'], callback_uri='oob').fetch_request_token(e['REQUEST_TOKEN_URL'])
    print(t['oauth_token']); print(t['oauth_token_secret'])
else:
    t = OAuth1Session(e['CK'], client_secret=e['CS'], resource_owner_key=e['RT'], resource_owner_secret=e['RTS'], verifier=e['PIN']).fetch_access_token(e['ACCESS_TOKEN_URL'])
    s = OAuth1Session(e['CK'], client_secret=e['CS'], resource_owner_key=t['oauth_token'], resource_owner_secret=t['oauth_token_secret'])
    r = s.get(e['TIMELINE_URL'], params={'count': 1, 'note': "!*'() + % = & caf\\u00e9 \\u2615"})
    print(t['screen_name']); print(r.status_code); print(r.json()[0]['user']['screen_name'])
    r = OAuth1Session(e['CK'], client_secret=e['CS'], callback_uri='oob').post(e['REQUEST_TOKEN_URL'], data={'note': "!*'() + % = & caf\\u00e9 \\u2615", 'x@y': '+'})
    print(r.status_code); print(r.text.count('oauth_callback_confirmed=true'))
`;
  const run = async (step: string, env: Record<string, string>) =>
    (
      await promisify(execFile)('/usr/bin/python3', ['-c', script, step], {
        env: { PATH: process.env.PATH ?? '/usr/bin', ...env },
        timeout: 15_000,
      })
    ).stdout
      .trim()
      .split('\n');

  it('completes the PIN flow, a signed timeline query and a signed form body against the sandbox (real clock)', async () => {
    await sandbox.restart({ now: Date.now });
    const env = {
      CK: consumerKey,
      CS: consumerSecret,
      REQUEST_TOKEN_URL: sandbox.endpoints.requestTokenUrl,
      ACCESS_TOKEN_URL: sandbox.endpoints.accessTokenUrl,
      TIMELINE_URL: sandbox.endpoints.timelineUrl,
    };
    const [token, secret] = await run('request', env);
    const { pin } = await decide(token!, 'approve');
    expect(await run('access', { ...env, RT: token!, RTS: secret!, PIN: pin! })).toEqual(['twitterapi', '200', 'twitterapi', '200', '1']);
    expect(sandbox.stats).toMatchObject({ requestTokenRequests: 2, accessTokenRequests: 1 });
  });
});
