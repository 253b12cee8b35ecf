import {
  issuerOrBothUrls,
  privateKeyFitsMethod,
  secretUnlessPublic,
  schemaParts,
  signingAlgFitsMethod,
  type Valibot,
} from '../config/schema-parts.js';
import { defineStrategy } from './adapter.js';
import { plainLoginHint, refuseLoginWithoutPerson } from './interaction.js';
import { clientCredentialFields, idTokenUser, oauth2ClientOptions, oauth2Scopes, oauth2StoreKey } from './oauth2-client.js';

// RFC 8628 device authorization grant: for machines without a browser (SSH, containers).
function schema(v: Valibot) {
  const { commonSettings, url, oauth2ClientSettings } = schemaParts(v);
  return v.pipe(
    v.strictObject({
      strategy: v.literal('device-code'),
      ...oauth2ClientSettings,
      deviceAuthorizationUrl: v.optional(url),
      ...commonSettings,
    }),
    v.check((p) => issuerOrBothUrls.holds(p, p.deviceAuthorizationUrl), issuerOrBothUrls.message('deviceAuthorizationUrl')),
    v.check((p) => secretUnlessPublic.holds(p), secretUnlessPublic.message),
    v.check((p) => privateKeyFitsMethod.holds(p), privateKeyFitsMethod.message),
    v.check((p) => signingAlgFitsMethod.holds(p), signingAlgFitsMethod.message),
  );
}

/** OAuth 2 device authorization grant: a code to approve on any device, no browser needed here. */
export const deviceCode = defineStrategy({
  name: 'device-code',
  schema,
  help: 'OAuth 2 device authorization grant (RFC 8628): a code to approve on any device; no browser needed here',
  starter: `defaultProvider: github
providers:
  github:
    # OAuth 2 device authorization grant (RFC 8628): tokensmith login github prints a code and a
    # URL to open on any device (a phone, another computer); no browser needed on this machine.
    strategy: device-code
    deviceAuthorizationUrl: https://github.com/login/device/code
    tokenUrl: https://github.com/login/oauth/access_token
    # issuer: https://id.example.com        # or OIDC/OAuth discovery instead of the two URLs above
    clientId: \${GITHUB_CLIENT_ID}         # export GITHUB_CLIENT_ID=...
    # clientSecret: \${GITHUB_CLIENT_SECRET} # omit for a public client
    # authMethod: none                      # basic | post | none | private_key_jwt | client_secret_jwt
    # privateKey: ~/.config/tokensmith/github.pem   # private_key_jwt: a 0600 PEM/JWK file, or \${KEY_PEM}
    # keyId: my-key-1                       # the kid of the registered key
    scopes: [read:user]
    # authorizationParams: { audience: https://api.example.com }
    # refreshSkewSeconds: 30                # renew this long before expiry
    # timeoutMs: 30000                      # one request's deadline
`,
  secretFields: ['clientSecret', 'privateKey'],
  keyFileFields: ['privateKey'],
  credentialFields: ['clientId', 'clientSecret'],
  credentialFieldsOf: clientCredentialFields,
  scopeField: 'scopes',
  statusUser: idTokenUser,
  appOnly: false,
  tokenType: 'bearer',
  renewal: 'refresh-token',
  scopes: oauth2Scopes,
  loginHint: plainLoginHint,
  // The code event, then the result: one JSON line each, so a script reads the code while polling goes on.
  jsonLines: true,
  storeKey: (config) => oauth2StoreKey('device-code', config, config.deviceAuthorizationUrl),
  async build(config, store, context) {
    const { createDeviceCodeProvider } = await import('@tokensmith/device-code');
    const { deviceLoginDisplay } = await import('../login/device.js');
    const { person, unattended, interaction } = context;
    // No terminal needed: the person approves on any device, which is the point of this grant.
    const display = deviceLoginDisplay({ person, json: interaction.json === true });
    const provider = createDeviceCodeProvider({
      ...oauth2ClientOptions(config, store, context),
      ...(config.deviceAuthorizationUrl === undefined ? {} : { deviceAuthorizationUrl: config.deviceAuthorizationUrl }),
      onProgress: display.onProgress,
      ...(unattended ? {} : { onCode: display.onCode }),
    });
    const stopping = <T>(run: Promise<T>) => run.finally(display.stop);
    const shown = Object.assign(Object.create(provider) as typeof provider, {
      login: (options?: Parameters<typeof provider.login>[0]) => stopping(provider.login(options)),
      getToken: (options?: Parameters<typeof provider.getToken>[0]) => stopping(provider.getToken(options)),
    });
    return unattended ? refuseLoginWithoutPerson(shown, person, { anywhere: true }) : shown;
  },
});
