import { inspect } from 'node:util';
import {
  OAuthResponseError,
  TokensmithError,
  parseOAuthError,
  parseTokenResponse,
  requireEndpoint,
  requireString,
  redactBody,
  redactHeaders,
  defineProvider,
  isLoopbackHost,
  storeError,
  storeUnavailable,
} from '../src/kit.js';

describe('parseOAuthError', () => {
  it('reads RFC 6749 error bodies', () => {
    expect(parseOAuthError(401, '{"error":"invalid_client","error_description":"bad client"}')).toMatchObject({
      status: 401,
      error: 'invalid_client',
      error_description: 'bad client',
    });
  });
  it("reads Twitter's errors array", () => {
    expect(
      parseOAuthError(403, '{"errors":[{"code":99,"label":"authenticity_token_error","message":"Unable to verify your credentials"}]}'),
    ).toMatchObject({ error: 'authenticity_token_error', error_description: 'Unable to verify your credentials' });
    expect(parseOAuthError(401, '{"errors":[{"code":89,"message":"Invalid or expired token."}]}')).toMatchObject({ error: 'twitter_89' });
  });
  it('falls back to http_<status> for HTML and garbage', () => {
    expect(parseOAuthError(502, '<html>Bad gateway</html>')).toMatchObject({ error: 'http_502' });
    expect(parseOAuthError(500, 'null')).toMatchObject({ error: 'http_500' });
  });
});

describe('OAuthResponseError', () => {
  it('is a TokensmithError with status and error, and masks tokens in the body', () => {
    const err = new OAuthResponseError('token request', {
      status: 400,
      error: 'invalid_grant',
      body: '{"error":"invalid_grant","refresh_token":"SECRET-RT"}',
    });
    expect(err).toBeInstanceOf(TokensmithError);
    expect(err.code).toBe('oauth_response');
    expect(err.message).toBe('token request failed with HTTP 400 invalid_grant');
    expect(err.body).not.toContain('SECRET-RT');
    expect(inspect(err)).not.toContain('SECRET-RT');
  });
});

describe('error details', () => {
  it('carry operation, endpoint (no userinfo, query or fragment), error and status, and nothing secret', () => {
    const err = new OAuthResponseError(
      'token request',
      { status: 401, error: 'invalid_client', body: '{"error":"invalid_client","access_token":"SECRET-AT"}' },
      { operation: 'token_request', endpoint: 'https://user:SECRET-PW@auth.example/token?client_secret=SECRET-Q#SECRET-F' },
    );
    expect(err).toMatchObject({ operation: 'token_request', endpoint: 'https://auth.example/token', error: 'invalid_client', status: 401 });
    expect(inspect(err)).not.toContain('SECRET');
    expect(JSON.stringify(err)).not.toContain('SECRET');
  });
  it('store errors say their step is the store', () => {
    expect(storeError('token file x is corrupt')).toMatchObject({ code: 'store_error', operation: 'store' });
    expect(storeUnavailable('Redis did not answer', new Error('x'))).toMatchObject({ code: 'store_unavailable', operation: 'store' });
  });
  it('has no detail properties when none were given, and drops an endpoint that is not a URL', () => {
    const err = new TokensmithError('timeout', 'x', { endpoint: 'not a url' });
    expect(Object.keys(err)).not.toEqual(expect.arrayContaining(['operation']));
    expect(err.endpoint).toBeUndefined();
    expect(inspect(err)).not.toContain('operation');
  });
});

describe('redaction', () => {
  it('masks secrets in JSON and form bodies and in headers', () => {
    expect(redactBody('{"access_token":"AT","nested":{"client_secret":"CS"},"ok":1}')).toBe(
      '{"access_token":"[redacted]","nested":{"client_secret":"[redacted]"},"ok":1}',
    );
    expect(redactBody('oauth_token=T&oauth_token_secret=S&user_id=1')).toBe('oauth_token=T&oauth_token_secret=%5Bredacted%5D&user_id=1');
    expect(redactHeaders({ Authorization: 'Bearer AT', accept: 'x' })).toEqual({ Authorization: 'Bearer [redacted]', accept: 'x' });
  });
  it('caps long bodies', () => {
    expect(redactBody('x'.repeat(10_000)).length).toBeLessThan(2_100);
  });
});

describe('option checks', () => {
  it('names the field and never echoes the value', () => {
    expect(() => requireString({ clientSecret: '' }, 'clientSecret')).toThrow('clientSecret must be a non-empty string');
    expect(() => requireEndpoint({ tokenUrl: 'not a url' }, 'tokenUrl')).toThrow(/^tokenUrl must be an absolute URL/);
    expect(() => requireEndpoint({ tokenUrl: 'ftp://x/' }, 'tokenUrl')).toThrow('tokenUrl must be an https:// URL, not ftp:');
  });
  it('refuses plain http except on loopback', () => {
    expect(() => requireEndpoint({ tokenUrl: 'http://api.example.com/token' }, 'tokenUrl')).toThrow(
      expect.objectContaining({ code: 'insecure_endpoint' }),
    );
    expect(requireEndpoint({ tokenUrl: 'http://127.0.0.1:8080/token' }, 'tokenUrl').port).toBe('8080');
    expect(requireEndpoint({ tokenUrl: 'http://[::1]/token' }, 'tokenUrl').hostname).toBe('[::1]');
    expect(isLoopbackHost('127.10.0.1')).toBe(true);
    expect(isLoopbackHost('127.example.com')).toBe(false);
  });
});

describe('parseTokenResponse', () => {
  const ctx = { status: 200, now: 1_000 };
  it('accepts a token without expires_in (Twitter app-only)', () => {
    expect(parseTokenResponse({ token_type: 'bearer', access_token: 'AT' }, ctx)).toEqual({ type: 'bearer', accessToken: 'AT' });
  });
  it('computes an absolute expiresAt and splits scopes', () => {
    expect(
      parseTokenResponse({ token_type: 'Bearer', access_token: 'AT', expires_in: 60, refresh_token: 'RT', scope: 'a b' }, ctx),
    ).toEqual({ type: 'bearer', accessToken: 'AT', expiresAt: 61_000, obtainedAt: 1_000, refreshToken: 'RT', scope: ['a', 'b'] });
  });
  it.each([
    ['a non-object', 'nope', 'is not a JSON object'],
    ['no access_token', { token_type: 'bearer' }, 'has no access_token'],
    ['a wrong token_type', { token_type: 'mac', access_token: 'AT' }, 'has token_type "mac", expected "bearer"'],
    [
      'a negative expires_in',
      { token_type: 'bearer', access_token: 'AT', expires_in: -1 },
      'has an expires_in that is not a whole number of seconds >= 0',
    ],
    [
      'a non-numeric expires_in',
      { token_type: 'bearer', access_token: 'AT', expires_in: 'soon' },
      'has an expires_in that is not a whole number of seconds >= 0',
    ],
    [
      'a fractional expires_in',
      { token_type: 'bearer', access_token: 'AT', expires_in: 1.5 },
      'has an expires_in that is not a whole number of seconds >= 0',
    ],
    [
      'an infinite expires_in',
      { token_type: 'bearer', access_token: 'AT', expires_in: Infinity },
      'has an expires_in that is not a whole number of seconds >= 0',
    ],
    [
      'an access_token with CR/LF',
      { token_type: 'bearer', access_token: 'AT\r\nX-Evil: 1' },
      'has an access_token with characters a bearer token cannot have (control characters, spaces or non-ASCII)',
    ],
    [
      'an access_token with a space',
      { token_type: 'bearer', access_token: 'AT AT' },
      'has an access_token with characters a bearer token cannot have (control characters, spaces or non-ASCII)',
    ],
    [
      'an access_token with non-ASCII',
      { token_type: 'bearer', access_token: 'ATé' },
      'has an access_token with characters a bearer token cannot have (control characters, spaces or non-ASCII)',
    ],
    [
      'a refresh_token with LF',
      { token_type: 'bearer', access_token: 'x', refresh_token: 'AT\n' },
      'has an invalid refresh_token (empty, or with control characters, spaces or non-ASCII)',
    ],
    [
      'an empty refresh_token',
      { token_type: 'bearer', access_token: 'x', refresh_token: '' },
      'has an invalid refresh_token (empty, or with control characters, spaces or non-ASCII)',
    ],
  ])('rejects %s with a typed error and no secret', (_name, body, why) => {
    let caught: unknown;
    try {
      parseTokenResponse(body, ctx);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TokensmithError);
    expect((caught as TokensmithError).code).toBe('invalid_token_response');
    expect((caught as Error).message).toBe(`token response (HTTP 200) ${why}`);
    expect((caught as Error).message).not.toContain('AT');
  });
});

describe('parseTokenResponse bounds expires_in (issue 17 hole 2)', () => {
  const ctx = { status: 200, now: 1_000 };
  it.each([1e306, 1e13, Number.MAX_SAFE_INTEGER, '99999999999999999999'])(
    'clamps expires_in %p to one year, a finite safe expiresAt',
    (expires_in) => {
      const creds = parseTokenResponse({ token_type: 'bearer', access_token: 'AT', expires_in }, ctx);
      expect(creds.expiresAt).toBe(1_000 + 365 * 24 * 3600 * 1000);
      expect(Number.isSafeInteger(creds.expiresAt)).toBe(true);
      expect(() => new Date(creds.expiresAt as number).toISOString()).not.toThrow();
      expect(JSON.parse(JSON.stringify(creds)).expiresAt).toBe(creds.expiresAt);
    },
  );
  it('accepts expires_in as a string of digits and 0', () => {
    expect(parseTokenResponse({ token_type: 'bearer', access_token: 'AT', expires_in: '3600' }, ctx).expiresAt).toBe(3_601_000);
    expect(parseTokenResponse({ token_type: 'bearer', access_token: 'AT', expires_in: 0 }, ctx).expiresAt).toBe(1_000);
  });
  it("accepts Twitter's percent-encoded app-only bearer token (outside RFC 6750 b64token)", () => {
    const twitter = 'AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F';
    expect(parseTokenResponse({ token_type: 'bearer', access_token: twitter }, ctx).accessToken).toBe(twitter);
  });
});

describe('defineProvider', () => {
  it('shows only the public description in inspect() and JSON', () => {
    const secret = 'TOP-SECRET-VALUE';
    const provider = defineProvider(
      {
        strategy: 'fake',
        getToken: async () => ({ type: 'bearer' as const, accessToken: secret }),
        authorize: async () => ({ authorization: `Bearer ${secret}` }),
        invalidate: async () => {},
      },
      { clientId: 'app' },
    );
    expect(inspect(provider, { depth: 10, showHidden: true })).not.toContain(secret);
    expect(JSON.stringify(provider)).toBe('{"strategy":"fake","clientId":"app"}');
  });
});
