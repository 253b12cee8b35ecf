import { TokensmithError } from '@tokensmith/core/kit';
import {
  DEFAULT_SUBJECT_TOKEN_TYPE,
  TOKEN_TYPES,
  exchangeParameters,
  readExchangeRequest,
  tokenExchangeKey,
  tokenTypeUri,
} from '../src/index.js';

describe('token types (RFC 8693 3)', () => {
  it('maps the short names to the RFC URIs, keeps other URIs and refuses the rest', () => {
    expect(tokenTypeUri('jwt')).toBe('urn:ietf:params:oauth:token-type:jwt');
    expect(tokenTypeUri('id_token')).toBe('urn:ietf:params:oauth:token-type:id_token');
    expect(tokenTypeUri('urn:example:custom-token')).toBe('urn:example:custom-token');
    expect(tokenTypeUri('a jwt')).toBeUndefined();
    expect(DEFAULT_SUBJECT_TOKEN_TYPE).toBe(TOKEN_TYPES.jwt);
  });
});

describe('readExchangeRequest', () => {
  it('defaults the subject token type to jwt and lists audience and resource', () => {
    expect(
      readExchangeRequest({ subjectToken: { env: 'CI_JWT' }, audience: 'sandbox-api', resource: ['https://api.example.com/'] }),
    ).toEqual({
      subjectToken: { env: 'CI_JWT' },
      subjectTokenType: TOKEN_TYPES.jwt,
      audience: ['sandbox-api'],
      resource: ['https://api.example.com/'],
    });
  });

  it.each([
    [{ subjectToken: { env: 'X', file: 'y' } }, 'subjectToken must have exactly one of file, env or command'],
    [{ subjectToken: { command: [] } }, 'subjectToken.command must be a non-empty list'],
    [{ subjectToken: { env: 'not a name' } }, 'subjectToken.env must be an environment variable name'],
    [{ subjectToken: { env: 'X' }, subjectTokenType: 'jwt token' }, 'subjectTokenType must be a token type name'],
    [{ subjectToken: { env: 'X' }, actorToken: { env: 'Y' } }, 'actorToken and actorTokenType go together'],
    [{ subjectToken: { env: 'X' }, resource: 'https://api.example.com/#frag' }, 'resource must be an absolute URI without a fragment'],
  ])('refuses %j naming the field', (options, message) => {
    let thrown: unknown;
    try {
      readExchangeRequest(options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TokensmithError);
    expect((thrown as TokensmithError).code).toBe('invalid_options');
    expect((thrown as Error).message).toContain(message);
  });
});

describe('exchangeParameters (RFC 8693 2.1)', () => {
  it('sends the subject and actor tokens with their types, each audience and resource, and the requested type', () => {
    const request = readExchangeRequest({
      subjectToken: { env: 'S' },
      actorToken: { file: '/a' },
      actorTokenType: 'access_token',
      audience: ['a', 'b'],
      resource: 'https://r.example/',
      requestedTokenType: 'access_token',
    });
    expect(exchangeParameters(request, { subjectToken: 'subj', actorToken: 'act' })).toEqual([
      ['subject_token', 'subj'],
      ['subject_token_type', TOKEN_TYPES.jwt],
      ['actor_token', 'act'],
      ['actor_token_type', TOKEN_TYPES.access_token],
      ['audience', 'a'],
      ['audience', 'b'],
      ['resource', 'https://r.example/'],
      ['requested_token_type', TOKEN_TYPES.access_token],
    ]);
  });
});

describe('tokenExchangeKey', () => {
  const base = { tokenUrl: 'https://sts.example.com/token', clientId: 'ci', subjectToken: { env: 'CI_JWT' } };
  it('differs when the audience, the subject source or its type differ, and never holds a token', () => {
    const key = tokenExchangeKey(base);
    expect(key).toMatch(/^v2:token-exchange:/);
    expect(tokenExchangeKey({ ...base })).toBe(key);
    expect(tokenExchangeKey({ ...base, audience: 'other' })).not.toBe(key);
    expect(tokenExchangeKey({ ...base, subjectToken: { env: 'OTHER' } })).not.toBe(key);
    expect(tokenExchangeKey({ ...base, subjectTokenType: 'id_token' })).not.toBe(key);
    expect(tokenExchangeKey({ ...base, clientSecret: 's3cret-value' })).not.toContain('s3cret-value');
  });
});
