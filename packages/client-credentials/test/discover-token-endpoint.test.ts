import nock from 'nock';
import { TokensmithError } from '@tokensmith/core/kit';
import { createClientCredentialsProvider } from '../src/index.js';
import { discoverTokenEndpoint, metadataUrls } from '../src/discover-token-endpoint.js';

// issuer is enough for client credentials: the token endpoint comes from the issuer's metadata.

const ISSUER = 'https://id.example.com';
const options = { fetch: (input: string | URL | Request, init?: RequestInit) => globalThis.fetch(input, init), timeoutMs: 5_000 };

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

describe('metadataUrls', () => {
  it('appends the OIDC path, then inserts the RFC 8414 one', () => {
    expect(metadataUrls(new URL('https://id.example.com')).map(String)).toEqual([
      'https://id.example.com/.well-known/openid-configuration',
      'https://id.example.com/.well-known/oauth-authorization-server',
    ]);
    expect(metadataUrls(new URL('https://id.example.com/oauth2/default')).map(String)).toEqual([
      'https://id.example.com/oauth2/default/.well-known/openid-configuration',
      'https://id.example.com/.well-known/oauth-authorization-server/oauth2/default',
    ]);
  });
});

describe('discoverTokenEndpoint', () => {
  it('reads token_endpoint from the OpenID configuration', async () => {
    nock(ISSUER)
      .get('/.well-known/openid-configuration')
      .reply(200, { issuer: ISSUER, token_endpoint: `${ISSUER}/oauth/token` });
    expect(String(await discoverTokenEndpoint(new URL(ISSUER), options))).toBe(`${ISSUER}/oauth/token`);
  });

  it('falls back to RFC 8414 metadata on a 404', async () => {
    nock(ISSUER).get('/.well-known/openid-configuration').reply(404);
    nock(ISSUER)
      .get('/.well-known/oauth-authorization-server')
      .reply(200, { issuer: ISSUER, token_endpoint: `${ISSUER}/token` });
    expect(String(await discoverTokenEndpoint(new URL(ISSUER), options))).toBe(`${ISSUER}/token`);
  });

  it.each([
    [{ issuer: 'https://other.example.com', token_endpoint: `${ISSUER}/t` }, 'for another issuer'],
    [{ issuer: ISSUER }, 'has no token_endpoint; set tokenUrl'],
    [{ issuer: ISSUER, token_endpoint: 'http://id.example.com/t' }, 'token_endpoint must use https://'],
    [['not', 'metadata'], 'is not a metadata document'],
  ])('refuses %j', async (body, message) => {
    nock(ISSUER).get('/.well-known/openid-configuration').reply(200, body);
    await expect(discoverTokenEndpoint(new URL(ISSUER), options)).rejects.toThrow(message);
  });

  it('says when there is no metadata at all', async () => {
    nock(ISSUER).get('/.well-known/openid-configuration').reply(404);
    nock(ISSUER).get('/.well-known/oauth-authorization-server').reply(404);
    const error = await discoverTokenEndpoint(new URL(ISSUER), options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokensmithError);
    expect(error).toMatchObject({ code: 'config_error', operation: 'discovery' });
  });

  it('reads no more than the auth-response cap', async () => {
    nock(ISSUER)
      .get('/.well-known/openid-configuration')
      .reply(200, JSON.stringify({ issuer: ISSUER, token_endpoint: `${ISSUER}/t`, pad: 'x'.repeat(70_000) }));
    await expect(discoverTokenEndpoint(new URL(ISSUER), options)).rejects.toMatchObject({ code: 'invalid_token_response' });
  });
});

describe('createClientCredentialsProvider with issuer only', () => {
  it('discovers the token endpoint once, then asks it for the token', async () => {
    const metadata = nock(ISSUER)
      .get('/.well-known/openid-configuration')
      .once()
      .reply(200, { issuer: ISSUER, token_endpoint: `${ISSUER}/oauth/token` });
    const token = nock(ISSUER)
      .post('/oauth/token', 'grant_type=client_credentials')
      .twice()
      .reply(200, { access_token: 'at-1', token_type: 'bearer', expires_in: 3600 });
    const provider = createClientCredentialsProvider({ issuer: ISSUER, clientId: 'id', clientSecret: 'secret' });
    expect((await provider.getToken()).accessToken).toBe('at-1');
    expect((await provider.getToken({ forceRefresh: true })).accessToken).toBe('at-1');
    expect(metadata.isDone()).toBe(true);
    expect(token.isDone()).toBe(true);
  });

  it('needs tokenUrl or issuer', () => {
    expect(() => createClientCredentialsProvider({ clientId: 'id', clientSecret: 'secret' })).toThrow(/tokenUrl/);
  });
});
