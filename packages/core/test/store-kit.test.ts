import { parseStoredCredentials } from '../src/kit.js';

describe('parseStoredCredentials: what a store reads back', () => {
  it('gives back bearer and oauth1 credentials as stored', () => {
    const bearer = { type: 'bearer', accessToken: 'at-1', expiresAt: 1_700_000_000_000, refreshToken: 'rt-1', scope: ['read'] };
    const oauth1 = { type: 'oauth1', token: 't-1', tokenSecret: 'ts-1', extra: { screen_name: 'alice' } };
    expect(parseStoredCredentials(JSON.stringify(bearer))).toEqual(bearer);
    expect(parseStoredCredentials(JSON.stringify(oauth1))).toEqual(oauth1);
  });

  it.each([
    ['text that is not JSON', '{"type":"bearer","accessToken":'],
    ['an empty string', ''],
    ['JSON null', 'null'],
    ['a JSON string', '"at-1"'],
    ['an array', '[{"type":"bearer","accessToken":"at-1"}]'],
    ['an unknown type', '{"type":"mac","accessToken":"at-1"}'],
    ['a bearer without its token', '{"type":"bearer"}'],
    ['an expiresAt of null (JSON of Infinity)', '{"type":"bearer","accessToken":"at-1","expiresAt":null}'],
    ['an expiresAt no Date holds', '{"type":"bearer","accessToken":"at-1","expiresAt":1e300}'],
    ['an oauth1 token without its secret', '{"type":"oauth1","token":"t-1"}'],
  ])('gives undefined, never throws, for %s', (_what, text) => {
    expect(parseStoredCredentials(text)).toBeUndefined();
  });
});
