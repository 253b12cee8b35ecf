import type { CommandContext } from '../command-context.js';
import { CliError } from '../cli-error.js';
import { withProvider } from '../session.js';

/** Registers `tokensmith timeline`. */
export function registerTimelineCommand({ program, io, global }: CommandContext): void {
  program
    .command('timeline')
    .description("print a user's timeline (Tweet:, On:, By:) or, with --json, as JSON")
    .argument('[provider]', 'provider name from the config (default: defaultProvider)')
    .option('-u, --user <name>', "screen name (default: the logged-in user, or the provider's timeline.user)")
    .option('-n, --count <n>', 'how many posts (1-200)', '5')
    .option('--json', 'print JSON')
    .option('--no-browser', 'do not open a browser for a login; print the URL instead')
    .addHelpText('after', '\nExamples:\n  $ tokensmith timeline\n  $ tokensmith timeline twitter --user twitterapi --count 3 --json')
    .action(async (name: string | undefined, flags: { user?: string; count: string; json?: boolean; browser?: boolean }) => {
      const count = Number(flags.count);
      if (!/^\d+$/.test(flags.count) || count < 1 || count > 200)
        throw new CliError('usage', '--count must be a whole number from 1 to 200');
      await withProvider(io, global(), name, flags, async ({ name: providerName, config, provider, progress, fetch: logged }) => {
        const { fetchTimeline, formatPosts } = await import('./timeline.js');
        const posts = await fetchTimeline(
          providerName,
          config,
          provider,
          { user: flags.user, count },
          progress,
          logged ? { fetch: logged } : {},
        );
        io.stdout.write(flags.json ? JSON.stringify(posts, null, 2) + '\n' : formatPosts(posts));
      });
    });
}
