import type { CommandContext } from '../command-context.js';
import { withProvider } from '../session.js';
import { isSenderConstrained } from '../bridges/bare-token.js';

/** Registers `tokensmith token`. */
export function registerTokenCommand({ program, io, global }: CommandContext): void {
  program
    .command('token')
    .description('print the current access token (obtaining one if needed)')
    .argument('[provider]', 'provider name from the config')
    .option('--format <format>', 'raw (default), json, header, env or exec-credential (a kubectl exec plugin answer)')
    .option('--json', 'the same as --format json')
    .option('--no-browser', 'do not open a browser for a login')
    .addHelpText(
      'after',
      '\nThe token is a credential: the command prints it because you asked; keep it out of logs.\nTOKENSMITH_<PROVIDER>_TOKEN, when set, is printed instead of the stored token.\n\nExamples:\n  $ tokensmith token twitter\n  $ curl -H "$(tokensmith token twitter --format header)" ...\n  $ eval "$(tokensmith token twitter --format env)"',
    )
    .action(async (name: string | undefined, flags: { json?: boolean; browser?: boolean; format?: string }) => {
      const { formatToken, isTokenFormat, TOKEN_FORMATS } = await import('../bridges/token-formats.js');
      const { strategyAdapter } = await import('../strategies/index.js');
      const format = flags.format ?? (flags.json ? 'json' : 'raw');
      if (!isTokenFormat(format) || (flags.json && format !== 'json')) {
        const { CliError } = await import('../cli-error.js');
        throw new CliError('usage', `--format must be one of ${TOKEN_FORMATS.join(', ')} (--json is --format json)`);
      }
      // Another program reads stdout: progress lines on stderr only for a person at a terminal.
      const quiet = !io.stdout.isTTY;
      await withProvider(io, global(), name, { ...flags, quiet }, async ({ name: providerName, config, provider, progress }) => {
        progress.start(`Getting a token for ${providerName}`);
        const credentials = await provider.getToken(io.signal ? { signal: io.signal } : {});
        progress.stop();
        io.stdout.write(
          formatToken(credentials, format, {
            provider: providerName,
            strategy: provider.strategy,
            user: strategyAdapter(config.strategy).statusUser,
            senderConstrained: isSenderConstrained(credentials),
            execInfo: io.env.KUBERNETES_EXEC_INFO,
          }),
        );
      });
    });
}
