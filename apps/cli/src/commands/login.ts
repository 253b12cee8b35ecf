import type { CommandContext } from '../command-context.js';
import type { ProviderConfig } from '../config/schema.js';
import type { GlobalOptions } from '../context.js';
import { withProvider, describeCredentials } from '../session.js';

type OAuth1Config = Extract<ProviderConfig, { strategy: 'oauth1-pin' }>;
type LoginFlags = { browser?: boolean; pin?: string; json?: boolean; withToken?: boolean; expiresIn?: string };

/** What ties a pending OAuth 1.0a login to one config (no secret in it). */
function oauth1Identity(config: OAuth1Config): Record<string, string> {
  return {
    consumerKey: config.consumerKey,
    requestTokenUrl: config.requestTokenUrl,
    authorizeUrl: config.authorizeUrl,
    accessTokenUrl: config.accessTokenUrl,
  };
}

/** Registers `tokensmith login`. */
export function registerLoginCommand({ program, io, global }: CommandContext): void {
  program
    .command('login')
    .description('log in to a provider now (PIN, browser or device-code flow for user strategies)')
    .argument('<provider>', 'provider name from the config')
    .option('--no-browser', 'print the URL instead of opening a browser (paste the code or PIN back)')
    .option('--pin <pin>', 'OAuth 1.0a: finish a login started without a terminal (see below)')
    .option('--json', 'print the result as JSON')
    .option('--with-token', 'store a token read from stdin (a bare token or a JSON token response) instead of logging in')
    .option('--expires-in <seconds>', 'with --with-token: the token expires in this many seconds')
    .addHelpText(
      'after',
      `
Without a terminal (a script, CI, --no-input), an OAuth 1.0a login takes two runs: the first
prints the URL to approve and keeps the pending request for a few minutes; the second takes the
PIN the page shows. The PIN is short-lived, but a command line is visible to other local users
(ps): prefer typing it at the masked prompt when you have a terminal.

Examples:
  $ tokensmith login twitter-user
  $ tokensmith login twitter-user --no-browser --json   # prints { "authorizeUrl": ..., "next": ... }
  $ tokensmith login twitter-user --pin 1234567
  $ tokensmith login mastodon --no-browser`,
    )
    .action(async (name: string, flags: LoginFlags) => {
      const options = global() as GlobalOptions & { input?: boolean };
      if (flags.withToken) return (await import('../login/with-token.js')).loginWithToken(io, options, name, flags);
      const { interactionMode } = await import('../login/prompter.js');
      const { DEFAULT_PENDING_TTL_MS, pendingIdentity, readPendingLogin, removePendingLogin, savePendingLogin } =
        await import('../login/pending.js');
      const { TokensmithError, OAuthResponseError } = await import('@tokensmith/core/kit');
      const mode = interactionMode(io, options);
      const signalOption = io.signal ? { signal: io.signal } : {};
      type Pending = import('@tokensmith/oauth1-pin').OAuth1RequestTokenState;
      let pending: Pending | undefined;
      // --pin: find the request token the first run kept, before anything else is built.
      const prepare = (picked: { name: string; provider: ProviderConfig }) => {
        if (flags.pin === undefined) return {};
        if (picked.provider.strategy !== 'oauth1-pin') {
          throw new TokensmithError(
            'config_error',
            `--pin is only for OAuth 1.0a providers; ${picked.name} uses ${picked.provider.strategy}`,
          );
        }
        pending = readPendingLogin<Pending>(io.env, picked.name, pendingIdentity(oauth1Identity(picked.provider)))?.state;
        if (!pending) {
          throw new TokensmithError(
            'login_required',
            `no pending login for ${picked.name} (none was started, it expired, or it was used): run \`tokensmith login ${picked.name} --no-browser\` first; it prints the URL whose page shows the PIN`,
          );
        }
        return {};
      };

      await withProvider(
        io,
        options,
        name,
        { ...flags, login: true, prepare },
        async ({ name: providerName, config, provider, progress, context }) => {
          const { isInteractive } = await import('../strategies/build-provider.js');
          const print = (credentials: Parameters<typeof describeCredentials>[0]) => {
            progress.succeed(`Logged in to ${providerName}`);
            const result = { provider: providerName, strategy: provider.strategy, ...describeCredentials(credentials) };
            // A device login's --json is line-delimited: the code event, then this result, one line each.
            if (flags.json)
              io.stdout.write(
                (config.strategy === 'device-code' ? JSON.stringify({ event: 'logged_in', ...result }) : JSON.stringify(result, null, 2)) +
                  '\n',
              );
          };

          const oauth1 = provider as import('@tokensmith/oauth1-pin').OAuth1PinProvider;
          if (config.strategy === 'oauth1-pin' && pending && flags.pin !== undefined) {
            // Step 2 of the scriptable login: the saved request token and the PIN its page showed.
            try {
              print(await oauth1.completeLogin(pending, flags.pin, signalOption));
            } catch (error) {
              if (error instanceof OAuthResponseError && error.status === 401) {
                removePendingLogin(io.env, providerName);
                throw new TokensmithError(
                  'login_required',
                  `the PIN was not accepted (HTTP 401 ${error.error}): it was mistyped, or the pending request expired or was already used. Start again: \`tokensmith login ${providerName} --no-browser\``,
                  { cause: error },
                );
              }
              throw error;
            }
            removePendingLogin(io.env, providerName);
            return;
          }

          if (config.strategy === 'oauth1-pin' && !mode.interactive && context.demo) {
            // The embedded sandbox ends with this process: nobody could approve the request token later.
            throw new TokensmithError(
              'login_required',
              `the built-in demo's sandbox runs only while a command runs, so a two-step login cannot work with it (${mode.why}): run \`tokensmith login ${providerName}\` in a terminal, or start \`tokensmith sandbox --write tokensmith.config.yaml\` in another terminal and use that config`,
            );
          }
          if (config.strategy === 'oauth1-pin' && !mode.interactive) {
            // Step 1 of the scriptable login: nobody can type a PIN here, so keep the request token for
            // the run that brings it (`--pin`), print what to do, and succeed.
            const state = await oauth1.startLogin(signalOption);
            progress.stop();
            const expiresAt = state.expiresAt ?? Date.now() + DEFAULT_PENDING_TTL_MS;
            const path = savePendingLogin(io.env, {
              provider: providerName,
              identity: pendingIdentity(oauth1Identity(config)),
              expiresAt,
              authorizeUrl: state.authorizeUrl,
              state,
            });
            const next = `tokensmith login ${providerName} --pin PIN`;
            const { showAuthorizeUrl } = await import('../login/person.js');
            const { createPrompter } = await import('../login/prompter.js');
            if (flags.json) {
              io.stdout.write(
                JSON.stringify(
                  {
                    provider: providerName,
                    strategy: 'oauth1-pin',
                    status: 'pending',
                    authorizeUrl: state.authorizeUrl,
                    expiresAt: new Date(expiresAt).toISOString(),
                    next,
                  },
                  null,
                  2,
                ) + '\n',
              );
              if (flags.browser !== false)
                await showAuthorizeUrl(
                  { io, progress, prompter: createPrompter(io), mode, providerName, browser: true, shown: new Set([state.authorizeUrl]) },
                  state.authorizeUrl,
                );
            } else {
              await showAuthorizeUrl(
                { io, progress, prompter: createPrompter(io), mode, providerName, browser: flags.browser !== false },
                state.authorizeUrl,
              );
            }
            io.stderr.write(
              `No terminal to type the PIN into (${mode.why}). Approve on that page, then finish with:\n  ${next}\n` +
                `The pending request is kept in ${path} until ${new Date(expiresAt).toISOString()}.\n`,
            );
            return;
          }

          if (!mode.interactive && options.input === false && config.strategy === 'authorization-code') {
            const { loginRequired } = await import('../login/person.js');
            throw loginRequired({ providerName, mode });
          }
          print(
            isInteractive(provider) ? await provider.login(signalOption) : await provider.getToken({ forceRefresh: true, ...signalOption }),
          );
        },
      );
    });
}
