import { bearerError, parseChallenges } from '../src/api/challenge.js';

describe('WWW-Authenticate (RFC 7235 4.1)', () => {
  it("reads RFC 6750's example challenges", () => {
    expect(parseChallenges('Bearer realm="example"')).toEqual([{ scheme: 'bearer', params: { realm: 'example' } }]);
    expect(parseChallenges('Bearer realm="example", error="invalid_token", error_description="The access token expired"')).toEqual([
      { scheme: 'bearer', params: { realm: 'example', error: 'invalid_token', error_description: 'The access token expired' } },
    ]);
  });

  it('reads several challenges, unquoted values, escapes and a token68', () => {
    expect(
      parseChallenges('Basic YWxhZGRpbjpvcGVuc2VzYW1l, DPoP algs="ES256 PS256", Bearer error=invalid_token, realm="a \\"b\\""'),
    ).toEqual([
      { scheme: 'basic', params: {} },
      { scheme: 'dpop', params: { algs: 'ES256 PS256' } },
      { scheme: 'bearer', params: { error: 'invalid_token', realm: 'a "b"' } },
    ]);
    expect(parseChallenges('Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"')).toEqual([
      { scheme: 'newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps"' } },
      { scheme: 'basic', params: { realm: 'simple' } },
    ]);
    expect(parseChallenges(null)).toEqual([]);
  });

  it('finds insufficient_scope and the scopes to ask for', () => {
    expect(bearerError('Bearer realm="Doorkeeper", error="insufficient_scope", scope="read:notifications write"')).toEqual({
      error: 'insufficient_scope',
      scopes: ['read:notifications', 'write'],
    });
    expect(bearerError('Bearer realm="x"')).toBeUndefined();
  });
});
