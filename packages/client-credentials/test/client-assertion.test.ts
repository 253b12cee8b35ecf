import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SANDBOX_CLIENT_KEYS } from '@tokensmith/sandbox';
import { createClientCredentialsProvider } from '../src/index.js';

// private_key_jwt and client_secret_jwt on simple-oauth2: what reaches the token endpoint is
// exactly RFC 7523 2.2's body (client_id, client_assertion_type, client_assertion), no secret in
// the body or a header, and every token request carries a newly signed assertion.

interface Seen {
  headers: IncomingHttpHeaders;
  form: URLSearchParams;
}

/** The claims of a compact JWS (its signature is the sandbox's business, see the CLI's e2e tests). */
function decodeJwt(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

let server: Server;
let seen: Seen[];
let tokenUrl: string;

beforeEach(async () => {
  seen = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += String(chunk)));
    req.on('end', () => {
      seen.push({ headers: req.headers, form: new URLSearchParams(body) });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ token_type: 'bearer', access_token: `token-${seen.length}`, expires_in: 3600 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('JWT client authentication on simple-oauth2', () => {
  it('private_key_jwt sends client_id, client_assertion_type and a fresh client_assertion per request, and no secret', async () => {
    const provider = createClientCredentialsProvider({
      tokenUrl,
      clientId: 'reporting-job',
      privateKey: SANDBOX_CLIENT_KEYS.es256.privateKeyPem,
      keyId: SANDBOX_CLIENT_KEYS.es256.kid,
    });
    await provider.getToken();
    await provider.getToken({ forceRefresh: true });
    expect(seen).toHaveLength(2);
    for (const { headers, form } of seen) {
      expect(headers.authorization).toBeUndefined();
      expect([...form.keys()].sort()).toEqual(['client_assertion', 'client_assertion_type', 'client_id', 'grant_type']);
      expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      expect(decodeJwt(form.get('client_assertion')!)).toMatchObject({ iss: 'reporting-job', sub: 'reporting-job', aud: tokenUrl });
    }
    const [first, second] = seen.map(({ form }) => decodeJwt(form.get('client_assertion')!).jti);
    expect(first).not.toBe(second);
  });

  it('client_secret_jwt keeps the secret out of the request', async () => {
    const secret = 'a-shared-secret-that-never-travels';
    const provider = createClientCredentialsProvider({ tokenUrl, clientId: 'app', clientSecret: secret, authMethod: 'client_secret_jwt' });
    await provider.getToken();
    const { headers, form } = seen[0]!;
    expect(JSON.stringify(headers)).not.toContain(Buffer.from(`app:${secret}`).toString('base64'));
    expect(form.toString()).not.toContain(secret);
    expect(form.get('client_secret')).toBeNull();
  });

  it('refuses a JWT method with invalidateUrl, and keyId with a secret method, naming the field', () => {
    expect(() =>
      createClientCredentialsProvider({
        tokenUrl,
        clientId: 'a',
        clientSecret: 's',
        authMethod: 'client_secret_jwt',
        invalidateUrl: tokenUrl,
      }),
    ).toThrow("invalidateUrl (Twitter's invalidate_token) authenticates the client with HTTP Basic");
    expect(() => createClientCredentialsProvider({ tokenUrl, clientId: 'a', clientSecret: 's', keyId: 'k' })).toThrow(
      "keyId is only for authMethod 'private_key_jwt' or 'client_secret_jwt'",
    );
  });
});
