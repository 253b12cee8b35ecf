import {
  issuerOrBothUrls,
  privateKeyFitsMethod,
  registrable,
  secretUnlessPublic,
  schemaParts,
  signingAlgFitsMethod,
  type Valibot,
} from '../config/schema-parts.js';
import { defineStrategy, isInteractive, type BuildContext } from './adapter.js';
import { plainLoginHint, refuseLoginWithoutPerson } from './interaction.js';
import { clientCredentialFields, idTokenUser, oauth2ClientOptions, oauth2Scopes, oauth2StoreKey } from './oauth2-client.js';
import { moveToInstance } from '../registration/move-instance.js';
import { OOB_REDIRECT_URI, UNREGISTERED_CLIENT_ID } from '../registration/policy.js';

function schema(v: Valibot) {
  const { commonSettings, url, nonEmpty, oauth2ClientSettings } = schemaParts(v);
  return v.pipe(
    v.strictObject({
      strategy: v.literal('authorization-code'),
      ...oauth2ClientSettings,
      // Without clientId, tokensmith registers a client at the issuer (registration/).
      clientId: v.optional(nonEmpty),
      /** RFC 7591 3: the token some servers require before they register a client. */
      initialAccessToken: v.optional(nonEmpty),
      authorizationUrl: v.optional(url),
      // urn:ietf:wg:oauth:2.0:oob: the server shows the code and the person pastes it (Mastodon).
      redirectUri: v.optional(
        v.union(
          [v.literal(OOB_REDIRECT_URI), url],
          `must be a URL (http://127.0.0.1[:port]/path for the loopback listener, or https://), or ${OOB_REDIRECT_URI} to paste the code`,
        ),
      ),
      // RFC 9126: push the authorization request first (automatic when the server requires it).
      par: v.optional(v.boolean('must be true or false')),
      ...commonSettings,
    }),
    v.check((p) => issuerOrBothUrls.holds(p, p.authorizationUrl), issuerOrBothUrls.message('authorizationUrl')),
    // Without clientId the registration decides how the client authenticates (a preset's authMethod is ignored).
    v.check((p) => p.clientId === undefined || secretUnlessPublic.holds(p), secretUnlessPublic.message),
    v.check((p) => registrable.holds(p), registrable.message),
    v.check((p) => privateKeyFitsMethod.holds(p), privateKeyFitsMethod.message),
    v.check((p) => signingAlgFitsMethod.holds(p), signingAlgFitsMethod.message),
  );
}

/**
 * The browser's side of the login: the listener on 127.0.0.1 waits for the browser's redirect; on
 * a terminal the redirected URL can also be pasted, whichever comes first.
 */
async function browserInteraction({ person }: BuildContext) {
  const { showAuthorizeUrl } = await import('../login/person.js');
  const { progress, prompter, mode } = person;
  return {
    openBrowser: async (url: string) => {
      if (!(await showAuthorizeUrl(person, url))) throw new Error('no browser opened');
      progress.start('Waiting for you to approve in the browser');
    },
    promptRedirect: async ({
      authorizeUrl,
      signal,
      rejected,
    }: {
      authorizeUrl: string;
      signal: AbortSignal;
      rejected?: string | undefined;
    }) => {
      progress.stop();
      await showAuthorizeUrl({ ...person, browser: false }, authorizeUrl);
      // A stray Enter or a bad paste is asked for again (the package says why), until the deadline.
      if (mode.interactive) return (await import('../login/paste-prompt.js')).askForRedirect(person.io, prompter, { signal, rejected });
      // No terminal to paste into (kubelogin does the same): wait for the browser to reach the
      // loopback listener, bounded by the callback timeout; Ctrl-C cancels.
      progress.start('Waiting for a browser to reach the redirect (Ctrl-C to cancel)');
      return new Promise<string>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    },
  };
}

/** OAuth 2 authorization code + PKCE: a browser login, the redirect caught on 127.0.0.1. */
export const authorizationCode = defineStrategy({
  name: 'authorization-code',
  schema,
  help: 'OAuth 2 authorization code + PKCE: a browser login, the redirect caught on 127.0.0.1 (or pasted)',
  starter: `defaultProvider: mastodon
providers:
  mastodon:
    # OAuth 2 authorization code + PKCE: tokensmith login mastodon opens the browser and
    # catches the redirect on 127.0.0.1. Register the redirectUri below with the provider.
    strategy: authorization-code
    issuer: https://mastodon.example       # OIDC/OAuth discovery; or set authorizationUrl + tokenUrl
    # authorizationUrl: https://mastodon.example/oauth/authorize
    # tokenUrl: https://mastodon.example/oauth/token
    # revocationUrl: https://mastodon.example/oauth/revoke
    clientId: \${MASTODON_CLIENT_ID}          # leave clientId out to have tokensmith register an app at the issuer
    # clientSecret: \${MASTODON_CLIENT_SECRET}   # omit for a public client
    # authMethod: basic                        # basic | post | none (public client) | private_key_jwt | client_secret_jwt
    # privateKey: ~/.config/tokensmith/mastodon.pem   # private_key_jwt: a 0600 PEM/JWK file, or \${KEY_PEM}
    scopes: [read]
    # authorizationParams: { prompt: consent }  # extra authorize parameters: prompt, audience, resource, login_hint
    # dpop: true                               # DPoP-bound tokens (RFC 9449); the key is stored with them
    # par: true                                # pushed authorization requests (RFC 9126)
    redirectUri: http://127.0.0.1:8765/callback
    timeline:
      url: https://mastodon.example
      format: mastodon
`,
  secretFields: ['clientSecret', 'privateKey', 'initialAccessToken'],
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
  // Without clientId the key is the registered client's (status completes the config from the store first).
  storeKey: (config) =>
    oauth2StoreKey('authorization-code', { ...config, clientId: config.clientId ?? UNREGISTERED_CLIENT_ID }, config.authorizationUrl),
  async build(configured, store, context) {
    const { createAuthorizationCodeProvider } = await import('@tokensmith/authorization-code');
    const { withRegisteredClient } = await import('../registration/ensure-client.js');
    const config = await withRegisteredClient(configured, store, context);
    const { person, unattended } = context;
    const provider = createAuthorizationCodeProvider({
      ...oauth2ClientOptions(config, store, context),
      ...(config.authorizationUrl === undefined ? {} : { authorizationUrl: config.authorizationUrl }),
      ...(config.redirectUri === undefined ? {} : { redirectUri: config.redirectUri }),
      ...(config.par === undefined ? {} : { par: config.par }),
      // This CLI prints the URL and the browser's fate itself (once); the rest is progress.
      onProgress: (message: string, event: { type: string }) => {
        if (!['open-browser', 'browser-failed', 'prompt'].includes(event.type)) person.progress.start(message);
      },
      ...(unattended ? {} : await browserInteraction(context)),
    });
    return unattended ? refuseLoginWithoutPerson(provider, person, {}) : provider;
  },
  // A Mastodon instance: an app is registered there (no clientId), scope read, its accounts' timelines.
  onInstance: (origin, config) =>
    config
      ? moveToInstance(config, origin)
      : {
          strategy: 'authorization-code' as const,
          issuer: origin,
          scopes: ['read'],
          baseUrl: origin,
          timeline: { url: origin, format: 'mastodon' as const },
        },
  async login(session) {
    const { mode, noInput, name, provider, io } = session;
    // --no-input: nobody is there to approve, and nothing can be pasted; say what to run instead.
    if (!mode.interactive && noInput) {
      const { loginRequired } = await import('../login/person.js');
      throw loginRequired({ providerName: name, mode });
    }
    const signal = io.signal ? { signal: io.signal } : {};
    session.print(isInteractive(provider) ? await provider.login(signal) : await provider.getToken({ forceRefresh: true, ...signal }));
  },
});
