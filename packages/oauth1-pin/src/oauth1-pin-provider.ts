import {
  MemoryStore,
  TokensmithError,
  abortable,
  createTokenManager,
  defineProvider,
  optionalFunction,
  requireOptions,
  resolveSkewMs,
  tokenKey,
  type AuthorizeRequest,
  type GetTokenOptions,
  type InteractiveTokenProvider,
  type LoginOptions,
  type OAuth1Credentials,
  type TokenStore,
} from '@tokensmith/core/kit';
import { normalizeMethod, requestParameters } from './normalize.js';
import { exchangePinWith } from './access-token.js';
import { resolveOAuth1Client, type OAuth1ClientOptions, type ResolvedOAuth1Client } from './oauth1-client.js';
import { requestTokenWith, type OAuth1RequestTokenState } from './request-token.js';
import { signOAuth1Request } from './signature.js';

/**
 * Options of {@link createOAuth1PinProvider}.
 *
 * @example
 * ```ts
 * const options: OAuth1PinProviderOptions = { consumerKey, consumerSecret, requestTokenUrl, authorizeUrl, accessTokenUrl, promptPin: async () => readPin() };
 * ```
 */
export interface OAuth1PinProviderOptions extends OAuth1ClientOptions {
  /**
   * Asks the user for the PIN shown after they approve at `authorizeUrl`. Resolve with the PIN;
   * resolve with an empty string (or reject) when the user cancels or denied access.
   */
  promptPin: (info: { authorizeUrl: string }) => Promise<string>;
  /** Opens the authorize page in a browser. A failure is reported through `onProgress` and the flow goes on. */
  openBrowser?: (url: string) => Promise<void> | void;
  /** Progress messages for a person (never a token, secret or PIN). */
  onProgress?: (message: string) => void;
  /** Where the token credentials are kept. Default: in memory. */
  store?: TokenStore;
  /** Renew this many seconds before expiry (OAuth 1.0a tokens do not expire; accepted for one option set). */
  refreshSkewSeconds?: number;
}

/**
 * The OAuth 1.0a PIN provider: an {@link InteractiveTokenProvider} with the two-step login scripts
 * need (a CLI process that prints the authorize URL and exits, and a later one that takes the PIN).
 *
 * @example
 * ```ts
 * import { readFile, writeFile } from 'node:fs/promises';
 *
 * declare const provider: OAuth1PinProvider;
 * // Process 1: start, keep the pending state (0600: it holds the request token secret), show the URL.
 * const pending = await provider.startLogin();
 * await writeFile(pendingPath, JSON.stringify(pending), { mode: 0o600 });
 * console.log(`Open ${pending.authorizeUrl}, approve, then bring the PIN the page shows to step 2`);
 * // Process 2: complete with the PIN; the credentials are stored through the token manager.
 * const credentials = await provider.completeLogin(JSON.parse(await readFile(pendingPath, 'utf8')), pin);
 * ```
 */
export interface OAuth1PinProvider extends InteractiveTokenProvider<OAuth1Credentials> {
  /**
   * Step 1 of a two-step login: gets a request token and returns the serialisable pending state
   * `{ oauthToken, oauthTokenSecret, authorizeUrl, expiresAt? }`. Stores nothing; prompts nobody.
   */
  startLogin(options?: LoginOptions): Promise<OAuth1RequestTokenState>;
  /**
   * Step 2: exchanges the pending state and the PIN for token credentials and stores them (under
   * the store lock, like `login()`). A pending state past its `expiresAt` fails with `login_required`.
   */
  completeLogin(pending: OAuth1RequestTokenState, pin: string, options?: LoginOptions): Promise<OAuth1Credentials>;
}

function isStore(value: unknown): value is TokenStore {
  const store = value as Partial<Record<keyof TokenStore, unknown>> | null;
  return (
    !!store &&
    typeof store === 'object' &&
    ['get', 'set', 'delete', 'lock'].every((name) => typeof store[name as keyof TokenStore] === 'function')
  );
}

/**
 * An OAuth 1.0a PIN (out-of-band, RFC 5849 with `oauth_callback=oob`) {@link InteractiveTokenProvider}.
 * `getToken()` runs the flow once (request token, the user approves at the authorize page and
 * types the PIN into `promptPin`, access token) and then reuses the stored token credentials,
 * which never expire; `login()` runs the flow again; `logout()` forgets them. `authorize()` signs
 * one request with HMAC-SHA1 (query and form-body parameters included, fresh nonce each time)
 * and returns its `Authorization` header. Nothing is stored unless the whole flow succeeds.
 *
 * @example
 * ```ts
 * import { createInterface } from 'node:readline/promises';
 * import { createOAuth1PinProvider } from '@tokensmith/oauth1-pin';
 * import { createAuthenticatedFetch } from '@tokensmith/core/kit';
 *
 * const provider = createOAuth1PinProvider({
 *   consumerKey: process.env.TWITTER_CONSUMER_KEY!,
 *   consumerSecret: process.env.TWITTER_CONSUMER_SECRET!,
 *   requestTokenUrl: 'https://api.twitter.com/oauth/request_token',
 *   authorizeUrl: 'https://api.twitter.com/oauth/authorize',
 *   accessTokenUrl: 'https://api.twitter.com/oauth/access_token',
 *   promptPin: async ({ authorizeUrl }) => {
 *     console.log(`Open ${authorizeUrl}, approve, then type the PIN.`);
 *     const readline = createInterface({ input: process.stdin, output: process.stdout });
 *     return readline.question('PIN: ').finally(() => readline.close());
 *   },
 * });
 * const api = createAuthenticatedFetch(provider);
 * const res = await api('https://api.twitter.com/1.1/statuses/user_timeline.json?count=5');
 * ```
 */
export function createOAuth1PinProvider(options: OAuth1PinProviderOptions): OAuth1PinProvider {
  requireOptions(options, 'createOAuth1PinProvider');
  const client: ResolvedOAuth1Client = resolveOAuth1Client(options, 'createOAuth1PinProvider');
  const promptPin = optionalFunction(options, 'promptPin');
  if (promptPin === undefined)
    throw new TokensmithError('invalid_options', 'promptPin must be a function that resolves with the PIN the user typed');
  const openBrowser = optionalFunction(options, 'openBrowser');
  const onProgress = optionalFunction(options, 'onProgress');
  if (options.store !== undefined && !isStore(options.store))
    throw new TokensmithError('invalid_options', 'store must be a TokenStore (get, set, delete and lock functions)');
  const store: TokenStore = options.store ?? new MemoryStore();
  // Everything that makes these credentials different: another consumer secret (a wrong one in a
  // config) or other endpoints never get this token.
  const key = tokenKey({
    strategy: 'oauth1-pin',
    endpoints: [client.requestTokenUrl, client.accessTokenUrl],
    clientId: client.consumerKey,
    secret: client.consumerSecret,
  });
  const skewMs = resolveSkewMs(options);

  const progress = (message: string) => {
    try {
      onProgress?.(message);
    } catch {
      // A failing progress callback must not break the login.
    }
  };

  const exchange = async (state: OAuth1RequestTokenState, pin: string, signal?: AbortSignal): Promise<OAuth1Credentials> => {
    progress('Exchanging the PIN for an access token');
    const credentials = await exchangePinWith(client, state, pin, signal);
    // A screen name is remote text: only a well-formed one (Twitter: [A-Za-z0-9_]{1,15}) is repeated.
    const who = credentials.extra?.screen_name;
    progress(who && /^\w{1,50}$/.test(who) ? `Authorized as @${who}` : 'Authorized');
    return credentials;
  };

  const runFlow = async (signal?: AbortSignal): Promise<OAuth1Credentials> => {
    progress(`Requesting a request token from ${client.requestTokenUrl.origin}`);
    const state = await requestTokenWith(client, signal);
    if (openBrowser) {
      progress('Opening the authorize page in your browser');
      try {
        await openBrowser(state.authorizeUrl);
      } catch {
        progress('Could not open a browser: open the authorize page yourself');
      }
    }
    progress('Waiting for the PIN shown after you approve');
    let pin: unknown;
    try {
      pin = await abortable(promptPin({ authorizeUrl: state.authorizeUrl }), signal);
    } catch (error) {
      if (error instanceof TokensmithError) throw error;
      throw new TokensmithError(
        'authorization_denied',
        'no PIN was entered (promptPin rejected): authorization was cancelled; nothing was stored',
        { cause: error, operation: 'authorization' },
      );
    }
    if (typeof pin !== 'string' || pin.trim() === '') {
      throw new TokensmithError('authorization_denied', 'no PIN was entered: authorization was denied or cancelled; nothing was stored', {
        operation: 'authorization',
      });
    }
    return exchange(state, pin, signal);
  };

  const flow = ({ signal }: { signal?: AbortSignal }) => runFlow(signal);
  // The PIN flow runs outside the store lock: a person typing never blocks another process.
  const tokens = createTokenManager<OAuth1Credentials>({ key, interactive: flow, store, now: client.now, skewMs });

  const login = (loginOptions: LoginOptions = {}): Promise<OAuth1Credentials> => tokens.login(flow, loginOptions);

  const startLogin = async (loginOptions: LoginOptions = {}): Promise<OAuth1RequestTokenState> => {
    progress(`Requesting a request token from ${client.requestTokenUrl.origin}`);
    return requestTokenWith(client, loginOptions.signal);
  };

  const completeLogin = (pending: OAuth1RequestTokenState, pin: string, loginOptions: LoginOptions = {}): Promise<OAuth1Credentials> =>
    tokens.login(({ signal }) => exchange(pending, pin, signal), loginOptions);

  const authorize = async (request: AuthorizeRequest, getOptions?: GetTokenOptions): Promise<Record<string, string>> => {
    if (!request || typeof request !== 'object')
      throw new TokensmithError('signature_error', 'authorize needs a request { method, url, body? }');
    normalizeMethod(request.method); // reject a malformed request before any login starts
    requestParameters(request);
    const credentials = await tokens.get(getOptions);
    const nonce: unknown = client.randomNonce();
    if (typeof nonce !== 'string' || nonce === '')
      throw new TokensmithError('signature_error', 'randomNonce must return a non-empty string');
    const { authorization } = signOAuth1Request({
      method: request.method,
      url: request.url,
      body: request.body,
      consumerKey: client.consumerKey,
      consumerSecret: client.consumerSecret,
      token: credentials.token,
      tokenSecret: credentials.tokenSecret,
      nonce,
      timestamp: Math.floor(client.now() / 1000),
    });
    return { authorization };
  };

  return defineProvider(
    {
      strategy: 'oauth1-pin' as const,
      getToken: (getOptions?: GetTokenOptions) => tokens.get(getOptions),
      authorize,
      invalidate: () => tokens.invalidate(),
      login,
      startLogin,
      completeLogin,
      // OAuth 1.0a has no revocation endpoint: logging out forgets the tokens here.
      logout: async () => {
        await tokens.drop();
        return { revocation: 'unsupported' as const };
      },
      peek: () => tokens.peek(),
    },
    {
      requestTokenUrl: client.requestTokenUrl.href,
      authorizeUrl: client.authorizeUrl.href,
      accessTokenUrl: client.accessTokenUrl.href,
      consumerKey: client.consumerKey,
    },
  );
}
