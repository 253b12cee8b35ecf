import type * as ValibotModule from 'valibot';

// The schema parts every strategy adapter builds its config fragment from. They sit below
// strategies/ (which imports them) and config/schema.ts (which imports the adapters), so no circle
// forms. Valibot, not zod: it loads in ~8 ms where zod 4 takes ~50 ms (it imports every locale).
// The parts and the adapters' fragments are built from the valibot module handed in
// (`schemaParts(v)`), so the registry (which the hints, `init` and the env substitution read) loads
// no valibot: only config/schema.ts imports it, and it is itself loaded lazily.

/** The valibot module, handed to the schema builders. */
export type Valibot = typeof ValibotModule;

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

/** Timeline response shapes the CLI can read. */
export const TIMELINE_FORMATS = ['twitter-v1', 'twitter-v2', 'mastodon'] as const;

/** The default cap on a timeline response body (decompressed): 4 MiB. */
export const DEFAULT_TIMELINE_MAX_BYTES = 4 * 1024 * 1024;

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

/** How an OAuth 2 client authenticates at the token endpoint (RFC 6749 2.3.1; `none` for a public client). */
export const OAUTH2_AUTH_METHODS = ['basic', 'post', 'none'] as const;

/**
 * The shared schema parts, built from the valibot module given.
 *
 * @example
 * ```ts
 * const { url, nonEmpty, commonSettings } = schemaParts(await import('valibot'));
 * ```
 */
export function schemaParts(v: Valibot) {
  const nonEmpty = v.pipe(v.string('must be a string'), v.trim(), v.minLength(1, 'must not be empty'));
  const url = v.pipe(
    v.string('must be a URL'),
    v.check(isHttpUrl, 'must be a URL (http:// or https://)'),
    v.check(isSecureUrl, 'must use https:// (plain http:// is allowed only on loopback such as 127.0.0.1)'),
  );
  const timeline = v.strictObject({
    url,
    format: v.optional(v.picklist(TIMELINE_FORMATS, `must be one of ${TIMELINE_FORMATS.join(', ')}`), 'twitter-v1'),
    user: v.optional(nonEmpty),
    /** Largest response body read, in bytes after decompression (default {@link DEFAULT_TIMELINE_MAX_BYTES}). */
    maxResponseBytes: v.optional(
      v.pipe(
        v.number('must be a number of bytes'),
        v.integer('must be a whole number of bytes'),
        v.minValue(1024, 'must be at least 1024'),
      ),
    ),
  });
  /** The settings every strategy takes. */
  /** An https origin (`https://api.x.com`), or http on loopback: no path, query or user info. */
  const origin = v.pipe(
    url,
    v.check(
      (value) => !URL.canParse(value) || new URL(value).origin === value.replace(/\/$/, ''),
      'must be an origin only (scheme, host and port; no path)',
    ),
  );
  const commonSettings = {
    /** Where `tokensmith api` resolves a path (`/2/users/me`); the only origin it sends credentials to, with allowedOrigins. */
    baseUrl: v.optional(url),
    /** Further origins `tokensmith api` may call with this provider's credentials (absolute URLs only). */
    allowedOrigins: v.optional(v.array(origin, 'must be a list of origins')),
    timeline: v.optional(timeline),
    timeoutMs: v.optional(
      v.pipe(
        v.number('must be a number of milliseconds'),
        v.integer('must be a whole number of milliseconds'),
        v.minValue(1, 'must be > 0'),
      ),
    ),
    /** Renew a token this many seconds before it expires (default: the smaller of 30 s and a tenth of its lifetime). */
    refreshSkewSeconds: v.optional(v.pipe(v.number('must be a number of seconds'), v.minValue(0, 'must be >= 0'))),
    /** Hosts whose git requests `tokensmith credential` answers with this provider's token (`host` or `host:port`, as git sends it). */
    gitHosts: v.optional(
      v.array(
        v.pipe(v.string('must be a host name'), v.regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be a host name, or host:port')),
        'must be a list of hosts',
      ),
    ),
    /** The username git sends with the token (default `x-access-token`, as GitHub wants; GitLab wants `oauth2`). */
    gitUsername: v.optional(v.pipe(nonEmpty, v.regex(/^[^\s\0]+$/, 'must be one word'))),
  };
  const stringMap = v.record(
    v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.:-]+$/, 'parameter names use letters, digits, _ . : and -')),
    v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty')),
    'must be a map of parameter name to string value',
  );
  const authorizationParams = v.pipe(
    stringMap,
    v.check(
      (params: Record<string, string>) => !Object.keys(params).some((key) => RESERVED_AUTHORIZATION_PARAMS.includes(key)),
      `must not set ${RESERVED_AUTHORIZATION_PARAMS.join(', ')} (tokensmith sets them; use scopes for scope)`,
    ),
  );
  const scopes = v.pipe(v.array(nonEmpty, 'must be a list of scopes'), v.minLength(1, 'must name at least one scope'));
  /** The settings the OAuth 2 user strategies share (authorization code, device code): the client and its issuer. */
  const oauth2ClientSettings = {
    issuer: v.optional(url),
    tokenUrl: v.optional(url),
    revocationUrl: v.optional(url),
    clientId: nonEmpty,
    clientSecret: v.optional(nonEmpty),
    authMethod: v.optional(v.picklist(OAUTH2_AUTH_METHODS, "must be 'basic', 'post' or 'none'")),
    authorizationParams: v.optional(authorizationParams),
    scopes,
    // RFC 9449: sender-constrained tokens, the key kept in the token store with them.
    dpop: v.optional(v.boolean('must be true or false')),
  };
  return { nonEmpty, url, timeline, commonSettings, oauth2ClientSettings };
}

/** Timeline settings of a provider. */
export type TimelineConfig = ValibotModule.InferOutput<ReturnType<typeof schemaParts>['timeline']>;

/** The OAuth 2 client block as validated. */
export interface OAuth2ClientConfig {
  issuer?: string | undefined;
  tokenUrl?: string | undefined;
  revocationUrl?: string | undefined;
  clientId: string;
  clientSecret?: string | undefined;
  authMethod?: (typeof OAUTH2_AUTH_METHODS)[number] | undefined;
  authorizationParams?: Record<string, string> | undefined;
  scopes: string[];
  dpop?: boolean | undefined;
}

/**
 * The check "issuer (for discovery), or both the flow's own URL and tokenUrl", for `v.check` in
 * an adapter's pipe (valibot types a check by the schema it follows, so the adapter writes the call).
 */
export const issuerOrBothUrls = {
  holds: (p: { issuer?: string | undefined; tokenUrl?: string | undefined }, flowUrl: string | undefined) =>
    p.issuer !== undefined || (flowUrl !== undefined && p.tokenUrl !== undefined),
  message: (flowUrlField: string) => `needs either issuer (for discovery) or both ${flowUrlField} and tokenUrl`,
};

/** The check "a client secret, unless the client is public (`authMethod: none`)", for `v.check`. */
export const secretUnlessPublic = {
  holds: (p: { authMethod?: string | undefined; clientSecret?: string | undefined }) =>
    p.authMethod === undefined || p.authMethod === 'none' || p.clientSecret !== undefined,
  message: "needs clientSecret for authMethod 'basic' or 'post' (or set authMethod: none for a public client)",
};
