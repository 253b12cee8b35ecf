import type { CommandContext } from '../command-context.js';
import { withProvider, describeCredentials } from '../session.js';

/** Registers `tokensmith login`. */
export function registerLoginCommand({ program, io, global, style }: CommandContext): void {
  program
    .command('login')
    .description('log in to a provider now (PIN or browser flow for user strategies)')
    .argument('<provider>', 'provider name from the config')
    .option('--no-browser', 'print the URL instead of opening a browser (paste the code or PIN back)')
    .option('--pin <pin>', 'OAuth 1.0a PIN, for scripts')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  $ tokensmith login twitter-user\n  $ tokensmith login mastodon --no-browser')
    .action(async (name: string, flags: { browser?: boolean; pin?: string; json?: boolean }) => {
      await withProvider(io, global(), name, flags, async ({ name: providerName, provider, progress }) => {
        const { isInteractive } = await import('../build-provider.js');
        const credentials = isInteractive(provider) ? await provider.login() : await provider.getToken({ forceRefresh: true });
        progress.succeed(`Logged in to ${providerName}`);
        if (flags.json) io.stdout.write(JSON.stringify({ provider: providerName, strategy: provider.strategy, ...describeCredentials(credentials) }, null, 2) + '\n');
      });
    });
}
