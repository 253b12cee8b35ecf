import { createRequire } from 'node:module';
import { resolveClientCredentialsOptions } from '../src/client-credentials-options.js';
import { createClientCredentialsGrant, resolveModuleOptions } from '../src/simple-oauth2-grant.js';
import { simpleOAuth2Options } from '../src/token-request.js';
import { createWreckTransport } from '../src/wreck-transport.js';
import { startSandbox } from '@tokensmith/sandbox';

// simple-oauth2's own schema and its Joi, loaded the way simple-oauth2's entry point loads them.
const fromSimpleOAuth2 = createRequire(createRequire(import.meta.url).resolve('simple-oauth2'));
const { ClientCredentialsSchema } = fromSimpleOAuth2('./lib/config.js') as { ClientCredentialsSchema: unknown };
const Joi = fromSimpleOAuth2('joi') as { attempt(value: unknown, schema: unknown): unknown };

const APP = { clientId: 'grant-key', clientSecret: 'GRANT-SECRET~!*()' };
const TOKEN_URLS = [
  'https://api.x.com/oauth2/token',
  'https://api.x.com:8443/oauth2/token?tenant=a%20b&x=1',
  'http://127.0.0.1:4010/token',
  'http://[::1]:9/o/t',
  'https://login.example/',
];

describe("simple-oauth2's options without Joi", () => {
  it.each(TOKEN_URLS.flatMap((tokenUrl) => (['basic', 'body'] as const).map((authMethod) => [tokenUrl, authMethod] as const)))(
    'equal what its ClientCredentialsSchema returns: %s, %s',
    (tokenUrl, authMethod) => {
      const settings = resolveClientCredentialsOptions({ tokenUrl, ...APP, authMethod, scope: ['a', 'b'] });
      const options = simpleOAuth2Options(settings, createWreckTransport(undefined).agents);
      const expected = Joi.attempt(options, ClientCredentialsSchema);
      expect(resolveModuleOptions(options)).toEqual(expected);
    },
  );

  it('fill in every default the schema does, for options the strategy never sends', () => {
    const bare = { client: { id: 'i', secret: 's' }, auth: { tokenHost: 'https://h.example' } };
    expect(resolveModuleOptions(bare)).toEqual(Joi.attempt(bare, ClientCredentialsSchema));
  });

  it('build a grant that gets a token from a real server', async () => {
    const sandbox = await startSandbox({ apps: [APP] });
    try {
      const url = new URL(sandbox.endpoints.tokenUrl);
      const grant = await createClientCredentialsGrant({
        client: { id: APP.clientId, secret: APP.clientSecret },
        auth: { tokenHost: url.origin, tokenPath: url.pathname },
      });
      const { token } = await grant.getToken({});
      expect(token).toMatchObject({ token_type: 'bearer', access_token: expect.any(String) });
    } finally {
      await sandbox.stop();
    }
  });
});
