import * as v from 'valibot';
import { tokenFileSetting } from '../stores/token-file-setting.js';

// The config schema, in valibot: it loads in ~8 ms where zod 4 takes ~50 ms (it imports every
// locale), and every configured CLI run pays that price.

const nonEmpty = v.pipe(v.string('must be a string'), v.trim(), v.minLength(1, 'must not be empty'));

/** Loopback hosts, where plain http:// is allowed (a local sandbox or test server), as the libraries allow. */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

const isHttpUrl = (value: string) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
// The strategies refuse http:// off loopback too; checking it here puts the field's path in the error.
const isSecureUrl = (value: string) => {
  if (!isHttpUrl(value)) return true; // reported by the check before
  const url = new URL(value);
  return url.protocol === 'https:' || isLoopbackHost(url.hostname);
};
const url = v.pipe(
  v.string('must be a URL'),
  v.check(isHttpUrl, 'must be a URL (http:// or https://)'),
  v.check(isSecureUrl, 'must use https:// (plain http:// is allowed only on loopback such as 127.0.0.1)'),
);

/** Timeline response shapes the CLI can read. */
export const TIMELINE_FORMATS = ['twitter-v1', 'twitter-v2', 'mastodon'] as const;

/** The default cap on a timeline response body (decompressed): 4 MiB. */
export const DEFAULT_TIMELINE_MAX_BYTES = 4 * 1024 * 1024;

const timeline = v.strictObject({
  url,
  format: v.optional(v.picklist(TIMELINE_FORMATS, `must be one of ${TIMELINE_FORMATS.join(', ')}`), 'twitter-v1'),
  user: v.optional(nonEmpty),
  /** Largest response body read, in bytes after decompression (default {@link DEFAULT_TIMELINE_MAX_BYTES}). */
  maxResponseBytes: v.optional(
    v.pipe(v.number('must be a number of bytes'), v.integer('must be a whole number of bytes'), v.minValue(1024, 'must be at least 1024')),
  ),
});

const stringMap = v.record(
  v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.:-]+$/, 'parameter names use letters, digits, _ . : and -')),
  v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty')),
  'must be a map of parameter name to string value',
);

/**
 * Parameters the strategy sets itself: overriding them would break the flow or its security (PKCE,
 * state). The same list as @tokensmith/authorization-code's FLOW_OWNED_PARAMS (a test holds them
 * equal), kept here so that checking a config does not load the strategy.
 */
export const RESERVED_AUTHORIZATION_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'state',
  'code_challenge',
  'code_challenge_method',
  'scope',
  'nonce',
];
const authorizationParams = v.pipe(
  stringMap,
  v.check(
    (params) => !Object.keys(params).some((key) => RESERVED_AUTHORIZATION_PARAMS.includes(key)),
    `must not set ${RESERVED_AUTHORIZATION_PARAMS.join(', ')} (tokensmith sets them; use scopes for scope)`,
  ),
);

/** An https origin (`https://api.x.com`), or http on loopback: no path, query or user info. */
const origin = v.pipe(
  url,
  v.check(
    (value) => !URL.canParse(value) || new URL(value).origin === value.replace(/\/$/, ''),
    'must be an origin only (scheme, host and port; no path)',
  ),
);

const common = {
  /** Where `tokensmith api` resolves a path (`/2/users/me`); the only origin it sends credentials to, with allowedOrigins. */
  baseUrl: v.optional(url),
  /** Further origins `tokensmith api` may call with this provider's credentials (absolute URLs only). */
  allowedOrigins: v.optional(v.array(origin, 'must be a list of origins')),
  timeline: v.optional(timeline),
  timeoutMs: v.optional(
    v.pipe(v.number('must be a number of milliseconds'), v.integer('must be a whole number of milliseconds'), v.minValue(1, 'must be > 0')),
  ),
  /** Renew a token this many seconds before it expires (default: the smaller of 30 s and a tenth of its lifetime). */
  refreshSkewSeconds: v.optional(v.pipe(v.number('must be a number of seconds'), v.minValue(0, 'must be >= 0'))),
};

const clientCredentials = v.strictObject({
  strategy: v.literal('client-credentials'),
  tokenUrl: url,
  clientId: nonEmpty,
  clientSecret: nonEmpty,
  scope: v.optional(v.union([nonEmpty, v.array(nonEmpty)], 'must be a string or a list of strings')),
  authMethod: v.optional(v.picklist(['basic', 'body'], "must be 'basic' or 'body'")),
  /** Where `logout` invalidates the token (Twitter's `POST oauth2/invalidate_token`). */
  invalidateUrl: v.optional(url),
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

/** How an OAuth 2 client authenticates at the token endpoint (RFC 6749 2.3.1; `none` for a public client). */
const oauth2AuthMethod = v.optional(v.picklist(['basic', 'post', 'none'], "must be 'basic', 'post' or 'none'"));
const scopes = v.pipe(v.array(nonEmpty, 'must be a list of scopes'), v.minLength(1, 'must name at least one scope'));

/** The settings both OAuth 2 user strategies (authorization code, device code) take: the client and its issuer. */
const oauth2Client = {
  issuer: v.optional(url),
  tokenUrl: v.optional(url),
  revocationUrl: v.optional(url),
  clientId: nonEmpty,
  clientSecret: v.optional(nonEmpty),
  authMethod: oauth2AuthMethod,
  authorizationParams: v.optional(authorizationParams),
  scopes,
};

const needsSecretUnlessNone = (p: { authMethod?: string | undefined; clientSecret?: string | undefined }) =>
  p.authMethod === undefined || p.authMethod === 'none' || p.clientSecret !== undefined;
const secretMessage = "needs clientSecret for authMethod 'basic' or 'post' (or set authMethod: none for a public client)";

const authorizationCode = v.pipe(
  v.strictObject({
    strategy: v.literal('authorization-code'),
    ...oauth2Client,
    authorizationUrl: v.optional(url),
    redirectUri: v.optional(url),
    ...common,
  }),
  v.check(
    (p) => p.issuer !== undefined || (p.authorizationUrl !== undefined && p.tokenUrl !== undefined),
    'needs either issuer (for discovery) or both authorizationUrl and tokenUrl',
  ),
  v.check((p) => needsSecretUnlessNone(p), secretMessage),
);

// RFC 8628 device authorization grant: for machines without a browser (SSH, containers).
const deviceCode = v.pipe(
  v.strictObject({
    strategy: v.literal('device-code'),
    ...oauth2Client,
    deviceAuthorizationUrl: v.optional(url),
    ...common,
  }),
  v.check(
    (p) => p.issuer !== undefined || (p.deviceAuthorizationUrl !== undefined && p.tokenUrl !== undefined),
    'needs either issuer (for discovery) or both deviceAuthorizationUrl and tokenUrl',
  ),
  v.check((p) => needsSecretUnlessNone(p), secretMessage),
);

/** The strategies a provider can use. */
export const STRATEGIES = ['client-credentials', 'oauth1-pin', 'authorization-code', 'device-code'] as const;

/** One provider's settings (validated per provider, so one bad or unresolved provider does not hide the others). */
export const providerSchema = v.variant(
  'strategy',
  [clientCredentials, oauth1Pin, authorizationCode, deviceCode],
  `strategy must be one of ${STRATEGIES.join(', ')}`,
);

/** Provider names: letters, digits, `-` and `_`. */
export const PROVIDER_NAME = /^[a-z0-9][a-z0-9_-]*$/i;

const STORE_SETTINGS = "must be 'auto', 'keychain', 'file', 'file:/absolute/path.json' (or file:~/...), 'memory' or a redis:// URL";

const storeSetting = v.pipe(
  v.string(STORE_SETTINGS),
  v.check(
    (s) => ['auto', 'keychain', 'file', 'memory'].includes(s) || /^rediss?:\/\//.test(s) || tokenFileSetting(s) !== undefined,
    STORE_SETTINGS,
  ),
);

/** The config file's schema (`tokensmith.config.yaml` / `.json`). */
export const configSchema = v.pipe(
  v.strictObject({
    defaultProvider: v.optional(nonEmpty),
    store: v.optional(storeSetting),
    providers: v.record(
      v.pipe(v.string(), v.regex(PROVIDER_NAME, 'provider names use letters, digits, - and _')),
      providerSchema,
      'must be a map of provider name to provider settings',
    ),
  }),
  v.forward(
    v.check((c) => Object.keys(c.providers).length > 0, 'providers must name at least one provider'),
    ['providers'],
  ),
  // Own properties only: `toString` or `constructor` is not a provider because every object inherits it.
  v.forward(
    v.check(
      (c) => c.defaultProvider === undefined || Object.hasOwn(c.providers, c.defaultProvider),
      'defaultProvider must be one of the names under providers',
    ),
    ['defaultProvider'],
  ),
);

/** A validated config. */
export type TokensmithConfig = v.InferOutput<typeof configSchema>;
/** One provider's validated settings. */
export type ProviderConfig = TokensmithConfig['providers'][string];
/** A strategy name. */
export type StrategyName = ProviderConfig['strategy'];
/** Timeline settings of a provider. */
export type TimelineConfig = v.InferOutput<typeof timeline>;
