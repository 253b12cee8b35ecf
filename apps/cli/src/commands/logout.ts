import type { LogoutResult } from '@tokensmith/core';
import type { CommandContext } from '../command-context.js';
import { withProvider } from '../session.js';

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
    .option(
      '--forget-client',
      'also forget the app tokensmith registered for a provider without clientId (deleted at the server where it supports RFC 7592)',
    )
    .option('--instance <host>', 'the Mastodon instance logged in to with login --instance')
    .addHelpText(
      'after',
      '\nExamples:\n  $ tokensmith logout twitter-user\n  $ tokensmith --store redis://127.0.0.1:6379 logout app\n  $ tokensmith logout mastodon --forget-client',
    )
    .action(async (name: string, flags: { forgetClient?: boolean; instance?: string }) => {
      const instance = flags.instance;
      const { pickProvider } = await import('../context.js');
      const { instanceProvider } = await import('../registration/instance.js');
      const pick =
        instance === undefined
          ? {}
          : {
              withoutConfig: 'empty' as const,
              pick: (context: import('../context.js').CliContext) => {
                const configured = context.entries.some((entry) => entry.name === name) ? pickProvider(context, name).provider : undefined;
                return { name, provider: instanceProvider(configured, instance, name) };
              },
            };
      // Logging out never registers a client: without one stored, there is nothing to log out of.
      const prepare = async () => ({ registration: { register: false } });
      await withProvider(
        io,
        global(),
        name,
        { prepare, ...pick },
        async ({ name: providerName, config, provider, progress, context, fetch }) => {
          const forget = async () => {
            if (!flags.forgetClient) return;
            const { forgetRegisteredClient } = await import('../registration/forget-client.js');
            const store = (await context.store()).forProvider(config);
            const result = await forgetRegisteredClient(config, store, { fetch, timeoutMs: config.timeoutMs ?? 30_000 });
            progress.succeed(forgetOutcome(providerName, result));
          };
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
            progress.succeed(`Not logged in to ${providerName}; nothing to do`);
            return forget();
          }
          progress.start(`Logging out of ${providerName}`);
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
          progress.succeed(`Logged out of ${providerName}: ${logoutOutcome(result)}`);
          await forget();
        },
      );
    });
}
