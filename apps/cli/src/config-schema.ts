import { z } from 'zod';

const nonEmpty = z.string({ error: 'must be a string' }).trim().min(1, { error: 'must not be empty' });

const url = z.string({ error: 'must be a URL' }).refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
  error: 'must be a URL (http:// or https://)',
});

/** Timeline response shapes the CLI can read. */
export const TIMELINE_FORMATS = ['twitter-v1', 'twitter-v2', 'mastodon'] as const;

const timeline = z.strictObject({
  url,
  format: z.enum(TIMELINE_FORMATS, { error: `must be one of ${TIMELINE_FORMATS.join(', ')}` }).default('twitter-v1'),
  user: nonEmpty.optional(),
});

const common = {
  timeline: timeline.optional(),
  timeoutMs: z.number({ error: 'must be a number of milliseconds' }).int().positive({ error: 'must be > 0' }).optional(),
};

const clientCredentials = z.strictObject({
  strategy: z.literal('client-credentials'),
  tokenUrl: url,
  clientId: nonEmpty,
  clientSecret: nonEmpty,
  scope: z.union([nonEmpty, z.array(nonEmpty)], { error: 'must be a string or a list of strings' }).optional(),
  authMethod: z.enum(['basic', 'body'], { error: "must be 'basic' or 'body'" }).optional(),
  ...common,
});

const oauth1Pin = z.strictObject({
  strategy: z.literal('oauth1-pin'),
  consumerKey: nonEmpty,
  consumerSecret: nonEmpty,
  requestTokenUrl: url,
  authorizeUrl: url,
  accessTokenUrl: url,
  ...common,
});

const authorizationCode = z
  .strictObject({
    strategy: z.literal('authorization-code'),
    issuer: url.optional(),
    authorizationUrl: url.optional(),
    tokenUrl: url.optional(),
    revocationUrl: url.optional(),
    clientId: nonEmpty,
    clientSecret: nonEmpty.optional(),
    scopes: z.array(nonEmpty, { error: 'must be a list of scopes' }).min(1, { error: 'must name at least one scope' }),
    redirectUri: url.optional(),
    ...common,
  })
  .refine((p) => p.issuer !== undefined || (p.authorizationUrl !== undefined && p.tokenUrl !== undefined), {
    error: 'needs either issuer (for discovery) or both authorizationUrl and tokenUrl',
  });

const STRATEGIES = ['client-credentials', 'oauth1-pin', 'authorization-code'] as const;

const provider = z.discriminatedUnion('strategy', [clientCredentials, oauth1Pin, authorizationCode], {
  error: (issue) => (issue.code === 'invalid_union' ? `strategy must be one of ${STRATEGIES.join(', ')}` : undefined),
});

const storeSetting = z
  .string({ error: "must be 'file', 'memory' or a redis:// URL" })
  .refine((v) => v === 'file' || v === 'memory' || /^rediss?:\/\//.test(v), { error: "must be 'file', 'memory' or a redis:// URL" });

/** The config file's schema (`tokensmith.config.yaml` / `.json`). */
export const configSchema = z
  .strictObject({
    defaultProvider: nonEmpty.optional(),
    store: storeSetting.optional(),
    providers: z.record(
      z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, { error: 'provider names use letters, digits, - and _' }),
      provider,
      { error: 'must be a map of provider name to provider settings' },
    ),
  })
  .refine((c) => Object.keys(c.providers).length > 0, { error: 'providers must name at least one provider', path: ['providers'] })
  .refine((c) => c.defaultProvider === undefined || c.defaultProvider in c.providers, {
    error: 'defaultProvider must be one of the names under providers',
    path: ['defaultProvider'],
  });

/** A validated config. */
export type TokensmithConfig = z.infer<typeof configSchema>;
/** One provider's validated settings. */
export type ProviderConfig = TokensmithConfig['providers'][string];
/** A strategy name. */
export type StrategyName = ProviderConfig['strategy'];
/** Timeline settings of a provider. */
export type TimelineConfig = z.infer<typeof timeline>;
