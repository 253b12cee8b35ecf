import type { CommandContext } from '../command-context.js';
import type { ProviderConfig } from '../config/schema.js';
import type { GlobalOptions } from '../context.js';
import { withProvider } from '../session.js';
import { sanitizeForTerminal } from '../terminal/safety.js';

/** What `refresh` renewed the token with, as `--json` reports it. */
export type RenewedBy = 'refresh-token' | 'app-token' | 'login';

/** The scopes `--scopes` asks for beside the config's, and the whole set the provider is built with. */
interface ScopePlan {
  added: string[];
  scopes: string[];
}

/**
 * The scope names of `--scopes a,b` (commas or spaces between them), each once.
 *
 * @example
 * ```ts
 * parseScopeList('read, write,read'); // ['read', 'write']
 * ```
 */
export function parseScopeList(list: string): string[] {
  return [...new Set(list.split(/[\s,]+/).filter(Boolean))];
}

/** Registers `tokensmith refresh`. */
export function registerRefreshCommand({ program, io, global }: CommandContext): void {
  program
    .command('refresh')
    .description("renew a provider's token now: with its refresh token, or a new app token for app-only strategies")
    .argument('<provider>', 'provider name from the config')
    .option('--scopes <list>', "comma-separated scopes to ask for besides the config's (more scopes take a new login)")
    .option('--no-browser', 'for a new login: print the URL instead of opening a browser')
    .option('--json', 'print the result as JSON (never the token)')
    .addHelpText(
      'after',
      `
Progress goes to stderr; the token is never printed (tokensmith token does that). OAuth 1.0a tokens
neither expire nor renew: run tokensmith login for new ones. Scopes beyond the config's are a new
grant (a login, or a new app token), kept for that scope set: add them to the provider's scopes in
the config so that the other commands use it.

Examples:
  $ tokensmith refresh github
  $ tokensmith refresh app --json
  $ tokensmith refresh mastodon --scopes read,write`,
    )
    .action(async (name: string, flags: { scopes?: string; browser?: boolean; json?: boolean }) => {
      const { CliError } = await import('../cli-error.js');
      const { strategyAdapter } = await import('../strategies/index.js');
      const requested = flags.scopes === undefined ? undefined : parseScopeList(flags.scopes);
      if (requested?.length === 0) throw new CliError('usage', '--scopes needs at least one scope name (--scopes read,write)');
      const options = global() as GlobalOptions & { input?: boolean };
      let plan: ScopePlan | undefined;
      // Before the provider is built: more scopes are another provider setting (and another store key).
      const configure = (picked: { name: string; provider: ProviderConfig }): ProviderConfig => {
        if (requested === undefined) return picked.provider;
        const adapter = strategyAdapter(picked.provider.strategy);
        if (!adapter.scopes)
          throw new CliError(
            'usage',
            `${picked.name} uses ${picked.provider.strategy}, which has no scopes: run tokensmith refresh ${picked.name} without --scopes`,
          );
        const current = adapter.scopes.of(picked.provider);
        const added = requested.filter((scope) => !current.includes(scope));
        plan = { added, scopes: [...current, ...added] };
        return added.length === 0 ? picked.provider : (adapter.scopes.with(picked.provider, plan.scopes) as ProviderConfig);
      };
      await withProvider(
        io,
        options,
        name,
        { browser: flags.browser !== false, json: flags.json === true, configure },
        async ({ name: providerName, config, provider, progress, context }) => {
          const adapter = strategyAdapter(config.strategy);
          if (adapter.renewal === 'login-only')
            throw new CliError(
              'usage',
              `${providerName} uses ${config.strategy}, whose tokens neither expire nor renew; for new ones run tokensmith login ${providerName}`,
            );
          const { overrideToken, tokenOverrideVariable } = await import('../bridges/env-override.js');
          if (overrideToken(io.env, providerName))
            throw new CliError(
              'usage',
              `${tokenOverrideVariable(providerName)} is set, so its token is used instead of the store's and tokensmith cannot renew it; unset it to refresh the stored token`,
            );
          const added = plan?.added ?? [];
          if (added.length > 0 && adapter.renewal === 'refresh-token') {
            const { interactionMode } = await import('../login/prompter.js');
            if (!interactionMode(io, options).interactive)
              throw new CliError(
                'usage',
                `asking ${providerName} for ${added.join(', ')} takes a new login, and nobody can answer here (no terminal, CI or --no-input): run tokensmith refresh ${providerName} --scopes ${requested!.join(',')} in a terminal, or add them to ${adapter.scopeField} in ${context.source} and run tokensmith login ${providerName}`,
              );
          }
          const before = await provider.peek().catch(() => undefined);
          const renewedBy: RenewedBy =
            adapter.renewal === 'app-token'
              ? 'app-token'
              : added.length === 0 && before?.type === 'bearer' && before.refreshToken !== undefined
                ? 'refresh-token'
                : 'login';
          if (requested !== undefined && added.length === 0)
            io.stderr.write(
              `${requested.join(', ')} ${requested.length === 1 ? 'is' : 'are'} already among ${providerName}'s scopes in the config\n`,
            );
          if (added.length > 0)
            io.stderr.write(
              `Asking for ${added.join(', ')} beyond the config's scopes: this takes ${renewedBy === 'app-token' ? 'a new app token' : 'a new login'}\n`,
            );
          else if (renewedBy === 'login') io.stderr.write(`${providerName} has no refresh token stored: logging in again\n`);
          progress.start(
            renewedBy === 'refresh-token'
              ? `Renewing ${providerName}'s token with its refresh token`
              : renewedBy === 'app-token'
                ? `Requesting a new app token for ${providerName}`
                : `Logging in to ${providerName}`,
          );
          const credentials = await provider.getToken({ forceRefresh: true, ...(io.signal ? { signal: io.signal } : {}) });
          const { credentialFields, providerFields, storeField } = await import('./json-fields.js');
          const fields = credentialFields(credentials, adapter.statusUser);
          progress.succeed(`Renewed ${providerName}'s token${fields.expiresAt ? `; it expires ${fields.expiresAt}` : ''}`);
          if (added.length > 0)
            io.stderr.write(
              `note: the new token is kept for the scopes ${plan!.scopes.join(' ')}; add ${added.join(', ')} to providers.${providerName}.${adapter.scopeField} in ${sanitizeForTerminal(context.source)} so that other commands use it\n`,
            );
          if (flags.json)
            io.stdout.write(
              JSON.stringify(
                {
                  ...providerFields(providerName, config.strategy),
                  store: storeField((await context.store()).where),
                  renewedBy,
                  scopesAdded: added,
                  ...fields,
                },
                null,
                2,
              ) + '\n',
            );
        },
      );
    });
}
