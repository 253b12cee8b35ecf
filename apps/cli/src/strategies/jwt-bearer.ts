import { schemaParts, secretUnlessPublic, type Valibot } from '../config/schema-parts.js';
import { defineStrategy, type ConfigOf } from './adapter.js';
import { plainLoginHint } from './interaction.js';
import { definedSettings } from './oauth2-client.js';

// RFC 7523 2.1 JWT bearer: a service account's assertion (signed here from its private key, or
// ready-made from a file, a variable or a command) exchanged for an access token. No person, no
// login prompt: `login` just obtains a token, like client credentials.
const SIGNING_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

function schema(v: Valibot) {
  const { commonSettings, nonEmpty, oauth2ClientSettings, tokenSource } = schemaParts(v);
  // The client settings every OAuth 2 strategy shares, without the browser's authorizationParams; scopes optional.
  const { scopes, authorizationParams: _authorizationParams, ...client } = oauth2ClientSettings;
  return v.pipe(
    v.strictObject({
      strategy: v.literal('jwt-bearer'),
      ...client,
      scopes: v.optional(scopes),
      assertion: v.optional(tokenSource),
      /** PEM or JWK text (best as `${ENV}`), or the path of a file holding one. */
      privateKey: v.optional(nonEmpty),
      keyId: v.optional(nonEmpty),
      signingAlg: v.optional(v.picklist(SIGNING_ALGS, `must be one of ${SIGNING_ALGS.join(', ')}`)),
      claims: v.optional(
        v.strictObject({
          issuer: v.optional(nonEmpty),
          subject: v.optional(nonEmpty),
          audience: v.optional(v.union([nonEmpty, v.array(nonEmpty)], 'must be a string or a list of strings')),
        }),
      ),
      assertionLifetimeSeconds: v.optional(
        v.pipe(v.number(), v.integer('must be a whole number of seconds'), v.minValue(1), v.maxValue(3600)),
      ),
      commandTimeoutMs: v.optional(v.pipe(v.number('must be a number of milliseconds'), v.integer(), v.minValue(1, 'must be > 0'))),
      ...commonSettings,
    }),
    v.check((p) => p.issuer !== undefined || p.tokenUrl !== undefined, 'needs either issuer (for discovery) or tokenUrl'),
    v.check(
      (p) => (p.assertion === undefined) !== (p.privateKey === undefined),
      'needs exactly one of assertion (a ready-made JWT from a file, env or command) and privateKey (signed here)',
    ),
    v.check((p) => secretUnlessPublic.holds(p), secretUnlessPublic.message),
    // Here privateKey signs the grant's assertion (RFC 7523 2.1); it is not also a client assertion key.
    v.check(
      (p) => p.authMethod !== 'private_key_jwt',
      "authMethod private_key_jwt is not offered here: privateKey signs the grant's assertion; authenticate the client with basic, post, client_secret_jwt or none",
    ),
  );
}

type JwtBearerConfig = ConfigOf<typeof schema>;

/** The package's options from the config alone (the store key and the provider read the same ones). */
function bearerOptions(config: JwtBearerConfig) {
  return {
    clientId: config.clientId,
    ...definedSettings(config, [
      'issuer',
      'tokenUrl',
      'revocationUrl',
      'clientSecret',
      'authMethod',
      'scopes',
      'assertion',
      'privateKey',
      'keyId',
      'signingAlg',
      'claims',
      'assertionLifetimeSeconds',
      'commandTimeoutMs',
    ]),
  };
}

/** OAuth 2 JWT bearer (RFC 7523 2.1): a signed assertion exchanged for an access token, no person. */
export const jwtBearer = defineStrategy({
  name: 'jwt-bearer',
  schema,
  help: 'OAuth 2 JWT bearer (RFC 7523): a service account signs an assertion with its private key, swapped for an access token; no person',
  starter: `defaultProvider: robot
providers:
  robot:
    # OAuth 2 JWT bearer (RFC 7523): a service account's assertion, signed here from its private
    # key, exchanged for an access token; a new one is signed whenever the token expires.
    strategy: jwt-bearer
    tokenUrl: https://auth.example.com/oauth2/token
    # issuer: https://auth.example.com      # or OIDC/OAuth discovery instead of tokenUrl
    clientId: deploy-bot
    privateKey: \${DEPLOY_BOT_KEY}           # PEM or JWK text, or a key file path (export DEPLOY_BOT_KEY=...)
    # keyId: deploy-bot-2026                # the assertion's kid header
    # signingAlg: ES256                     # default from the key
    # claims: { subject: deploy-bot@example.iam }   # iss = clientId, sub = iss, aud = tokenUrl by default
    # assertion: { file: /var/run/secrets/assertion }   # instead of privateKey: a ready-made assertion
    # scopes: [deployments.write]
    baseUrl: https://api.example.com
`,
  secretFields: ['clientSecret', 'privateKey'],
  keyFileFields: ['privateKey'],
  credentialFields: ['clientId', 'privateKey', 'keyId'],
  scopeField: 'scopes',
  grantFields: ['privateKey', 'keyId', 'claims', 'assertion'],
  appOnly: true,
  renewal: 'app-token',
  tokenType: 'bearer',
  loginHint: plainLoginHint,
  async storeKey(config) {
    const { jwtBearerKey } = await import('@tokensmith/jwt-bearer');
    return jwtBearerKey(bearerOptions(config));
  },
  async build(config, store, { person, shared }) {
    const { createJwtBearerProvider } = await import('@tokensmith/jwt-bearer');
    return createJwtBearerProvider({
      ...bearerOptions(config),
      store,
      ...shared,
      onProgress: (message: string) => person.progress.start(message),
    });
  },
});
