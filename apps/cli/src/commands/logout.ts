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

/** Registers `tokensmith logout`. */
export function registerLogoutCommand({ program, io, global }: CommandContext): void {
  program
    .command('logout')
    .description("revoke a provider's tokens (where it has a revocation endpoint) and forget them here")
    .argument('<provider>', 'provider name from the config')
    .addHelpText('after', '\nExamples:\n  $ tokensmith logout twitter-user\n  $ tokensmith --store redis://127.0.0.1:6379 logout app')
    .action(async (name: string) => {
      await withProvider(io, global(), name, {}, async ({ name: providerName, provider, progress, context }) => {
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
          return;
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
      });
    });
}
