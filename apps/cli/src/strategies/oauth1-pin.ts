import type * as v from 'valibot';
import { schemaParts, type Valibot } from '../config/schema-parts.js';
import { defineStrategy } from './adapter.js';
import { refuseLoginWithoutPerson } from './interaction.js';

function schema(v: Valibot) {
  const { commonSettings, nonEmpty, url } = schemaParts(v);
  return v.strictObject({
    strategy: v.literal('oauth1-pin'),
    consumerKey: nonEmpty,
    consumerSecret: nonEmpty,
    requestTokenUrl: url,
    authorizeUrl: url,
    accessTokenUrl: url,
    ...commonSettings,
  });
}

/** An OAuth 1.0a provider's settings. */
export type OAuth1PinConfig = v.InferOutput<ReturnType<typeof schema>>;

// Messages the CLI prints itself, its own way (the URL once, "Opening" only when tried).
const SHOWN_BY_THE_CLI = /^(Opening the authorize page|Could not open a browser|Waiting for the PIN)/;

/** OAuth 1.0a with the PIN (out-of-band) flow: a person approves in a browser and types the PIN. */
export const oauth1Pin = defineStrategy({
  name: 'oauth1-pin',
  schema,
  help: 'OAuth 1.0a PIN flow: approve in a browser, type the PIN it shows (two steps in a script)',
  starter: `defaultProvider: twitter-user
providers:
  twitter-user:
    # OAuth 1.0a PIN flow: tokensmith login twitter-user opens the browser, you type the PIN.
    strategy: oauth1-pin
    consumerKey: \${TWITTER_API_KEY}
    consumerSecret: \${TWITTER_API_SECRET}
    requestTokenUrl: https://api.twitter.com/oauth/request_token
    authorizeUrl: https://api.twitter.com/oauth/authorize
    accessTokenUrl: https://api.twitter.com/oauth/access_token
    timeline:
      url: https://api.twitter.com/1.1/statuses/user_timeline.json
      format: twitter-v1
`,
  secretFields: ['consumerSecret'],
  credentialFields: ['consumerKey', 'consumerSecret'],
  scopeField: 'scope',
  // Twitter's access token response names the account.
  statusUser: (credentials) => (credentials.type === 'oauth1' ? credentials.extra?.screen_name : undefined),
  appOnly: false,
  tokenType: 'oauth1',
  // OAuth 1.0a access tokens do not expire and there is no refresh: a new login replaces them.
  renewal: 'login-only',
  loginHint: (name, when = '') => {
    const login = `tokensmith login ${name}`;
    return `run \`${login}\`${when ? ` ${when}` : ''} in a terminal; in a script, log in in two steps: \`${login} --no-browser\`, then \`${login} --pin PIN\``;
  },
  async storeKey(config) {
    const { tokenKey } = await import('@tokensmith/core/kit');
    return tokenKey({
      strategy: 'oauth1-pin',
      endpoints: [config.requestTokenUrl, config.accessTokenUrl],
      clientId: config.consumerKey,
      secret: config.consumerSecret,
    });
  },
  async build(config, store, { person, unattended, shared }) {
    const { createOAuth1PinProvider } = await import('@tokensmith/oauth1-pin');
    const { loginRequired, showAuthorizeUrl } = await import('../login/person.js');
    const { io, progress, prompter, mode } = person;
    const provider = createOAuth1PinProvider({
      consumerKey: config.consumerKey,
      consumerSecret: config.consumerSecret,
      requestTokenUrl: config.requestTokenUrl,
      authorizeUrl: config.authorizeUrl,
      accessTokenUrl: config.accessTokenUrl,
      store,
      ...shared,
      onProgress: (message: string) => {
        if (!SHOWN_BY_THE_CLI.test(message)) progress.start(message);
      },
      promptPin: async ({ authorizeUrl }: { authorizeUrl: string }) => {
        progress.stop();
        if (!mode.interactive) throw loginRequired(person, { twoStep: true });
        await showAuthorizeUrl(person, authorizeUrl);
        io.stderr.write('Approve, then type the PIN the page shows (it shows as *).\n');
        return prompter.ask('PIN: ', { secret: true, ...(io.signal ? { signal: io.signal } : {}) });
      },
    });
    return unattended ? refuseLoginWithoutPerson(provider, person, { twoStep: true }) : provider;
  },
  prepareLogin: (name, config, flags, env) =>
    import('./oauth1-pin-login.js').then((login) => login.findPendingLogin(name, config, flags, env)),
  login: async (session) => (await import('./oauth1-pin-login.js')).oauth1Login(session),
});
