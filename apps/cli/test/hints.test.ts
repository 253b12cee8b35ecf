import { OAuthResponseError, TokensmithError } from '@tokensmith/core';
import type { ProviderConfig } from '../src/config/schema.js';
import { explain } from '../src/hints/explain.js';
import type { ProviderScope } from '../src/hints/scope.js';
import { withNextStep } from '../src/hints/next-step.js';
import { maskStoreUrl } from '../src/hints/store.js';

const oauth1: ProviderScope = {
  name: 'user',
  storeSetting: 'auto',
  config: {
    strategy: 'oauth1-pin',
    consumerKey: 'key',
    consumerSecret: 'secret',
    requestTokenUrl: 'https://api.example/oauth/request_token',
    authorizeUrl: 'https://api.example/oauth/authorize',
    accessTokenUrl: 'https://api.example/oauth/access_token',
  },
};
const oauth2: ProviderScope = {
  name: 'me',
  storeSetting: 'auto',
  config: { strategy: 'authorization-code', issuer: 'https://id.example', clientId: 'cli' } as ProviderConfig,
};

describe('explain(): the next login, said once', () => {
  it('adds no hint when the error is marked as naming the login to run', () => {
    const error = withNextStep(
      new TokensmithError(
        'login_required',
        'not logged in to user, and a login needs a person (CI is set): run `tokensmith login user` in a terminal; in a script, log in in two steps: `tokensmith login user --no-browser` prints the URL to approve, then `tokensmith login user --pin PIN`',
      ),
    );
    const explained = explain(error, oauth1);
    expect(explained.message).toBe(error.message);
    expect(explained.hint).toBeUndefined();
    expect(explained.category).toBe('auth');
  });

  it('an OAuth 1.0a login_required without a command: the terminal login and the two-step one for scripts', () => {
    const explained = explain(new TokensmithError('login_required', 'no answer for "PIN:": standard input ended'), oauth1);
    expect(explained.hint).toBe(
      'run `tokensmith login user` in a terminal; in a script, log in in two steps: `tokensmith login user --no-browser`, then `tokensmith login user --pin PIN`',
    );
  });

  it('other strategies: the plain login command', () => {
    expect(explain(new TokensmithError('callback_timeout', 'no browser came back within 300 s'), oauth2).hint).toBe(
      'run `tokensmith login me`',
    );
  });
});

const device: ProviderScope = {
  name: 'tv',
  storeSetting: 'auto',
  config: {
    strategy: 'device-code',
    clientId: 'tv-app',
    deviceAuthorizationUrl: 'https://id.example/device',
    tokenUrl: 'https://id.example/token',
  } as ProviderConfig,
};

/** An OAuth error answer as a strategy throws it: the message is deliberately unhelpful, so only the fields can decide. */
function answer(
  fields: { status: number; error: string; error_description?: string; serverTime?: number },
  details: object,
): OAuthResponseError {
  return new OAuthResponseError('x', { ...fields, body: '' }, details);
}

describe('explain(): decided by the error fields, never its wording', () => {
  it('a wrong PIN (access_token, 401): the PIN was not accepted, whatever the message or Twitter code says', () => {
    for (const error of ['verifier_invalid', 'twitter_32', 'http_401']) {
      const explained = explain(
        answer({ status: 401, error }, { operation: 'access_token', endpoint: 'https://api.example/oauth/access_token' }),
        oauth1,
      );
      expect(explained.message).toMatch(/^user: the PIN was not accepted \(HTTP 401 /);
      expect(explained.message).not.toMatch(/credentials/);
      expect(explained.hint).toContain('tokensmith login user');
      expect(explained.category).toBe('auth');
    }
  });

  it('the same refusal at the request token step is about the consumer key and secret', () => {
    const explained = explain(answer({ status: 401, error: 'twitter_32' }, { operation: 'request_token' }), oauth1);
    expect(explained.message).toBe(
      "user: the provider refused the app's credentials (providers.user.requestTokenUrl = https://api.example/oauth/request_token) (HTTP 401 twitter_32)",
    );
    expect(explained.hint).toMatch(/consumerKey and providers\.user\.consumerSecret/);
  });

  it("X's code 135: the clock is off, with the server's time from its Date header; never the consumer key", () => {
    const serverTime = Date.parse('2026-01-02T03:04:05Z');
    const explained = explain(
      answer(
        { status: 401, error: 'twitter_135', error_description: 'Timestamp out of bounds.', serverTime },
        { operation: 'request_token' },
      ),
      oauth1,
    );
    expect(explained.message).toMatch(/clock is off/);
    expect(explained.message).toContain("the server's time was 2026-01-02T03:04:05.000Z");
    expect(explained.hint).toMatch(/system clock/);
    expect(`${explained.message} ${explained.hint}`).not.toMatch(/consumer/);
    const noDate = explain(answer({ status: 401, error: 'twitter_135' }, { operation: 'request_token' }), oauth1);
    expect(noDate.message).toMatch(/clock is off/);
    expect(noDate.message).not.toContain("server's time");
  });

  it('a device authorization failure names deviceAuthorizationUrl, not the token endpoint', () => {
    const refused = explain(
      answer({ status: 400, error: 'invalid_client' }, { operation: 'device_authorization', endpoint: 'https://id.example/device' }),
      device,
    );
    expect(refused.message).toContain('providers.tv.deviceAuthorizationUrl = https://id.example/device');
    const bad = explain(
      new TokensmithError('invalid_token_response', 'x', { operation: 'device_authorization', endpoint: 'https://id.example/device' }),
      device,
    );
    expect(bad.hint).toBe("check providers.tv.deviceAuthorizationUrl points at the provider's device authorization endpoint");
    const down = explain(new TokensmithError('network_error', 'x', { operation: 'device_authorization' }), device);
    expect(down.message).toContain('providers.tv.deviceAuthorizationUrl');
    expect(down.message).not.toContain('tokenUrl');
  });

  it('a discovered endpoint falls back to the issuer; the endpoint decides over the operation', () => {
    const viaIssuer = explain(
      new TokensmithError('timeout', 'x', { operation: 'device_authorization', endpoint: 'https://id.example/dev' }),
      oauth2,
    );
    expect(viaIssuer.message).toContain('providers.me.issuer = https://id.example');
    const polled = explain(
      new TokensmithError('timeout', 'x', { operation: 'device_token', endpoint: 'https://id.example/token' }),
      device,
    );
    expect(polled.message).toContain('providers.tv.tokenUrl = https://id.example/token');
  });

  it("a resource's 401 is not about the app's credentials", () => {
    const explained = explain(answer({ status: 401, error: 'http_401' }, { operation: 'resource' }), oauth2);
    expect(explained.message).not.toMatch(/credentials/);
  });

  it('the busy port of a login redirect names redirectUri (login has no --port); the sandbox keeps --port', () => {
    const busy = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', syscall: 'listen', port: 8765 });
    const login = explain(new TokensmithError('config_error', 'x', { operation: 'authorization', cause: busy }), oauth2);
    expect(login.message).toContain('providers.me.redirectUri');
    expect(login.hint).toContain('providers.me.redirectUri');
    expect(`${login.message} ${login.hint}`).not.toContain('--port');
    expect(explain(busy).hint).toContain('--port');
  });

  it('store errors: the store says what failed, the CLI adds its commands', () => {
    const corrupt = explain(
      new TokensmithError('store_error', 'token file /x is corrupt; to reset it, delete the file or log out'),
      oauth2,
    );
    expect(corrupt).toMatchObject({ category: 'usage', hint: expect.stringContaining('tokensmith logout me') });
    const down = explain(new TokensmithError('store_unavailable', 'no D-Bus session bus'), { ...oauth2, storeSetting: 'keychain' });
    expect(down).toMatchObject({ category: 'provider', hint: expect.stringContaining('--store file') });
  });
});

describe('maskStoreUrl()', () => {
  it('masks the password and keeps the URL as written', () => {
    expect(maskStoreUrl('redis://:hunter2@127.0.0.1:6379')).toBe('redis://:***@127.0.0.1:6379');
    expect(maskStoreUrl('rediss://alice:hunter2@redis.example:6380/2')).toBe('rediss://***:***@redis.example:6380/2');
    expect(maskStoreUrl('redis://127.0.0.1:6379/')).toBe('redis://127.0.0.1:6379/');
    expect(maskStoreUrl('file')).toBe('file');
  });
});
