import { privateKeyFitsMethod, schemaParts, signingAlgFitsMethod, type Valibot } from '../config/schema-parts.js';
import { defineStrategy } from './adapter.js';
import { plainLoginHint } from './interaction.js';
import { clientAssertionOptions, clientCredentialFields, clientKeySecret } from './oauth2-client.js';

// `none` is a public client's word: client credentials always authenticate the client.
const NO_PUBLIC_CLIENT =
  "must be 'basic', 'post', 'private_key_jwt' or 'client_secret_jwt' (client credentials always authenticate the client, so 'none' cannot work)";
const METHODS = ['basic', 'post', 'none', 'body', 'private_key_jwt', 'client_secret_jwt'] as const;

function schema(v: Valibot) {
  const { commonSettings, nonEmpty, url, clientAssertionSettings } = schemaParts(v);
  return v.pipe(
    v.strictObject({
      strategy: v.literal('client-credentials'),
      /** The token endpoint; or `issuer`, and it is discovered from the issuer's metadata. */
      tokenUrl: v.optional(url),
      issuer: v.optional(url),
      clientId: nonEmpty,
      // Required, except with private_key_jwt (the key authenticates the client).
      clientSecret: v.optional(nonEmpty),
      ...clientAssertionSettings,
      scope: v.optional(v.union([nonEmpty, v.array(nonEmpty)], 'must be a string or a list of strings')),
      // `body` is the old word for `post`, still read (with a deprecation note when the provider is built).
      authMethod: v.optional(
        v.pipe(
          v.picklist(METHODS, NO_PUBLIC_CLIENT),
          v.check((method) => method !== 'none', NO_PUBLIC_CLIENT),
        ),
      ),
      /** Where `logout` invalidates the token (Twitter's `POST oauth2/invalidate_token`). */
      invalidateUrl: v.optional(url),
      // RFC 9449: a DPoP-bound app token, its key kept in the token store with it.
      dpop: v.optional(v.boolean('must be true or false')),
      ...commonSettings,
    }),
    v.check((p) => p.tokenUrl !== undefined || p.issuer !== undefined, 'needs tokenUrl, or issuer (its token endpoint is discovered)'),
    v.check(
      (p) => p.authMethod === 'private_key_jwt' || p.clientSecret !== undefined,
      'needs clientSecret (or authMethod: private_key_jwt with privateKey)',
    ),
    v.check((p) => privateKeyFitsMethod.holds(p), privateKeyFitsMethod.message),
    v.check((p) => signingAlgFitsMethod.holds(p), signingAlgFitsMethod.message),
    v.check(
      (p) => p.invalidateUrl === undefined || p.authMethod === undefined || !p.authMethod.endsWith('_jwt'),
      "invalidateUrl (Twitter's invalidate_token) authenticates with HTTP Basic: it cannot be used with a JWT authMethod",
    ),
  );
}

/** The space-separated scope the package keys tokens by (it joins a list the same way). */
function scopeText(scope: string | string[] | undefined): string | undefined {
  return Array.isArray(scope) ? scope.join(' ') : scope;
}

/** OAuth 2 client credentials (RFC 6749 4.4): an app-only bearer token, no user, no browser. */
export const clientCredentials = defineStrategy({
  name: 'client-credentials',
  schema,
  help: 'an app-only bearer token (OAuth 2 client credentials): no user, no browser',
  starter: `defaultProvider: twitter
providers:
  twitter:
    # App-only bearer token (OAuth 2 client credentials): no user, no browser.
    strategy: client-credentials
    tokenUrl: https://api.twitter.com/oauth2/token
    clientId: \${TWITTER_API_KEY}          # export TWITTER_API_KEY=...
    clientSecret: \${TWITTER_API_SECRET}   # export TWITTER_API_SECRET=...
    # authMethod: basic                    # basic (default) | post | private_key_jwt | client_secret_jwt
    # privateKey: ~/.config/tokensmith/app.pem   # private_key_jwt: a 0600 PEM/JWK file, or \${KEY_PEM} (no clientSecret then)
    # keyId: my-key-1                      # the kid of the registered key
    # invalidateUrl: https://api.twitter.com/oauth2/invalidate_token   # logout invalidates the token there
    # refreshSkewSeconds: 30               # renew this long before expiry
    timeline:
      url: https://api.twitter.com/1.1/statuses/user_timeline.json
      format: twitter-v1
      user: twitterapi                     # app-only calls need a user; --user overrides
`,
  secretFields: ['clientSecret', 'privateKey'],
  keyFileFields: ['privateKey'],
  credentialFields: ['clientId', 'clientSecret'],
  credentialFieldsOf: clientCredentialFields,
  scopeField: 'scope',
  appOnly: true,
  tokenType: 'bearer',
  renewal: 'app-token',
  scopes: {
    of: (config) => scopeText(config.scope)?.split(' ').filter(Boolean) ?? [],
    // Written as the list form the schema takes; the package joins it with spaces, as the key does.
    with: (config, scopes) => ({ ...config, scope: [...scopes] }),
  },
  loginHint: plainLoginHint,
  async storeKey(config) {
    const { tokenKey } = await import('@tokensmith/core/kit');
    return tokenKey({
      strategy: 'client-credentials',
      // The package keys by the token URL, or by the issuer when the token URL is discovered.
      endpoints: [config.tokenUrl ?? config.issuer!],
      clientId: config.clientId,
      secret: await clientKeySecret(config),
      scopes: scopeText(config.scope),
    });
  },
  async build(config, store, { interaction, person, shared }) {
    const { createClientCredentialsProvider } = await import('@tokensmith/client-credentials');
    if (config.authMethod === 'body') {
      interaction.io.stderr.write(
        `note: providers.${person.providerName}.authMethod 'body' is deprecated: write 'post' (the same client authentication, in the request body)\n`,
      );
    }
    const method = config.authMethod;
    const authMethod = method === 'post' || method === 'body' ? 'body' : method === 'none' ? undefined : method;
    return createClientCredentialsProvider({
      ...(config.tokenUrl === undefined ? { issuer: config.issuer! } : { tokenUrl: config.tokenUrl }),
      clientId: config.clientId,
      ...(config.clientSecret === undefined ? {} : { clientSecret: config.clientSecret }),
      ...clientAssertionOptions(config, `providers.${person.providerName}.privateKey`),
      store,
      ...(config.scope === undefined ? {} : { scope: config.scope }),
      ...(authMethod === undefined ? {} : { authMethod }),
      ...(config.invalidateUrl === undefined ? {} : { invalidateUrl: config.invalidateUrl }),
      ...(config.dpop === undefined ? {} : { dpop: config.dpop }),
      ...shared,
      // Logout reports an invalidation that failed here (tokens are forgotten locally anyway).
      onProgress: (message: string) => person.progress.start(message),
    });
  },
});
