import { privateKeyFitsMethod, schemaParts, secretUnlessPublic, signingAlgFitsMethod, type Valibot } from '../config/schema-parts.js';
import { defineStrategy, type ConfigOf } from './adapter.js';
import { plainLoginHint } from './interaction.js';
import { clientAssertionOptions, clientCredentialFields, definedSettings } from './oauth2-client.js';

// RFC 8693 token exchange: a workload (a CI job) trades its platform's identity token for an API
// token. No person, no login prompt: `login` just obtains a token, like client credentials.
function schema(v: Valibot) {
  const { commonSettings, nonEmpty, url, oauth2ClientSettings, tokenSource } = schemaParts(v);
  // The client settings every OAuth 2 strategy shares (issuer, tokenUrl, clientId, secret, authMethod
  // and whatever client authentication grows), without the browser's authorizationParams; scopes optional.
  const { scopes, authorizationParams: _authorizationParams, ...client } = oauth2ClientSettings;
  return v.pipe(
    v.strictObject({
      strategy: v.literal('token-exchange'),
      ...client,
      scopes: v.optional(scopes),
      subjectToken: tokenSource,
      subjectTokenType: v.optional(nonEmpty),
      actorToken: v.optional(tokenSource),
      actorTokenType: v.optional(nonEmpty),
      audience: v.optional(v.union([nonEmpty, v.array(nonEmpty)], 'must be a string or a list of strings')),
      resource: v.optional(v.union([url, v.array(url)], 'must be a URL or a list of URLs')),
      requestedTokenType: v.optional(nonEmpty),
      commandTimeoutMs: v.optional(v.pipe(v.number('must be a number of milliseconds'), v.integer(), v.minValue(1, 'must be > 0'))),
      ...commonSettings,
    }),
    v.check((p) => p.issuer !== undefined || p.tokenUrl !== undefined, 'needs either issuer (for discovery) or tokenUrl'),
    v.check((p) => (p.actorToken === undefined) === (p.actorTokenType === undefined), 'actorToken and actorTokenType go together'),
    v.check((p) => secretUnlessPublic.holds(p), secretUnlessPublic.message),
    v.check((p) => privateKeyFitsMethod.holds(p), privateKeyFitsMethod.message),
    v.check((p) => signingAlgFitsMethod.holds(p), signingAlgFitsMethod.message),
  );
}

type TokenExchangeConfig = ConfigOf<typeof schema>;

/** The package's options from the config alone (the store key and the provider read the same ones). */
function exchangeOptions(config: TokenExchangeConfig) {
  return {
    clientId: config.clientId,
    subjectToken: config.subjectToken,
    ...definedSettings(config, [
      'issuer',
      'tokenUrl',
      'revocationUrl',
      'clientSecret',
      'authMethod',
      'scopes',
      'subjectTokenType',
      'audience',
      'resource',
      'requestedTokenType',
      'commandTimeoutMs',
    ]),
    ...(config.actorToken === undefined ? {} : { actorToken: config.actorToken, actorTokenType: config.actorTokenType }),
  };
}

/** OAuth 2 token exchange (RFC 8693): a workload's identity token swapped for an API token, no stored secret. */
export const tokenExchange = defineStrategy({
  name: 'token-exchange',
  schema,
  help: "OAuth 2 token exchange (RFC 8693): swap a workload's identity token (a CI job's OIDC token) for an API token; no person",
  starter: `defaultProvider: api
providers:
  api:
    # OAuth 2 token exchange (RFC 8693): a CI job swaps its platform's OIDC token for an API token,
    # with no stored secret. tokensmith token api exchanges again whenever the token expires.
    strategy: token-exchange
    tokenUrl: https://sts.example.com/oauth2/token
    # issuer: https://sts.example.com       # or OIDC/OAuth discovery instead of tokenUrl
    clientId: ci-deployer
    # clientSecret: \${STS_CLIENT_SECRET}    # omit for a public client
    # authMethod: none                      # basic | post | none | private_key_jwt | client_secret_jwt
    # privateKey: ~/.config/tokensmith/sts.pem   # private_key_jwt: a 0600 PEM/JWK file, or \${KEY_PEM}
    subjectToken: { env: CI_OIDC_TOKEN }    # or { file: /var/run/secrets/ci/token }, or { command: [gh-oidc-token, --audience, sts] }
    # subjectTokenType: jwt                 # jwt (default) | id_token | access_token | a token type URI
    # actorToken: { file: /var/run/secrets/actor }   # delegation: who acts for the subject
    # actorTokenType: access_token
    audience: https://api.example.com
    # resource: https://api.example.com/v1  # RFC 8707
    # scopes: [deployments.write]
    # requestedTokenType: access_token
    # commandTimeoutMs: 30000              # a subjectToken command's deadline
    baseUrl: https://api.example.com
`,
  secretFields: ['clientSecret', 'privateKey'],
  keyFileFields: ['privateKey'],
  credentialFields: ['clientId', 'clientSecret', 'subjectToken'],
  credentialFieldsOf: (config) => [...clientCredentialFields(config), 'subjectToken'],
  scopeField: 'scopes',
  grantFields: ['subjectToken', 'subjectTokenType'],
  targetFields: ['audience', 'resource'],
  appOnly: true,
  renewal: 'app-token',
  tokenType: 'bearer',
  loginHint: plainLoginHint,
  async storeKey(config) {
    const { tokenExchangeKey } = await import('@tokensmith/token-exchange');
    return tokenExchangeKey(exchangeOptions(config));
  },
  async build(config, store, { person, shared }) {
    const { createTokenExchangeProvider } = await import('@tokensmith/token-exchange');
    return createTokenExchangeProvider({
      ...exchangeOptions(config),
      ...clientAssertionOptions(config, `providers.${person.providerName}.privateKey`),
      store,
      ...shared,
      onProgress: (message: string) => person.progress.start(message),
    });
  },
});
