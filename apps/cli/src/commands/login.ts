import type { CommandContext } from '../command-context.js';
import type { ProviderConfig } from '../config/schema.js';
import type { GlobalOptions } from '../context.js';
import type { Credentials } from '@tokensmith/core';
import { withProvider } from '../session.js';
import type { LoginFlags } from '../strategies/adapter.js';
import { sanitizeForTerminal } from '../terminal/safety.js';

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
    .option(
      '--instance <host>',
      'the Mastodon instance to log in to (e.g. fosstodon.org): overrides the issuer, or logs in without a config entry; registers an app there once',
    )
    .addHelpText(
      'after',
      `
Without a terminal (a script, CI, --no-input), an OAuth 1.0a login takes two runs: the first
prints the URL to approve and keeps the pending request for a few minutes; the second takes the
PIN the page shows. The PIN is short-lived, but a command line is visible to other local users
(ps): prefer typing it at the masked prompt when you have a terminal.

The account is named after the identity the provider returns (screen_name, preferred_username,
username or sub); --account NAME names it yourself. Logging in as another person adds an account
beside the first (see tokensmith accounts; the first stays the default until tokensmith switch).

Examples:
  $ tokensmith login twitter-user
  $ tokensmith login twitter-user --account work       # a second account, named by you
  $ tokensmith login twitter-user --no-browser --json   # prints { "authorizeUrl": ..., "next": ... }
  $ tokensmith login twitter-user --pin 1234567
  $ tokensmith login mastodon --no-browser
  $ tokensmith login mastodon --instance fosstodon.org   # registers an app on the instance once, then reuses it`,
    )
    .action(async (name: string, flags: LoginFlags) => {
      const options = global() as GlobalOptions & { input?: boolean };
      if (flags.withToken) return (await import('../login/with-token.js')).loginWithToken(io, options, name, flags);
      const { interactionMode } = await import('../login/prompter.js');
      const { STRATEGIES, STRATEGIES_BY_NAME, strategyAdapter } = await import('../strategies/index.js');
      const { TokensmithError } = await import('@tokensmith/core/kit');
      const mode = interactionMode(io, options);
      let prepared: unknown;
      // Before anything else is built: the adapter checks the flags it takes (--pin finds its pending login).
      const prepare = async (picked: { name: string; provider: ProviderConfig }) => {
        const adapter = strategyAdapter(picked.provider.strategy);
        if (adapter.prepareLogin) prepared = await adapter.prepareLogin(picked.name, picked.provider, flags, io.env);
        else if (flags.pin !== undefined) {
          const withPin = STRATEGIES.filter((strategy) => STRATEGIES_BY_NAME[strategy].prepareLogin !== undefined);
          throw new TokensmithError(
            'config_error',
            `--pin is only for a login that takes a PIN (strategy ${withPin.join(' or ')}); ${picked.name} uses ${picked.provider.strategy}`,
          );
        }
        // --instance: the server is a Mastodon instance, so /api/v1/apps is tried even where its metadata names no registration.
        return flags.instance === undefined ? {} : { registration: { assume: 'mastodon' as const } };
      };
      const instance = flags.instance;
      const pick =
        instance === undefined
          ? undefined
          : async () => {
              const { pickProvider } = await import('../context.js');
              const { instanceProvider } = await import('../registration/instance.js');
              return (context: import('../context.js').CliContext) => {
                // A configured provider is looked up as always (its missing variables named); an unknown name is a one-off.
                const configured = context.entries.some((entry) => entry.name === name) ? pickProvider(context, name).provider : undefined;
                return { name, provider: instanceProvider(configured, instance, name) };
              };
            };

      await withProvider(
        io,
        options,
        name,
        // A one-off --instance login needs no config file: its tokens go to the real store, never the demo's.
        {
          ...flags,
          login: true,
          prepare,
          ...(pick ? { pick: await pick(), withoutConfig: 'empty' as const } : {}),
          ...(instance === undefined ? {} : { instanceFor: { provider: name, instance } }),
        },
        async ({ name: providerName, config, provider, progress, context, account }) => {
          const { isInteractive } = await import('../strategies/adapter.js');
          const adapter = strategyAdapter(config.strategy);
          const { credentialFields, providerFields, storeField } = await import('./json-fields.js');
          const store = storeField((await context.store()).where);
          const print = (credentials: Credentials) => {
            // The account is named by the provider's answer (remote text), or by --account.
            const named = account.login?.account;
            progress.succeed(`Logged in to ${providerName}${named === undefined ? '' : ` as ${sanitizeForTerminal(named)}`}`);
            const result = {
              ...providerFields(providerName, config.strategy),
              ...(named === undefined ? {} : { account: named }),
              store,
              ...credentialFields(credentials, adapter.statusUser),
            };
            if (flags.json)
              io.stdout.write(
                (adapter.jsonLines ? JSON.stringify({ event: 'logged_in', ...result }) : JSON.stringify(result, null, 2)) + '\n',
              );
          };
          const session = {
            io,
            name: providerName,
            config,
            provider,
            progress,
            mode,
            flags,
            noInput: options.input === false,
            demo: context.demo,
            prepared,
            print,
          };
          const { keepDefaultAfterLogin } = await import('../accounts/resolve.js');
          if (adapter.login) await adapter.login(session);
          else {
            const signal = io.signal ? { signal: io.signal } : {};
            print(isInteractive(provider) ? await provider.login(signal) : await provider.getToken({ forceRefresh: true, ...signal }));
          }
          await keepDefaultAfterLogin(io.env, providerName, account);
        },
      );
    });
}
