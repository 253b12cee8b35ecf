import type { InteractiveTokenProvider, ManagedTokenProvider, TokenStore } from '@tokensmith/core';
import type { ProviderConfig } from '../config/schema.js';
import { interactionMode, type InteractionMode, type Prompter } from '../login/prompter.js';
import type { CliIO, Progress } from '../terminal/io.js';
import { loginRequired, showAuthorizeUrl, type Person } from '../login/person.js';

/** What the interactive strategies need from the terminal. */
export interface InteractionOptions {
  io: CliIO;
  progress: Progress;
  prompter: Prompter;
  /** Open the browser (default true; `--no-browser` sets false). */
  browser: boolean;
  /** The fetch the strategies use (a logging one under --verbose). */
  fetch?: typeof fetch;
  /** Whether a person can answer (default: decided from `io`). */
  mode?: InteractionMode;
  /** The provider's config name, for the commands messages name. */
  providerName?: string;
  /**
   * `use` (default): a command that needs tokens; without a person it fails at once with
   * `login_required` instead of starting a login nobody can finish. `login`: the login command.
   */
  purpose?: 'use' | 'login';
  /** `--json`: a device code is announced as one line of JSON on stdout. */
  json?: boolean;
}

/** A provider built from config, interactive or not; every strategy stores its tokens. */
export type BuiltProvider = ManagedTokenProvider | InteractiveTokenProvider;

/** Whether a provider runs a login flow with a person. */
export function isInteractive(provider: BuiltProvider): provider is InteractiveTokenProvider {
  return typeof (provider as Partial<InteractiveTokenProvider>).login === 'function';
}

/**
 * Without a person, an interactive provider with nothing stored fails at once with
 * `login_required` (and the command to run) instead of requesting a token nobody will approve.
 * Stored tokens are still used and refreshed.
 */
function refuseLoginWithoutPerson<P extends InteractiveTokenProvider>(
  provider: P,
  person: Person,
  advice: { twoStep?: boolean; anywhere?: boolean },
): P {
  const guard = async () => {
    if ((await provider.peek()) === undefined) throw loginRequired(person, advice);
  };
  return Object.assign(Object.create(provider) as P, {
    getToken: async (options?: Parameters<InteractiveTokenProvider['getToken']>[0]) => {
      await guard();
      return provider.getToken(options);
    },
    authorize: async (...args: Parameters<InteractiveTokenProvider['authorize']>) => {
      await guard();
      return provider.authorize(...args);
    },
  });
}

/** The config fields the two OAuth 2 user strategies share (authorization code, device code), as their common options. */
function oauth2ClientOptions(config: Extract<ProviderConfig, { strategy: 'authorization-code' | 'device-code' }>, store: TokenStore) {
  return {
    clientId: config.clientId,
    scopes: config.scopes,
    store,
    ...(config.issuer === undefined ? {} : { issuer: config.issuer }),
    ...(config.tokenUrl === undefined ? {} : { tokenUrl: config.tokenUrl }),
    ...(config.revocationUrl === undefined ? {} : { revocationUrl: config.revocationUrl }),
    ...(config.clientSecret === undefined ? {} : { clientSecret: config.clientSecret }),
    ...(config.authMethod === undefined ? {} : { authMethod: config.authMethod }),
    ...(config.authorizationParams === undefined ? {} : { authorizationParams: config.authorizationParams }),
    ...(config.refreshSkewSeconds === undefined ? {} : { refreshSkewSeconds: config.refreshSkewSeconds }),
    ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
  };
}

/** Builds the strategy named by the provider's config; each strategy package is loaded only when used. */
export async function buildProvider(config: ProviderConfig, store: TokenStore, interaction: InteractionOptions): Promise<BuiltProvider> {
  const { io, progress, prompter } = interaction;
  const timeout = config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs };
  const fetchOption = interaction.fetch === undefined ? {} : { fetch: interaction.fetch };
  const skew = config.refreshSkewSeconds === undefined ? {} : { refreshSkewSeconds: config.refreshSkewSeconds };
  const mode = interaction.mode ?? interactionMode(io);
  const purpose = interaction.purpose ?? 'use';
  const person: Person = {
    io,
    progress,
    prompter,
    mode,
    providerName: interaction.providerName ?? '<provider>',
    browser: interaction.browser,
    signal: io.signal,
    shown: new Set(),
  };
  const unattended = !mode.interactive && purpose === 'use';
  switch (config.strategy) {
    case 'client-credentials': {
      const { createClientCredentialsProvider } = await import('@tokensmith/client-credentials');
      return createClientCredentialsProvider({
        tokenUrl: config.tokenUrl,
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        store,
        ...(config.scope === undefined ? {} : { scope: config.scope }),
        ...(config.authMethod === undefined ? {} : { authMethod: config.authMethod }),
        ...(config.invalidateUrl === undefined ? {} : { invalidateUrl: config.invalidateUrl }),
        ...fetchOption,
        ...skew,
        ...timeout,
        // Logout reports an invalidation that failed here (tokens are forgotten locally anyway).
        onProgress: (message: string) => progress.start(message),
      });
    }
    case 'oauth1-pin': {
      const { createOAuth1PinProvider } = await import('@tokensmith/oauth1-pin');
      const provider = createOAuth1PinProvider({
        consumerKey: config.consumerKey,
        consumerSecret: config.consumerSecret,
        requestTokenUrl: config.requestTokenUrl,
        authorizeUrl: config.authorizeUrl,
        accessTokenUrl: config.accessTokenUrl,
        store,
        ...skew,
        ...timeout,
        ...fetchOption,
        // The URL and the browser are handled in promptPin (printed once, "Opening" only when tried).
        onProgress: (message: string) => {
          if (!/^(Opening the authorize page|Could not open a browser|Waiting for the PIN)/.test(message)) progress.start(message);
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
    }
    case 'authorization-code': {
      const { createAuthorizationCodeProvider } = await import('@tokensmith/authorization-code');
      const askPerson = !unattended;
      const provider = createAuthorizationCodeProvider({
        ...oauth2ClientOptions(config, store),
        ...(config.authorizationUrl === undefined ? {} : { authorizationUrl: config.authorizationUrl }),
        ...(config.redirectUri === undefined ? {} : { redirectUri: config.redirectUri }),
        ...fetchOption,
        // This CLI prints the URL and the browser's fate itself (once); the rest is progress.
        onProgress: (message: string, event: { type: string }) => {
          if (!['open-browser', 'browser-failed', 'prompt'].includes(event.type)) progress.start(message);
        },
        ...(askPerson
          ? {
              // The listener on 127.0.0.1 waits for the browser's redirect; on a terminal the redirected
              // URL can also be pasted, whichever comes first.
              openBrowser: async (url: string) => {
                if (!(await showAuthorizeUrl(person, url))) throw new Error('no browser opened');
                progress.start('Waiting for you to approve in the browser');
              },
              promptRedirect: async ({ authorizeUrl, signal }: { authorizeUrl: string; signal: AbortSignal }) => {
                progress.stop();
                await showAuthorizeUrl({ ...person, browser: false }, authorizeUrl);
                if (mode.interactive)
                  return prompter.ask('Waiting for the browser; or paste the URL it was redirected to (or the code): ', { signal });
                // No terminal to paste into (kubelogin does the same): wait for the browser to reach the
                // loopback listener, bounded by the callback timeout; Ctrl-C cancels.
                progress.start('Waiting for a browser to reach the redirect (Ctrl-C to cancel)');
                return new Promise<string>((_resolve, reject) =>
                  signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
                );
              },
            }
          : {}),
      });
      return unattended ? refuseLoginWithoutPerson(provider, person, {}) : provider;
    }
    case 'device-code': {
      const { createDeviceCodeProvider } = await import('@tokensmith/device-code');
      const { deviceLoginDisplay } = await import('../login/device.js');
      // No terminal needed: the person approves on any device, which is the point of this grant.
      const display = deviceLoginDisplay({ person, json: interaction.json === true });
      const provider = createDeviceCodeProvider({
        ...oauth2ClientOptions(config, store),
        ...(config.deviceAuthorizationUrl === undefined ? {} : { deviceAuthorizationUrl: config.deviceAuthorizationUrl }),
        ...fetchOption,
        onProgress: display.onProgress,
        ...(unattended ? {} : { onCode: display.onCode }),
      });
      const stopping = <T>(run: Promise<T>) => run.finally(display.stop);
      const shown = Object.assign(Object.create(provider) as typeof provider, {
        login: (options?: Parameters<typeof provider.login>[0]) => stopping(provider.login(options)),
        getToken: (options?: Parameters<typeof provider.getToken>[0]) => stopping(provider.getToken(options)),
      });
      return unattended ? refuseLoginWithoutPerson(shown, person, { anywhere: true }) : shown;
    }
  }
}
