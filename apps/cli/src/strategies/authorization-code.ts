import { issuerOrBothUrls, secretUnlessPublic, schemaParts, type Valibot } from '../config/schema-parts.js';
import { defineStrategy, isInteractive, type BuildContext } from './adapter.js';
import { plainLoginHint, refuseLoginWithoutPerson } from './interaction.js';
import { idTokenUser, oauth2ClientOptions, oauth2StoreKey } from './oauth2-client.js';

function schema(v: Valibot) {
  const { commonSettings, url, oauth2ClientSettings } = schemaParts(v);
  return v.pipe(
    v.strictObject({
      strategy: v.literal('authorization-code'),
      ...oauth2ClientSettings,
      authorizationUrl: v.optional(url),
      redirectUri: v.optional(url),
      // RFC 9126: push the authorization request first (automatic when the server requires it).
      par: v.optional(v.boolean('must be true or false')),
      ...commonSettings,
    }),
    v.check((p) => issuerOrBothUrls.holds(p, p.authorizationUrl), issuerOrBothUrls.message('authorizationUrl')),
    v.check((p) => secretUnlessPublic.holds(p), secretUnlessPublic.message),
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
    clientId: \${MASTODON_CLIENT_ID}
    # clientSecret: \${MASTODON_CLIENT_SECRET}   # omit for a public client
    # authMethod: basic                        # basic | post | none (public client)
    scopes: [read]
    # authorizationParams: { prompt: consent }  # extra authorize parameters: prompt, audience, resource, login_hint
    # dpop: true                               # DPoP-bound tokens (RFC 9449); the key is stored with them
    # par: true                                # pushed authorization requests (RFC 9126)
    redirectUri: http://127.0.0.1:8765/callback
    timeline:
      url: https://mastodon.example
      format: mastodon
`,
  secretFields: ['clientSecret'],
  credentialFields: ['clientId', 'clientSecret'],
  scopeField: 'scopes',
  statusUser: idTokenUser,
  appOnly: false,
  tokenType: 'bearer',
  loginHint: plainLoginHint,
  storeKey: (config) => oauth2StoreKey('authorization-code', config, config.authorizationUrl),
  async build(config, store, context) {
    const { createAuthorizationCodeProvider } = await import('@tokensmith/authorization-code');
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
