import { MemoryStore, TokensmithError } from '@tokensmith/core/kit';
import {
  credentialsKey,
  mergeRefreshed,
  readAuthorizationParams,
  readClientOptions,
  type FlowDescription,
  type OAuth2ClientOptions,
} from '../src/index.js';

const FLOW: FlowDescription = {
  strategy: 'device-code',
  endpoint: { option: 'deviceAuthorizationUrl', field: 'device_authorization_endpoint', value: 'https://auth.example/device' },
  ownedParams: ['client_id', 'scope'],
  scopesOptional: true,
};
const BASE: OAuth2ClientOptions = { tokenUrl: 'https://auth.example/token', clientId: 'cli', scopes: ['read'] };
const keyOf = (options: Partial<OAuth2ClientOptions>, flow: FlowDescription = FLOW) => readClientOptions({ ...BASE, ...options }, flow).key;

describe('readAuthorizationParams', () => {
  it('keeps order and repeats array values (several RFC 8707 resources)', () => {
    expect(readAuthorizationParams({ prompt: 'consent', resource: ['https://a.example/', 'https://b.example/'] }, [])).toEqual([
      ['prompt', 'consent'],
      ['resource', 'https://a.example/'],
      ['resource', 'https://b.example/'],
    ]);
  });

  it('refuses what the flow owns (any case), client credentials, non-strings, and a resource that is not an absolute URI without fragment', () => {
    const owned = ['response_type', 'redirect_uri', 'state', 'code_challenge', 'nonce', 'scope'];
    for (const name of ['state', 'STATE', 'code_challenge_method', 'nonce', 'scope', 'client_secret', 'client_id', 'grant_type']) {
      expect(() => readAuthorizationParams({ [name]: 'x' }, owned)).toThrow(`authorizationParams.${name} is set by the flow itself`);
    }
    expect(() => readAuthorizationParams({ prompt: 1 }, owned)).toThrow('authorizationParams.prompt must be a string');
    expect(() => readAuthorizationParams({ prompt: [] }, owned)).toThrow('authorizationParams.prompt must be a string');
    expect(() => readAuthorizationParams({ resource: 'api' }, owned)).toThrow(TokensmithError);
    expect(() => readAuthorizationParams({ resource: 'https://api.example/#x' }, owned)).toThrow('without a fragment');
    expect(() => readAuthorizationParams(['prompt'], owned)).toThrow('authorizationParams must be an object');
  });
});

describe('readClientOptions', () => {
  it('picks the client authentication: basic with a secret, none without; post on request', () => {
    expect(readClientOptions(BASE, FLOW).client.authMethod).toBe('none');
    expect(readClientOptions({ ...BASE, clientSecret: 's' }, FLOW).client.authMethod).toBe('basic');
    expect(readClientOptions({ ...BASE, clientSecret: 's', authMethod: 'post' }, FLOW).client.authMethod).toBe('post');
    expect(() => readClientOptions({ ...BASE, authMethod: 'jwt' as never }, FLOW)).toThrow(
      "authMethod must be one of 'basic', 'post', 'none', 'private_key_jwt', 'client_secret_jwt'",
    );
  });

  it('sends resource on token requests, not audience (RFC 8707 2.2)', () => {
    const settings = readClientOptions({ ...BASE, authorizationParams: { audience: 'api', resource: 'https://api.example/' } }, FLOW);
    expect(settings.tokenParams).toEqual([['resource', 'https://api.example/']]);
  });

  it('reads refreshSkewSeconds as the token manager skew, and leaves the default rule when omitted', () => {
    expect(readClientOptions(BASE, FLOW).skewMs).toBeUndefined();
    expect(readClientOptions({ ...BASE, refreshSkewSeconds: 5 }, FLOW).skewMs).toBe(5_000);
  });

  it('describes the client without its secret', () => {
    const settings = readClientOptions({ ...BASE, clientSecret: 'hunter2-secret', store: new MemoryStore() }, FLOW);
    expect(JSON.stringify(settings.description)).not.toContain('hunter2');
    expect(settings.description).toMatchObject({ client: 'confidential', authMethod: 'basic' });
    expect(settings.key).not.toContain('hunter2');
  });
});

describe('token identity (the store key)', () => {
  it('changes with everything that makes tokens differ, never with presentation parameters', () => {
    const key = keyOf({});
    const different = [
      keyOf({ clientId: 'other' }),
      keyOf({ clientSecret: 'a' }),
      keyOf({ tokenUrl: 'https://auth.example/token2' }),
      keyOf({ scopes: ['read', 'write'] }),
      keyOf({ authorizationParams: { audience: 'https://api.example' } }),
      keyOf({ authorizationParams: { resource: 'https://api.example/' } }),
      keyOf({ authorizationParams: { login_hint: 'alice' } }),
      keyOf({}, { ...FLOW, strategy: 'authorization-code' }),
      keyOf({}, { ...FLOW, endpoint: { ...FLOW.endpoint, value: 'https://auth.example/device2' } }),
    ];
    expect(new Set([key, ...different]).size).toBe(different.length + 1);
    expect(keyOf({ clientSecret: 'a' })).not.toBe(keyOf({ clientSecret: 'b' }));
    expect(keyOf({ scopes: ['write', 'read'] })).toBe(keyOf({ scopes: ['read', 'write'] }));
    expect(keyOf({ authorizationParams: { prompt: 'consent', display: 'page' } })).toBe(key);
  });

  it('is the kit key of the identity', () => {
    const key = credentialsKey({
      strategy: 'device-code',
      endpoints: [new URL('https://auth.example/')],
      clientId: 'cli',
      scopes: [],
      authorizationParams: [],
    });
    expect(key).toMatch(/^v2:device-code:cli@auth\.example:[0-9a-f]{32}$/);
  });
});

describe('mergeRefreshed (rotation)', () => {
  it('keeps the old refresh token, ID token and scope when the refresh response omits them', () => {
    const current = { type: 'bearer' as const, accessToken: 'a1', refreshToken: 'r1', idToken: 'i1', scope: ['read'] };
    expect(mergeRefreshed(current, { type: 'bearer', accessToken: 'a2' })).toEqual({
      type: 'bearer',
      accessToken: 'a2',
      refreshToken: 'r1',
      idToken: 'i1',
      scope: ['read'],
    });
    expect(mergeRefreshed(current, { type: 'bearer', accessToken: 'a2', refreshToken: 'r2', scope: [] })).toMatchObject({
      refreshToken: 'r2',
      scope: [],
    });
  });

  it('single-use refresh tokens (X, GitLab): a spent one is never carried forward; a new one is kept', () => {
    const current = { type: 'bearer' as const, accessToken: 'a1', refreshToken: 'r1', scope: ['read'] };
    const merged = mergeRefreshed(current, { type: 'bearer', accessToken: 'a2' }, true);
    expect(merged).toEqual({ type: 'bearer', accessToken: 'a2', scope: ['read'] });
    expect(mergeRefreshed(current, { type: 'bearer', accessToken: 'a2', refreshToken: 'r2' }, true).refreshToken).toBe('r2');
  });

  it('reads singleUseRefreshTokens (default false)', () => {
    expect(readClientOptions(BASE, FLOW).singleUseRefreshTokens).toBe(false);
    expect(readClientOptions({ ...BASE, singleUseRefreshTokens: true }, FLOW).singleUseRefreshTokens).toBe(true);
  });
});
