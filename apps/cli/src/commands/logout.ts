import type { LogoutResult } from '@tokensmith/core';
import type { CommandContext } from '../command-context.js';
import type { GlobalOptions } from '../context.js';
import { withProvider } from '../session.js';
import type { CliIO } from '../terminal/io.js';

/** What `logout` did at the provider, in words: never "revoked where supported" when nothing was revoked. */
function logoutOutcome(result: LogoutResult): string {
  switch (result.revocation) {
    case 'revoked':
      return `revoked at ${new URL(result.endpoint).host}, forgotten locally`;
    case 'unsupported':
      return 'the provider has no revocation endpoint; forgotten locally';
    case 'failed':
      return `revocation failed: ${result.reason}; forgotten locally`;
    case 'nothing-stored':
      return 'nothing was stored to revoke; forgotten locally';
  }
}

/** What `logout --forget-client` did, in words. */
function forgetOutcome(name: string, result: import('../registration/forget-client.js').ForgetClientResult): string {
  if (!result.forgotten) return `No registered app is stored for ${name}; nothing to forget`;
  const where = result.endpoint ? new URL(result.endpoint).host : 'the server';
  const how =
    result.deletion === 'deleted'
      ? `deleted at ${where} (RFC 7592)`
      : result.deletion === 'unsupported'
        ? 'the server offers no way to delete it (delete it in its settings if you wish)'
        : `deleting it at ${where} failed: ${result.reason ?? 'unknown reason'}`;
  return `Forgot the app registered for ${name} (client id ${result.clientId}): ${how}; the next login registers a new one`;
}

/** Registers `tokensmith logout`. */
export function registerLogoutCommand({ program, io, global }: CommandContext): void {
  program
    .command('logout')
    .description("revoke a provider's tokens (where it has a revocation endpoint) and forget them here")
    .argument('<provider>', 'provider name from the config')
    .option('--all', 'log out every account of the provider (one account: --account NAME)')
    .option(
      '--forget-client',
      'also forget the app tokensmith registered for a provider without clientId (deleted at the server where it supports RFC 7592)',
    )
    .option('--instance <host>', 'the Mastodon instance logged in to with login --instance')
    .addHelpText(
      'after',
      `
With several accounts, logout takes the default one (see tokensmith accounts), --account NAME,
or --all. A default account that is logged out is no longer the default.

Examples:
  $ tokensmith logout twitter-user
  $ tokensmith logout twitter-user --account cafe_dev
  $ tokensmith logout twitter-user --all
  $ tokensmith --store redis://127.0.0.1:6379 logout app
  $ tokensmith logout mastodon --forget-client`,
    )
    .action(async (name: string, flags: { all?: boolean; forgetClient?: boolean; instance?: string }) => {
      const instance = flags.instance;
      const { pickProvider } = await import('../context.js');
      const { instanceProvider } = await import('../registration/instance.js');
      const pick: Pick<LogoutOptions, 'pick' | 'withoutConfig'> =
        instance === undefined
          ? {}
          : {
              withoutConfig: 'empty' as const,
              pick: (context: import('../context.js').CliContext) => {
                const configured = context.entries.some((entry) => entry.name === name) ? pickProvider(context, name).provider : undefined;
                return { name, provider: instanceProvider(configured, instance, name) };
              },
            };
      const options = (forgetClient: boolean): LogoutOptions => ({ ...pick, forgetClient });
      if (!flags.all) return logoutAccount(io, global(), name, undefined, options(flags.forgetClient === true));
      if (global().account !== undefined) {
        const { CliError } = await import('../cli-error.js');
        throw new CliError('usage', 'pass either --account NAME (one account) or --all (every account), not both');
      }
      const accounts = await accountsOf(io, global(), name);
      if (accounts.length === 0) return logoutAccount(io, global(), name, undefined, options(flags.forgetClient === true)); // says there is nothing to do
      // The registered app is forgotten once, after the last account: the others' tokens were issued to it.
      for (const [index, account] of accounts.entries())
        await logoutAccount(io, global(), name, account, options(flags.forgetClient === true && index === accounts.length - 1));
    });
}

/** The names of a provider's stored accounts. */
async function accountsOf(io: CliIO, global: GlobalOptions, name: string): Promise<string[]> {
  const { openContext, pickProvider } = await import('../context.js');
  const { listAccounts } = await import('../accounts/resolve.js');
  const context = await openContext(global, io);
  try {
    const picked = pickProvider(context, name);
    return (await listAccounts((await context.store()).forProvider(picked.provider), picked.provider)).map((slot) => slot.account);
  } finally {
    await context.close();
  }
}

/** How one logout runs: a one-off `--instance` provider, and whether to forget the registered app too. */
interface LogoutOptions {
  pick?: (context: import('../context.js').CliContext) => { name: string; provider: import('../config/schema.js').ProviderConfig };
  withoutConfig?: 'empty';
  forgetClient: boolean;
}

/** Logs one account of a provider out (`account`, else the one --account, TOKENSMITH_ACCOUNT or the default names). */
async function logoutAccount(
  io: CliIO,
  global: GlobalOptions,
  name: string,
  account: string | undefined,
  { forgetClient, ...pick }: LogoutOptions,
): Promise<void> {
  // Logging out never registers a client: without one stored, there is nothing to log out of.
  const prepare = async () => ({ registration: { register: false } });
  await withProvider(
    io,
    global,
    name,
    { ...(account === undefined ? {} : { account }), prepare, ...pick },
    async ({ name: providerName, config, provider, progress, context, fetch, account: resolved }) => {
      const forget = async () => {
        if (!forgetClient) return;
        const { forgetRegisteredClient } = await import('../registration/forget-client.js');
        const store = (await context.store()).forProvider(config);
        const result = await forgetRegisteredClient(config, store, { fetch, timeoutMs: config.timeoutMs ?? 30_000 });
        progress.succeed(forgetOutcome(providerName, result));
      };
      const slot = resolved.slot;
      // Name the account when the provider has several, or one was asked for; one account reads as before accounts.
      const named = resolved.slots.length > 1 || account !== undefined || global.account !== undefined;
      const which = slot && named ? `${providerName} (account ${slot.account})` : providerName;
      // A pending two-step login (OAuth 1.0a) is part of the login: forget it too.
      const { removePendingLogin } = await import('../login/pending.js');
      removePendingLogin(io.env, providerName);
      let stored: unknown;
      try {
        stored = await provider.peek();
      } catch {
        stored = 'unreadable'; // a corrupt store: logout below is the documented way out
      }
      if (stored === undefined) {
        progress.succeed(`Not logged in to ${which}; nothing to do`);
        return forget();
      }
      progress.start(`Logging out of ${which}`);
      let result: LogoutResult;
      try {
        result = await provider.logout();
      } catch (error) {
        // The documented way out of a corrupt token file: move it aside (it is never overwritten).
        const { store } = await context.store();
        const reset = (store as { reset?: () => Promise<string | undefined> }).reset;
        const { TokensmithError } = await import('@tokensmith/core');
        // Only a damaged token file (TokenFileError problem 'corrupt'): never a failed write (a full disk) or a foreign file.
        if (!(error instanceof TokensmithError) || (error as { problem?: unknown }).problem !== 'corrupt' || !reset) throw error;
        const moved = await reset.call(store);
        progress.succeed(
          `The token file could not be read; moved it to ${moved ?? '(nothing to move)'}. Every provider is logged out: run tokensmith login again.`,
        );
        return;
      }
      if (slot) {
        const { defaultAccount, noteAccount, setDefaultAccount } = await import('../accounts/defaults.js');
        if (defaultAccount(io.env, providerName) === slot.account) await setDefaultAccount(io.env, providerName, undefined);
        await noteAccount(io.env, providerName, slot.account, false);
      }
      progress.succeed(`Logged out of ${which}: ${logoutOutcome(result)}`);
      await forget();
    },
  );
}
