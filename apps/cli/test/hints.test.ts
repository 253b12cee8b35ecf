import { TokensmithError } from '@tokensmith/core';
import type { ProviderConfig } from '../src/config/schema.js';
import { explain } from '../src/hints/explain.js';
import type { ProviderScope } from '../src/hints/scope.js';
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
  it('adds no hint when the message already names the login to run', () => {
    const error = new TokensmithError(
      'login_required',
      'not logged in to user, and a login needs a person (CI is set): run `tokensmith login user` in a terminal; in a script, log in in two steps: `tokensmith login user --no-browser` prints the URL to approve, then `tokensmith login user --pin PIN`',
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

describe('maskStoreUrl()', () => {
  it('masks the password and keeps the URL as written', () => {
    expect(maskStoreUrl('redis://:hunter2@127.0.0.1:6379')).toBe('redis://:***@127.0.0.1:6379');
    expect(maskStoreUrl('rediss://alice:hunter2@redis.example:6380/2')).toBe('rediss://***:***@redis.example:6380/2');
    expect(maskStoreUrl('redis://127.0.0.1:6379/')).toBe('redis://127.0.0.1:6379/');
    expect(maskStoreUrl('file')).toBe('file');
  });
});
