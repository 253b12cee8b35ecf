import type { CommandContext } from '../command-context.js';
import { withProvider } from '../session.js';

/** Registers `tokensmith token`. */
export function registerTokenCommand({ program, io, global }: CommandContext): void {
  program
    .command('token')
    .description('print the current access token (obtaining one if needed)')
    .argument('[provider]', 'provider name from the config')
    .option('--json', 'print JSON with expiry and scopes')
    .option('--no-browser', 'do not open a browser for a login')
    .addHelpText(
      'after',
      '\nThe token is a credential: the command prints it because you asked; keep it out of logs.\n\nExamples:\n  $ tokensmith token twitter\n  $ curl -H "Authorization: Bearer $(tokensmith token twitter)" ...',
    )
    .action(async (name: string | undefined, flags: { json?: boolean; browser?: boolean }) => {
      await withProvider(io, global(), name, flags, async ({ name: providerName, provider, progress }) => {
        // A helper's stdout is read by a program (`$(tokensmith token x)`): no progress line unless a person watches it.
        if (io.stdout.isTTY) progress.start(`Getting a token for ${providerName}`);
        const credentials = await provider.getToken(io.signal ? { signal: io.signal } : {});
        progress.stop();
        if (flags.json) {
          const body =
            credentials.type === 'bearer'
              ? {
                  provider: providerName,
                  strategy: provider.strategy,
                  token_type: 'bearer',
                  access_token: credentials.accessToken,
                  expires_at: credentials.expiresAt === undefined ? null : new Date(credentials.expiresAt).toISOString(),
                  scope: credentials.scope ?? [],
                }
              : {
                  provider: providerName,
                  strategy: provider.strategy,
                  oauth_token: credentials.token,
                  oauth_token_secret: credentials.tokenSecret,
                  ...credentials.extra,
                };
          io.stdout.write(JSON.stringify(body, null, 2) + '\n');
        } else io.stdout.write(`${credentials.type === 'bearer' ? credentials.accessToken : credentials.token}\n`);
      });
    });
}
