import * as v from 'valibot';

// The config schema, in valibot: it loads in ~8 ms where zod 4 takes ~50 ms (it imports every
// locale), and every configured CLI run pays that price.

const nonEmpty = v.pipe(v.string('must be a string'), v.trim(), v.minLength(1, 'must not be empty'));

const isHttpUrl = (value: string) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
const url = v.pipe(v.string('must be a URL'), v.check(isHttpUrl, 'must be a URL (http:// or https://)'));

/** Timeline response shapes the CLI can read. */
export const TIMELINE_FORMATS = ['twitter-v1', 'twitter-v2', 'mastodon'] as const;

const timeline = v.strictObject({
  url,
  format: v.optional(v.picklist(TIMELINE_FORMATS, `must be one of ${TIMELINE_FORMATS.join(', ')}`), 'twitter-v1'),
  user: v.optional(nonEmpty),
});

const common = {
  timeline: v.optional(timeline),
  timeoutMs: v.optional(v.pipe(v.number('must be a number of milliseconds'), v.integer('must be a whole number of milliseconds'), v.minValue(1, 'must be > 0'))),
};

const clientCredentials = v.strictObject({
  strategy: v.literal('client-credentials'),
  tokenUrl: url,
  clientId: nonEmpty,
  clientSecret: nonEmpty,
  scope: v.optional(v.union([nonEmpty, v.array(nonEmpty)], 'must be a string or a list of strings')),
  authMethod: v.optional(v.picklist(['basic', 'body'], "must be 'basic' or 'body'")),
  ...common,
});

const oauth1Pin = v.strictObject({
  strategy: v.literal('oauth1-pin'),
  consumerKey: nonEmpty,
  consumerSecret: nonEmpty,
  requestTokenUrl: url,
  authorizeUrl: url,
  accessTokenUrl: url,
  ...common,
});

const authorizationCode = v.pipe(
  v.strictObject({
    strategy: v.literal('authorization-code'),
    issuer: v.optional(url),
    authorizationUrl: v.optional(url),
    tokenUrl: v.optional(url),
    revocationUrl: v.optional(url),
    clientId: nonEmpty,
    clientSecret: v.optional(nonEmpty),
    scopes: v.pipe(v.array(nonEmpty, 'must be a list of scopes'), v.minLength(1, 'must name at least one scope')),
    redirectUri: v.optional(url),
    ...common,
  }),
  v.check((p) => p.issuer !== undefined || (p.authorizationUrl !== undefined && p.tokenUrl !== undefined), 'needs either issuer (for discovery) or both authorizationUrl and tokenUrl'),
);

const STRATEGIES = ['client-credentials', 'oauth1-pin', 'authorization-code'] as const;

const provider = v.variant('strategy', [clientCredentials, oauth1Pin, authorizationCode], `strategy must be one of ${STRATEGIES.join(', ')}`);

const storeSetting = v.pipe(
  v.string("must be 'auto', 'keychain', 'file', 'memory' or a redis:// URL"),
  v.check((s) => ['auto', 'keychain', 'file', 'memory'].includes(s) || /^rediss?:\/\//.test(s), "must be 'auto', 'keychain', 'file', 'memory' or a redis:// URL"),
);

/** The config file's schema (`tokensmith.config.yaml` / `.json`). */
export const configSchema = v.pipe(
  v.strictObject({
    defaultProvider: v.optional(nonEmpty),
    store: v.optional(storeSetting),
    providers: v.record(v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9_-]*$/i, 'provider names use letters, digits, - and _')), provider, 'must be a map of provider name to provider settings'),
  }),
  v.forward(v.check((c) => Object.keys(c.providers).length > 0, 'providers must name at least one provider'), ['providers']),
  v.forward(v.check((c) => c.defaultProvider === undefined || c.defaultProvider in c.providers, 'defaultProvider must be one of the names under providers'), ['defaultProvider']),
);

/** A validated config. */
export type TokensmithConfig = v.InferOutput<typeof configSchema>;
/** One provider's validated settings. */
export type ProviderConfig = TokensmithConfig['providers'][string];
/** A strategy name. */
export type StrategyName = ProviderConfig['strategy'];
/** Timeline settings of a provider. */
export type TimelineConfig = v.InferOutput<typeof timeline>;
