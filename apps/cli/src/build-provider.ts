import { TokensmithError, type InteractiveTokenProvider, type ManagedTokenProvider, type TokenStore } from '@tokensmith/core';
import type { ProviderConfig } from './config-schema.js';
import { openInBrowser, type Prompter } from './interactive.js';
import type { CliIO, Progress } from './io.js';

/** What the interactive strategies need from the terminal. */
export interface InteractionOptions {
  io: CliIO;
  progress: Progress;
  prompter: Prompter;
  /** Open the browser (default true; `--no-browser` sets false). */
  browser: boolean;
  /** A PIN given on the command line (`--pin`). */
  pin?: string;
  /** The fetch the strategies use (a logging one under --verbose). */
  fetch?: typeof fetch;
}

/** A provider built from config, interactive or not; every strategy stores its tokens. */
export type BuiltProvider = ManagedTokenProvider | InteractiveTokenProvider;

/** Whether a provider runs a login flow with a person. */
export function isInteractive(provider: BuiltProvider): provider is InteractiveTokenProvider {
  return typeof (provider as Partial<InteractiveTokenProvider>).login === 'function';
}

/** Builds the strategy named by the provider's config; each strategy package is loaded only when used. */
export async function buildProvider(config: ProviderConfig, store: TokenStore, interaction: InteractionOptions): Promise<BuiltProvider> {
  const { io, progress, prompter } = interaction;
  const timeout = config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs };
  const fetchOption = interaction.fetch === undefined ? {} : { fetch: interaction.fetch };
  const openBrowser = async (url: string) => {
    io.stderr.write(`\nOpen this URL to authorize:\n  ${url}\n\n`);
    if (!interaction.browser) return false;
    const opened = await openInBrowser(url, io.env);
    if (!opened) io.stderr.write('(could not open a browser; open the URL above yourself)\n');
    return opened;
  };
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
        ...timeout,
      });
    }
    case 'oauth1-pin': {
      const { createOAuth1PinProvider } = await import('@tokensmith/oauth1-pin');
      return createOAuth1PinProvider({
        consumerKey: config.consumerKey,
        consumerSecret: config.consumerSecret,
        requestTokenUrl: config.requestTokenUrl,
        authorizeUrl: config.authorizeUrl,
        accessTokenUrl: config.accessTokenUrl,
        store,
        ...timeout,
        ...fetchOption,
        openBrowser: async (url: string) => {
          await openBrowser(url);
        },
        onProgress: (message: string) => progress.start(message),
        promptPin: async () => {
          progress.stop();
          if (interaction.pin !== undefined) return interaction.pin;
          return prompter.ask('PIN: ', { secret: true });
        },
      });
    }
    case 'authorization-code': {
      const { createAuthorizationCodeProvider } = await import('@tokensmith/authorization-code');
      return createAuthorizationCodeProvider({
        clientId: config.clientId,
        scopes: config.scopes,
        store,
        ...fetchOption,
        ...(config.issuer === undefined ? {} : { issuer: config.issuer }),
        ...(config.authorizationUrl === undefined ? {} : { authorizationUrl: config.authorizationUrl }),
        ...(config.tokenUrl === undefined ? {} : { tokenUrl: config.tokenUrl }),
        ...(config.revocationUrl === undefined ? {} : { revocationUrl: config.revocationUrl }),
        ...(config.clientSecret === undefined ? {} : { clientSecret: config.clientSecret }),
        ...(config.redirectUri === undefined ? {} : { redirectUri: config.redirectUri }),
        ...timeout,
        onProgress: (message: string) => progress.start(message),
        // The listener on 127.0.0.1 always waits for the browser's redirect; with --no-browser (or
        // when no browser opens) the redirected URL can also be pasted, whichever comes first.
        openBrowser: async (url: string) => {
          if (!(await openBrowser(url))) throw new Error('no browser opened');
          progress.start('Waiting for you to approve in the browser');
        },
        promptRedirect: async ({ signal }: { authorizeUrl: string; signal: AbortSignal }) => {
          progress.stop();
          if (!prompter.ended) {
            try {
              return await prompter.ask('Waiting for the browser; or paste the URL it was redirected to (or the code): ', { signal });
            } catch (error) {
              if (!prompter.ended) throw error;
            }
          }
          // No terminal to paste into (stdin ended, as in CI): keep waiting for the browser's
          // redirect until the listener answers or times out.
          progress.start('Waiting for the browser to reach the redirect');
          return new Promise<string>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
        },
      });
    }
    // Placeholder until the device-code strategy is wired in (the clilogin helper maps it).
    case 'device-code':
      throw new TokensmithError('config_error', `strategy device-code is not available in this build of tokensmith`);
  }
}
