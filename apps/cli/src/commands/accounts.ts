import type { CommandContext } from '../command-context.js';
import { sanitizeForTerminal } from '../terminal/safety.js';

/** One line of `tokensmith accounts --json`. */
/** One row of `accounts --json`: the same field names as `status --json` (see commands/json-fields.ts). */
type AccountRow = import('./json-fields.js').ProviderFields &
  import('./json-fields.js').CredentialFields & {
    account: string;
    default: boolean;
    store: import('./json-fields.js').StoreField;
  };

/** Registers `tokensmith accounts [provider]`. */
export function registerAccountsCommand({ program, io, global, stdoutStyle: style }: CommandContext): void {
  program
    .command('accounts')
    .description("list each provider's accounts and which is the default (never the tokens)")
    .argument('[provider]', 'only this provider')
    .option('--json', 'print JSON: [{ provider, account, default, strategy, store: { kind, path? }, loggedIn, expiresAt, scopes }]')
    .addHelpText(
      'after',
      `
An account is named at login after the identity the provider returns (or --account NAME). The
default (*) is what commands use without --account or TOKENSMITH_ACCOUNT: the one tokensmith
switch chose, else the only one.

Examples:
  $ tokensmith accounts
  $ tokensmith accounts twitter-user --json
  $ tokensmith switch twitter-user cafe_dev`,
    )
    .action(async (name: string | undefined, flags: { json?: boolean }) => {
      const { openContext, pickProvider } = await import('../context.js');
      const { providerAccounts } = await import('../accounts/listing.js');
      const { defaultAccount } = await import('../accounts/defaults.js');
      const { credentialFields, providerFields, storeField } = await import('./json-fields.js');
      const { strategyAdapter } = await import('../strategies/index.js');
      // Like status: the local store only, nothing sent anywhere, so no trust is needed.
      const context = await openContext(global(), io, { purpose: 'inspect' });
      try {
        const providers =
          name === undefined
            ? context.entries.flatMap((e) => (e.config ? [{ name: e.name, provider: e.config }] : []))
            : [pickProvider(context, name)];
        const opened = await context.store();
        const all = (await opened.store.entries?.()) ?? [];
        const rows: AccountRow[] = [];
        for (const picked of providers) {
          for (const listed of await providerAccounts(all, picked.name, picked.provider, defaultAccount(io.env, picked.name))) {
            rows.push({
              ...providerFields(picked.name, picked.provider.strategy),
              account: listed.account,
              default: listed.isDefault,
              store: storeField(opened.where),
              ...credentialFields(listed.credentials, strategyAdapter(picked.provider.strategy).statusUser),
            });
          }
        }
        if (flags.json) {
          io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        if (rows.length === 0) {
          io.stderr.write(`No accounts in ${opened.description}; log in with: tokensmith login ${name ?? 'PROVIDER'}\n`);
          return;
        }
        io.stdout.write(`${style.dim(`tokens in ${opened.description}; * marks the default`)}\n`);
        for (const row of rows)
          io.stdout.write(
            `${row.default ? '*' : ' '} ${style.bold(row.provider.padEnd(20))} ${sanitizeForTerminal(row.account).padEnd(24)} ${row.expiresAt ? `expires ${row.expiresAt}` : 'no expiry'}\n`,
          );
      } finally {
        await context.close();
      }
    });
}

/** Registers `tokensmith switch <provider> <account>`. */
export function registerSwitchCommand({ program, io, global }: CommandContext): void {
  program
    .command('switch')
    .description("make an account the provider's default (recorded in your user config dir; TOKENSMITH_ACCOUNT overrides it per process)")
    .argument('<provider>', 'provider name from the config')
    .argument('<account>', 'one of its accounts (tokensmith accounts lists them)')
    .addHelpText(
      'after',
      `
The default is kept in $XDG_CONFIG_HOME/tokensmith/accounts.json (default ~/.config), written
whole and renamed into place, so a command running meanwhile reads the old default or the new one.
For one process or script only, set TOKENSMITH_ACCOUNT=NAME or pass --account NAME instead.

Examples:
  $ tokensmith switch twitter-user cafe_dev
  $ TOKENSMITH_ACCOUNT=twitterapi tokensmith timeline twitter-user`,
    )
    .action(async (name: string, account: string) => {
      const { openContext, pickProvider } = await import('../context.js');
      const { accountNameProblem } = await import('../accounts/account-name.js');
      const { listAccounts } = await import('../accounts/resolve.js');
      const { setDefaultAccount } = await import('../accounts/defaults.js');
      const { CliError } = await import('../cli-error.js');
      const problem = accountNameProblem(account, 'the account');
      if (problem) throw new CliError('usage', problem);
      const context = await openContext(global(), io, { purpose: 'inspect' });
      try {
        const picked = pickProvider(context, name);
        const slots = await listAccounts((await context.store()).forProvider(picked.provider), picked.provider);
        if (!slots.some((slot) => slot.account === account))
          throw new CliError(
            'usage',
            slots.length === 0
              ? `provider ${picked.name} has no accounts yet; log one in with: tokensmith login ${picked.name}`
              : `provider ${picked.name} has no account ${account}; its accounts: ${slots.map((slot) => slot.account).join(', ')} (log another in with tokensmith login ${picked.name})`,
          );
        await setDefaultAccount(io.env, picked.name, account);
        io.stderr.write(`The default account of ${picked.name} is now ${account}\n`);
      } finally {
        await context.close();
      }
    });
}
