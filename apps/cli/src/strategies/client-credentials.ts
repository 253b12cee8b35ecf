import { schemaParts, type Valibot } from '../config/schema-parts.js';
import { defineStrategy } from './adapter.js';
import { plainLoginHint } from './interaction.js';

// `none` is a public client's word: client credentials always authenticate the client.
const NO_PUBLIC_CLIENT = "must be 'basic' or 'post' (client credentials always authenticate the client, so 'none' cannot work)";

function schema(v: Valibot) {
  const { commonSettings, nonEmpty, url } = schemaParts(v);
  return v.strictObject({
    strategy: v.literal('client-credentials'),
    tokenUrl: url,
    clientId: nonEmpty,
    clientSecret: nonEmpty,
    scope: v.optional(v.union([nonEmpty, v.array(nonEmpty)], 'must be a string or a list of strings')),
    // `body` is the old word for `post`, still read (with a deprecation note when the provider is built).
    authMethod: v.optional(
      v.pipe(
        v.picklist(['basic', 'post', 'none', 'body'], "must be 'basic' or 'post'"),
        v.check((method) => method !== 'none', NO_PUBLIC_CLIENT),
      ),
    ),
    /** Where `logout` invalidates the token (Twitter's `POST oauth2/invalidate_token`). */
    invalidateUrl: v.optional(url),
    // RFC 9449: a DPoP-bound app token, its key kept in the token store with it.
    dpop: v.optional(v.boolean('must be true or false')),
    ...commonSettings,
  });
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
    # authMethod: basic                    # basic (default) | post
    # invalidateUrl: https://api.twitter.com/oauth2/invalidate_token   # logout invalidates the token there
    # refreshSkewSeconds: 30               # renew this long before expiry
    timeline:
      url: https://api.twitter.com/1.1/statuses/user_timeline.json
      format: twitter-v1
      user: twitterapi                     # app-only calls need a user; --user overrides
`,
  secretFields: ['clientSecret'],
  credentialFields: ['clientId', 'clientSecret'],
  scopeField: 'scope',
  appOnly: true,
  tokenType: 'bearer',
  loginHint: plainLoginHint,
  async storeKey(config) {
    const { tokenKey } = await import('@tokensmith/core/kit');
    return tokenKey({
      strategy: 'client-credentials',
      endpoints: [config.tokenUrl],
      clientId: config.clientId,
      secret: config.clientSecret,
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
    const authMethod = config.authMethod === undefined ? undefined : config.authMethod === 'basic' ? 'basic' : 'body';
    return createClientCredentialsProvider({
      tokenUrl: config.tokenUrl,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
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
