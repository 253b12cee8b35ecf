import * as v from 'valibot';
import { providerSchema } from '../src/config/schema.js';

// `baseUrl` and `allowedOrigins`: every strategy takes them (the shared block), and an allowed
// origin is an origin only, so a path in it cannot widen or narrow what `tokensmith api` may call.

const app = { strategy: 'client-credentials', tokenUrl: 'https://api.x.com/oauth2/token', clientId: 'id', clientSecret: 'secret' };
const oauth1 = {
  strategy: 'oauth1-pin',
  consumerKey: 'k',
  consumerSecret: 's',
  requestTokenUrl: 'https://api.x.com/oauth/request_token',
  authorizeUrl: 'https://api.x.com/oauth/authorize',
  accessTokenUrl: 'https://api.x.com/oauth/access_token',
};
const code = { strategy: 'authorization-code', issuer: 'https://mastodon.example', clientId: 'c', authMethod: 'none', scopes: ['read'] };
const device = { strategy: 'device-code', issuer: 'https://github.com', clientId: 'c', authMethod: 'none', scopes: ['repo'] };

const issues = (value: unknown) =>
  (v.safeParse(providerSchema, value).issues ?? []).map((issue) => `${v.getDotPath(issue)}: ${issue.message}`);

describe('config: baseUrl and allowedOrigins', () => {
  it.each([app, oauth1, code, device])('$strategy takes them', (provider) => {
    expect(
      issues({ ...provider, baseUrl: 'https://api.x.com', allowedOrigins: ['https://upload.x.com', 'http://127.0.0.1:8080'] }),
    ).toEqual([]);
  });

  it('refuses an allowed origin with a path, a plain-http origin off loopback, and a baseUrl that is not a URL', () => {
    expect(issues({ ...app, allowedOrigins: ['https://upload.x.com/1.1'] })).toEqual([
      'allowedOrigins.0: must be an origin only (scheme, host and port; no path)',
    ]);
    expect(issues({ ...app, allowedOrigins: ['http://upload.x.com'] })).toEqual([
      'allowedOrigins.0: must use https:// (plain http:// is allowed only on loopback such as 127.0.0.1)',
    ]);
    expect(issues({ ...app, baseUrl: 'api.x.com' })).toEqual(['baseUrl: must be a URL (http:// or https://)']);
  });
});
