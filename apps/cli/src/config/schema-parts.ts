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

/**
 * How an OAuth 2 client authenticates at the token endpoint: its secret (RFC 6749 2.3.1, `basic`
 * or `post`), nothing (`none`, a public client) or a JWT assertion (RFC 7523 2.2:
 * `private_key_jwt` signed with `privateKey`, `client_secret_jwt` MACed with `clientSecret`).
 */
export const OAUTH2_AUTH_METHODS = ['basic', 'post', 'none', 'private_key_jwt', 'client_secret_jwt'] as const;

/** The JWS algorithms a client assertion may be signed with (`signingAlg`). */
export const ASSERTION_SIGNING_ALGS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'HS256',
  'HS384',
  'HS512',
] as const;

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
  /** An https origin (`https://api.x.com`), or http on loopback: no path, query or user info. */
  const origin = v.pipe(
    url,
    v.check(
      (value) => !URL.canParse(value) || new URL(value).origin === value.replace(/\/$/, ''),
      'must be an origin only (scheme, host and port; no path)',
    ),
  );
  /** A template param of a preset (config/preset-merge.ts checks its shape, naming the preset). */
  const templateParam = v.optional(nonEmpty);
  /** The settings every strategy takes. */
  const commonSettings = {
    /** A provider preset (`tokensmith presets`): fills endpoints, scopes, auth method, baseUrl, timeline; written fields win. */
    preset: v.optional(nonEmpty),
    /** Moves every URL the preset fills onto this origin, keeping its path (a local sandbox emulating the provider). */
    presetBaseUrl: v.optional(origin),
    /** The host of a preset for any instance (`mastodon`, `gitlab`): `fosstodon.org`. */
    instance: templateParam,
    /** The host of a preset for a tenant's own domain (`okta`, `auth0`, `keycloak`). */
    domain: templateParam,
    /** The tenant of the `microsoft` preset. */
    tenant: templateParam,
    /** The realm of the `keycloak` preset. */
    realm: templateParam,
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
  /** JWT client authentication's settings (private_key_jwt / client_secret_jwt), shared by every OAuth 2 strategy. */
  const clientAssertionSettings = {
    /** A PEM or JWK file (0600), or `${VAR}` holding the PEM or JWK itself. */
    privateKey: v.optional(nonEmpty),
    /** The `kid` of the client's registered key. */
    keyId: v.optional(nonEmpty),
    signingAlg: v.optional(v.picklist(ASSERTION_SIGNING_ALGS, `must be one of ${ASSERTION_SIGNING_ALGS.join(', ')}`)),
  };
  /** The settings the OAuth 2 user strategies share (authorization code, device code): the client and its issuer. */
  const oauth2ClientSettings = {
    issuer: v.optional(url),
    tokenUrl: v.optional(url),
    revocationUrl: v.optional(url),
    clientId: nonEmpty,
    clientSecret: v.optional(nonEmpty),
    authMethod: v.optional(v.picklist(OAUTH2_AUTH_METHODS, `must be one of ${OAUTH2_AUTH_METHODS.join(', ')}`)),
    ...clientAssertionSettings,
    authorizationParams: v.optional(authorizationParams),
    scopes,
    /** The server's refresh tokens are single-use (X, GitLab): a spent one is never kept (@tokensmith/oauth2). */
    singleUseRefreshTokens: v.optional(v.boolean('must be true or false')),
    // RFC 9449: sender-constrained tokens, the key kept in the token store with them.
    dpop: v.optional(v.boolean('must be true or false')),
  };
  /**
   * Where a workload grant's token comes from (token-exchange's subject and actor tokens,
   * jwt-bearer's assertion): a file, an environment variable, or a program's output (argv, no
   * shell). A working-directory config that names a file or a command needs trust (config/trust.ts).
   */
  const tokenSource = v.union(
    [
      v.strictObject({ file: nonEmpty }),
      v.strictObject({ env: v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name')) }),
      v.strictObject({
        command: v.pipe(v.array(v.pipe(v.string(), v.minLength(1, 'must not be empty'))), v.minLength(1, 'must name the program')),
      }),
    ],
    'must be one of { file: PATH }, { env: NAME } or { command: [PROGRAM, ARG, ...] } (run without a shell)',
  );
  return { nonEmpty, url, timeline, commonSettings, oauth2ClientSettings, clientAssertionSettings, tokenSource };
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
  privateKey?: string | undefined;
  keyId?: string | undefined;
  signingAlg?: string | undefined;
  authorizationParams?: Record<string, string> | undefined;
  scopes: string[];
  singleUseRefreshTokens?: boolean | undefined;
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

/** The check "a client secret, unless the client is public (`authMethod: none`) or signs with a key", for `v.check`. */
export const secretUnlessPublic = {
  holds: (p: { authMethod?: string | undefined; clientSecret?: string | undefined }) =>
    p.authMethod === undefined || p.authMethod === 'none' || p.authMethod === 'private_key_jwt' || p.clientSecret !== undefined,
  message: "needs clientSecret for authMethod 'basic', 'post' or 'client_secret_jwt' (or set authMethod: none for a public client)",
};

/** The check "privateKey with private_key_jwt, and only with it; keyId too", for `v.check`. */
export const privateKeyFitsMethod = {
  holds: (p: {
    authMethod?: string | undefined;
    privateKey?: string | undefined;
    keyId?: string | undefined;
    clientSecret?: string | undefined;
  }) =>
    p.authMethod === 'private_key_jwt'
      ? p.privateKey !== undefined && p.clientSecret === undefined
      : p.privateKey === undefined && p.keyId === undefined,
  message:
    "authMethod 'private_key_jwt' needs privateKey (a PEM or JWK file, or ${VAR} holding one) and no clientSecret; privateKey and keyId are only for private_key_jwt",
};

/** The check "signingAlg only with a JWT authMethod", for `v.check`. */
export const signingAlgFitsMethod = {
  holds: (p: { authMethod?: string | undefined; signingAlg?: string | undefined }) =>
    p.signingAlg === undefined || p.authMethod === 'private_key_jwt' || p.authMethod === 'client_secret_jwt',
  message: "signingAlg is only for authMethod 'private_key_jwt' or 'client_secret_jwt'",
};

/**
 * The check "a clientId, or an issuer to register a client with (and no client secret: it comes
 * from the registration, as does the auth method, so a preset's `authMethod` is ignored)", for `v.check`.
 */
export const registrable = {
  holds: (p: { clientId?: string | undefined; issuer?: string | undefined; clientSecret?: string | undefined }) =>
    p.clientId !== undefined || (p.issuer !== undefined && p.clientSecret === undefined),
  message:
    'needs clientId, or issuer without clientSecret so that tokensmith registers an app at the issuer (RFC 7591, or Mastodon /api/v1/apps)',
};
