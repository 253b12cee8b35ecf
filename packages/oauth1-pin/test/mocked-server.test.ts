import { inspect } from 'node:util';
import nock from 'nock';
import { MemoryStore, OAuthResponseError } from '@tokensmith/core/kit';
import { createOAuth1PinProvider, exchangePin, parseOAuth1Error, requestToken, signOAuth1Request } from '../src/index.js';
import { rejection } from './helpers.js';

// Where a mock is the point: answers the sandbox would never give.
const API = 'https://api.twitter.com';
const CLIENT = {
  consumerKey: 'mock-consumer-key',
  consumerSecret: 'MOCK-consumer-secret-5a4b',
  requestTokenUrl: `${API}/oauth/request_token`,
  authorizeUrl: `${API}/oauth/authorize`,
  accessTokenUrl: `${API}/oauth/access_token`,
  now: () => 1_800_000_000_123,
  randomNonce: () => 'fixednonce',
};
const STATE = {
  oauthToken: 'req-token-abc',
  oauthTokenSecret: 'REQ-secret-def',
  authorizeUrl: `${API}/oauth/authorize?oauth_token=req-token-abc`,
};

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => {
  nock.enableNetConnect();
  nock.restore(); // unpatch node:http for the next test file in this worker
});

describe('requestToken on the wire', () => {
  it('POSTs exactly the signed oauth_callback=oob request and builds the authorize URL', async () => {
    const expected = signOAuth1Request({
      ...CLIENT,
      method: 'POST',
      url: CLIENT.requestTokenUrl,
      callback: 'oob',
      nonce: 'fixednonce',
      timestamp: 1_800_000_000,
    }).authorization;
    expect(expected).toContain('oauth_callback="oob"');
    const scope = nock(API)
      .post('/oauth/request_token')
      .matchHeader('authorization', expected)
      .reply(
        200,
        'oauth_token=Z6eEdO8MOmk394WozF5oKyuAv855l4Mlqo7hhlSLik&oauth_token_secret=Kd75W4OQfb2oJTV0vzGzeXftVAwgMnEK9MumzYcM&oauth_callback_confirmed=true',
        { 'content-type': 'text/html; charset=utf-8' },
      );
    const state = await requestToken(CLIENT);
    expect(scope.isDone()).toBe(true);
    expect(state).toEqual({
      oauthToken: 'Z6eEdO8MOmk394WozF5oKyuAv855l4Mlqo7hhlSLik',
      oauthTokenSecret: 'Kd75W4OQfb2oJTV0vzGzeXftVAwgMnEK9MumzYcM',
      authorizeUrl: 'https://api.twitter.com/oauth/authorize?oauth_token=Z6eEdO8MOmk394WozF5oKyuAv855l4Mlqo7hhlSLik',
    });
  });

  it.each([
    ['missing', 'oauth_token=t&oauth_token_secret=s'],
    ['false', 'oauth_token=t&oauth_token_secret=s&oauth_callback_confirmed=false'],
  ])('refuses oauth_callback_confirmed %s (not OAuth 1.0a): no prompt, nothing stored', async (_case, body) => {
    nock(API).post('/oauth/request_token').reply(200, body);
    const store = new MemoryStore();
    let prompts = 0;
    const provider = createOAuth1PinProvider({ ...CLIENT, store, promptPin: async () => (prompts++, '1234567') });
    const error = await rejection(provider.getToken());
    expect(error.code).toBe('invalid_token_response');
    expect(error.message).toMatch(/oauth_callback_confirmed=true/);
    expect(prompts).toBe(0);
    expect(await store.entries()).toEqual([]);
  });

  it("turns Twitter's JSON error into OAuthResponseError", async () => {
    nock(API)
      .post('/oauth/request_token')
      .reply(401, { errors: [{ code: 32, message: 'Could not authenticate you.' }] });
    const error = await rejection(requestToken(CLIENT));
    expect(error).toBeInstanceOf(OAuthResponseError);
    expect(error).toMatchObject({
      status: 401,
      error: 'twitter_32',
      error_description: 'Could not authenticate you.',
      operation: 'request_token',
      endpoint: `${API}/oauth/request_token`,
    });
  });

  it('turns an HTML 500 into OAuthResponseError http_500, and a JSON 200 into invalid_token_response', async () => {
    nock(API).post('/oauth/request_token').reply(500, '<html>Over capacity</html>');
    expect(await rejection(requestToken(CLIENT))).toMatchObject({ status: 500, error: 'http_500' });
    nock(API).post('/oauth/request_token').reply(200, { oauth_token: 't' });
    expect(await rejection(requestToken(CLIENT))).toMatchObject({
      code: 'invalid_token_response',
      operation: 'request_token',
      endpoint: `${API}/oauth/request_token`,
      status: 200,
    });
  });

  it('does not follow a redirect', async () => {
    nock(API).post('/oauth/request_token').reply(302, '', { location: 'https://evil.example/steal' });
    expect(await rejection(requestToken(CLIENT))).toMatchObject({
      code: 'http_error',
      message: expect.stringContaining('check requestTokenUrl'),
      operation: 'request_token',
      endpoint: `${API}/oauth/request_token`,
      status: 302,
    });
  });
});

describe('exchangePin on the wire', () => {
  it('sends the PIN as oauth_verifier signed with the request token secret, and keeps user_id and screen_name', async () => {
    const expected = signOAuth1Request({
      ...CLIENT,
      method: 'POST',
      url: CLIENT.accessTokenUrl,
      token: STATE.oauthToken,
      tokenSecret: STATE.oauthTokenSecret,
      verifier: '7654321',
      nonce: 'fixednonce',
      timestamp: 1_800_000_000,
    }).authorization;
    nock(API)
      .post('/oauth/access_token')
      .matchHeader('authorization', expected)
      .reply(
        200,
        'oauth_token=6253282-eWudHldSbIaelX7swmsiHImEL4KinwaGloHANdrY&oauth_token_secret=2EEfA6BG3ly3sR3RjE0IBSnlQu4ZrUzPiYKmrkVU&user_id=6253282&screen_name=twitterapi',
      );
    await expect(exchangePin(STATE, '7654321', CLIENT)).resolves.toEqual({
      type: 'oauth1',
      token: '6253282-eWudHldSbIaelX7swmsiHImEL4KinwaGloHANdrY',
      tokenSecret: '2EEfA6BG3ly3sR3RjE0IBSnlQu4ZrUzPiYKmrkVU',
      extra: { user_id: '6253282', screen_name: 'twitterapi' },
    });
  });

  it('turns an OAuth Problem Reporting body into OAuthResponseError without leaking the PIN or secrets', async () => {
    nock(API).post('/oauth/access_token').reply(401, 'oauth_problem=token_rejected&oauth_problem_advice=Unknown+request+token', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    const error = await rejection(exchangePin(STATE, '7654321', CLIENT));
    expect(error).toMatchObject({
      status: 401,
      error: 'token_rejected',
      error_description: 'Unknown request token',
      operation: 'access_token',
      endpoint: `${API}/oauth/access_token`,
    });
    const shown = `${error.message}\n${inspect(error, { depth: 10 })}`;
    for (const secret of ['7654321', CLIENT.consumerSecret, STATE.oauthTokenSecret, 'oauth_signature='])
      expect(shown).not.toContain(secret);
  });

  it('masks token secrets a server echoes in an error body', async () => {
    nock(API)
      .post('/oauth/access_token')
      .reply(400, 'oauth_problem=parameter_rejected&oauth_token_secret=ECHOED-secret&oauth_verifier=7654321');
    const error = await rejection(exchangePin(STATE, '7654321', CLIENT));
    expect(inspect(error, { depth: 10 })).not.toContain('ECHOED-secret');
    expect(inspect(error, { depth: 10 })).not.toContain('7654321');
  });

  it('refuses a 200 without token credentials, naming no value', async () => {
    nock(API).post('/oauth/access_token').reply(200, 'oauth_token_secret=LEAKY-secret&user_id=1');
    const error = await rejection(exchangePin(STATE, '7654321', CLIENT));
    expect(error).toMatchObject({ code: 'invalid_token_response', operation: 'access_token', endpoint: `${API}/oauth/access_token` });
    expect(error.message).not.toContain('LEAKY');
  });

  it('checks its inputs: an empty PIN or a broken state is invalid_options, before any request', async () => {
    expect((await rejection(exchangePin(STATE, '  ', CLIENT))).code).toBe('invalid_options');
    expect((await rejection(exchangePin({ ...STATE, oauthToken: '' }, '1', CLIENT))).message).toBe(
      'state.oauthToken must be a non-empty string',
    );
    expect((await rejection(exchangePin(STATE, '1', { ...CLIENT, consumerKey: '' }))).message).toBe(
      'consumerKey must be a non-empty string',
    );
  });
});

describe('parseOAuth1Error', () => {
  it('reads oauth_problem forms, Twitter JSON and anything else', () => {
    expect(parseOAuth1Error(401, 'oauth_problem=verifier_invalid')).toEqual({
      status: 401,
      error: 'verifier_invalid',
      body: 'oauth_problem=verifier_invalid',
    });
    expect(parseOAuth1Error(403, '{"errors":[{"code":415,"message":"Callback URL not approved"}]}')).toMatchObject({
      error: 'twitter_415',
      error_description: 'Callback URL not approved',
    });
    expect(parseOAuth1Error(401, 'Invalid request token.')).toMatchObject({ error: 'http_401' });
  });
});
