import { Command, CommanderError, Option } from 'commander';
import { createLoggingFetch, debugEnabled, type Credentials } from '@tokensmith/core/kit';
import { CliError, EXIT, exitCodeFor, messageFor } from './cli-error.js';
import { createProgress, styler, useColor, type CliIO, type Progress } from './io.js';
import type { CliContext, GlobalOptions } from './context.js';

/** The version printed by `--version`. */
export const VERSION = '0.1.0';

const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  usage or config error
  2  authentication error (bad credentials, denied, login required)
  3  network or provider error (timeout, 5xx, unreadable response)`;

/** Under --verbose or DEBUG=tokensmith*, a fetch that logs every request to stderr with secrets masked. */
function verboseFetch(io: CliIO, global: GlobalOptions): typeof fetch | undefined {
  if (!global.verbose && !debugEnabled(io.env.DEBUG)) return undefined;
  return createLoggingFetch((line) => io.stderr.write(`tokensmith:http ${line}\n`));
}

interface ProviderSession {
  /** The logging fetch under --verbose, else undefined. */
  fetch: typeof fetch | undefined;
  context: CliContext;
  name: string;
  progress: Progress;
  provider: import('./build-provider.js').BuiltProvider;
  close(): Promise<void>;
}

async function withProvider<T>(
  io: CliIO,
  global: GlobalOptions,
  name: string | undefined,
  flags: { json?: boolean; browser?: boolean; pin?: string },
  fn: (session: ProviderSession) => Promise<T>,
): Promise<T> {
  const { openContext, pickProvider } = await import('./context.js');
  const { buildProvider } = await import('./build-provider.js');
  const { createPrompter } = await import('./interactive.js');
  const progress = createProgress(io, false);
  const httpLog = verboseFetch(io, global);
  const context = await openContext(global, io);
  const prompter = createPrompter(io);
  try {
    const picked = pickProvider(context, name);
    if (context.demo) progress.succeed(`No config file found: using the ${context.source}`);
    const { store } = await context.store();
    const provider = await buildProvider(picked.provider, store, {
      io,
      progress,
      prompter,
      browser: flags.browser !== false,
      ...(flags.pin === undefined ? {} : { pin: flags.pin }),
      ...(httpLog === undefined ? {} : { fetch: httpLog }),
    });
    return await fn({ context, name: picked.name, progress, provider, fetch: httpLog, close: () => context.close() });
  } finally {
    progress.stop();
    prompter.close();
    await context.close();
  }
}

interface CredentialStatus {
  loggedIn: boolean;
  type?: 'bearer' | 'oauth1';
  expiresAt?: string | null;
  refreshable?: boolean;
  scopes?: string[];
  user?: string | null;
}

function describeCredentials(credentials: Credentials | undefined): CredentialStatus {
  if (!credentials) return { loggedIn: false };
  if (credentials.type === 'oauth1') return { loggedIn: true, type: 'oauth1', expiresAt: null, user: credentials.extra?.screen_name ?? null };
  return {
    loggedIn: true,
    type: 'bearer',
    expiresAt: credentials.expiresAt === undefined ? null : new Date(credentials.expiresAt).toISOString(),
    refreshable: credentials.refreshToken !== undefined,
    scopes: credentials.scope ?? [],
  };
}

/** Builds the `tokensmith` command for one run. */
export function buildProgram(io: CliIO): Command {
  const style = styler(useColor(io));
  const program = new Command('tokensmith')
    .description('Log in to OAuth APIs with the strategy each provider needs, keep the tokens safe, and call a timeline.')
    .version(VERSION)
    .option('-c, --config <path>', 'config file (default: tokensmith.config.yaml|.yml|.json in the working directory)')
    .addOption(new Option('--store <store>', "token store: 'file' (default), 'memory' or a redis:// URL"))
    .option('-v, --verbose', 'log requests (secrets masked)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  $ tokensmith timeline                       # no config: the embedded sandbox's demo
  $ tokensmith timeline twitter --user twitterapi --count 5
  $ tokensmith login twitter-user             # OAuth 1.0a PIN or authorization code, per config
  $ tokensmith status
${EXIT_CODES_HELP}`,
    );
  const global = () => program.opts<GlobalOptions>();

  program
    .command('timeline')
    .description("print a user's timeline (Tweet:, On:, By:) or, with --json, as JSON")
    .argument('[provider]', 'provider name from the config (default: defaultProvider)')
    .option('-u, --user <name>', 'screen name (default: the logged-in user, or the provider\'s timeline.user)')
    .option('-n, --count <n>', 'how many posts (1-200)', '5')
    .option('--json', 'print JSON')
    .option('--no-browser', 'do not open a browser for a login; print the URL instead')
    .option('--pin <pin>', 'OAuth 1.0a PIN for a login, for scripts')
    .addHelpText('after', '\nExamples:\n  $ tokensmith timeline\n  $ tokensmith timeline twitter --user twitterapi --count 3 --json')
    .action(async (name: string | undefined, flags: { user?: string; count: string; json?: boolean; browser?: boolean; pin?: string }) => {
      const count = Number(flags.count);
      if (!/^\d+$/.test(flags.count) || count < 1 || count > 200) throw new CliError('usage', '--count must be a whole number from 1 to 200');
      await withProvider(io, global(), name, flags, async ({ name: providerName, context, provider, progress, fetch: logged }) => {
        const { fetchTimeline, formatPosts } = await import('./commands/timeline.js');
        const posts = await fetchTimeline(providerName, context.config.providers[providerName]!, provider, { user: flags.user, count }, progress, logged ? { fetch: logged } : {});
        io.stdout.write(flags.json ? JSON.stringify(posts, null, 2) + '\n' : formatPosts(posts));
      });
    });

  program
    .command('token')
    .description('print the current access token (obtaining one if needed)')
    .argument('[provider]', 'provider name from the config')
    .option('--json', 'print JSON with expiry and scopes')
    .option('--no-browser', 'do not open a browser for a login')
    .option('--pin <pin>', 'OAuth 1.0a PIN for a login, for scripts')
    .addHelpText('after', '\nThe token is a credential: the command prints it because you asked; keep it out of logs.\n\nExamples:\n  $ tokensmith token twitter\n  $ curl -H "Authorization: Bearer $(tokensmith token twitter)" ...')
    .action(async (name: string | undefined, flags: { json?: boolean; browser?: boolean; pin?: string }) => {
      await withProvider(io, global(), name, flags, async ({ name: providerName, provider, progress }) => {
        progress.start(`Getting a token for ${providerName}`);
        const credentials = await provider.getToken();
        progress.stop();
        if (flags.json) {
          const body = credentials.type === 'bearer'
            ? { provider: providerName, strategy: provider.strategy, token_type: 'bearer', access_token: credentials.accessToken, expires_at: credentials.expiresAt === undefined ? null : new Date(credentials.expiresAt).toISOString(), scope: credentials.scope ?? [] }
            : { provider: providerName, strategy: provider.strategy, oauth_token: credentials.token, oauth_token_secret: credentials.tokenSecret, ...credentials.extra };
          io.stdout.write(JSON.stringify(body, null, 2) + '\n');
        } else io.stdout.write(`${credentials.type === 'bearer' ? credentials.accessToken : credentials.token}\n`);
      });
    });

  program
    .command('providers')
    .description('list the configured providers and their strategies')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ tokensmith providers\n  $ tokensmith --config work.yaml providers --json')
    .action(async (flags: { json?: boolean }) => {
      const { openContext } = await import('./context.js');
      const context = await openContext(global(), io);
      try {
        const rows = Object.entries(context.config.providers).map(([name, p]) => ({ name, strategy: p.strategy, default: name === context.config.defaultProvider, timeline: p.timeline?.url ?? null }));
        if (flags.json) io.stdout.write(JSON.stringify({ source: context.source, providers: rows }, null, 2) + '\n');
        else {
          io.stdout.write(`${style.dim(`from ${context.source}`)}\n`);
          for (const row of rows) io.stdout.write(`${row.default ? '*' : ' '} ${style.bold(row.name.padEnd(20))} ${row.strategy}\n`);
        }
      } finally {
        await context.close();
      }
    });

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
        const { isInteractive } = await import('./build-provider.js');
        const credentials = isInteractive(provider) ? await provider.login() : await provider.getToken({ forceRefresh: true });
        progress.succeed(`Logged in to ${providerName}`);
        if (flags.json) io.stdout.write(JSON.stringify({ provider: providerName, strategy: provider.strategy, ...describeCredentials(credentials) }, null, 2) + '\n');
      });
    });

  program
    .command('logout')
    .description("revoke (where supported) and forget a provider's tokens")
    .argument('<provider>', 'provider name from the config')
    .addHelpText('after', '\nExamples:\n  $ tokensmith logout twitter-user\n  $ tokensmith --store redis://127.0.0.1:6379 logout app')
    .action(async (name: string) => {
      await withProvider(io, global(), name, {}, async ({ name: providerName, provider, progress, context }) => {
        progress.start(`Logging out of ${providerName}`);
        try {
          await provider.logout();
        } catch (error) {
          // The documented way out of a corrupt token file: move it aside (it is never overwritten).
          const { store } = await context.store();
          const reset = (store as { reset?: () => Promise<string | undefined> }).reset;
          const { TokensmithError } = await import('@tokensmith/core');
          if (!(error instanceof TokensmithError) || error.code !== 'store_error' || !reset) throw error;
          const moved = await reset.call(store);
          progress.succeed(`The token file could not be read; moved it to ${moved ?? '(nothing to move)'}. Every provider is logged out: run tokensmith login again.`);
          return;
        }
        progress.succeed(`Logged out of ${providerName} (tokens revoked where supported, and forgotten here)`);
      });
    });

  program
    .command('status')
    .description('show each provider: logged in or not, expiry and scopes (never the tokens)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ tokensmith status\n  $ tokensmith --store redis://127.0.0.1:6379 status --json')
    .action(async (flags: { json?: boolean }) => {
      const { openContext } = await import('./context.js');
      const { buildProvider } = await import('./build-provider.js');
      const { createPrompter } = await import('./interactive.js');
      const context = await openContext(global(), io);
      const prompter = createPrompter(io);
      try {
        const opened = await context.store();
        const rows = [];
        for (const [name, config] of Object.entries(context.config.providers)) {
          const provider = await buildProvider(config, opened.store, { io, progress: createProgress(io, true), prompter, browser: false });
          rows.push({ provider: name, strategy: config.strategy, ...describeCredentials(await provider.peek()) });
        }
        if (flags.json) io.stdout.write(JSON.stringify({ store: opened.description, providers: rows }, null, 2) + '\n');
        else {
          io.stdout.write(`${style.dim(`tokens in ${opened.description}`)}\n`);
          for (const row of rows) {
            const detail = row.loggedIn ? `logged in${row.expiresAt ? `, expires ${row.expiresAt}` : ', no expiry'}${row.scopes?.length ? `, scopes ${row.scopes.join(' ')}` : ''}` : 'not logged in';
            io.stdout.write(`${style.bold(row.provider.padEnd(20))} ${row.strategy.padEnd(20)} ${detail}\n`);
          }
        }
      } finally {
        prompter.close();
        await context.close();
      }
    });

  program
    .command('init')
    .description('write a commented starter config for a strategy')
    .option('-s, --strategy <strategy>', 'client-credentials, oauth1-pin or authorization-code', 'client-credentials')
    .option('-o, --output <path>', 'where to write it', 'tokensmith.config.yaml')
    .option('-f, --force', 'overwrite an existing file')
    .addHelpText('after', '\nExamples:\n  $ tokensmith init\n  $ tokensmith init --strategy oauth1-pin\n  $ tokensmith init --strategy authorization-code --output mastodon.yaml')
    .action(async (flags: { strategy: string; output: string; force?: boolean }) => {
      const { writeStarterConfig } = await import('./commands/init.js');
      const path = writeStarterConfig(io.cwd, flags.strategy, { path: flags.output, force: flags.force === true });
      io.stderr.write(`${style.green('✔')} wrote ${path} (mode 600) for ${flags.strategy}; fill in the \${...} variables, then run tokensmith providers\n`);
    });

  program
    .command('sandbox')
    .description('run the local sandbox provider in the foreground and print a config that points at it')
    .option('-p, --port <port>', 'port on 127.0.0.1 (default: a free one)', '0')
    .option('--json', 'print the config as JSON instead of YAML')
    .addHelpText('after', '\nExamples:\n  $ tokensmith sandbox > tokensmith.config.yaml   # then, in another terminal: tokensmith timeline\n  $ tokensmith sandbox --port 8787 --json')
    .action(async (flags: { port: string; json?: boolean }) => {
      const port = Number(flags.port);
      if (!/^\d+$/.test(flags.port) || port > 65535) throw new CliError('usage', '--port must be a number from 0 to 65535');
      const { startSandbox, DEMO_CREDENTIALS } = await import('@tokensmith/sandbox');
      const { demoConfig, demoConfigYaml } = await import('./demo-config.js');
      const sandbox = await startSandbox({ port });
      io.stdout.write(flags.json ? JSON.stringify(demoConfig(sandbox.url, DEMO_CREDENTIALS), null, 2) + '\n' : demoConfigYaml(sandbox.url, DEMO_CREDENTIALS));
      io.stderr.write(`sandbox listening on ${sandbox.url} (demo user ${DEMO_CREDENTIALS.user.screenName}); Ctrl-C to stop\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await sandbox.stop();
    });

  return program;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? EXIT.ok : EXIT.usage;
    }
    const style = styler(useColor(io));
    io.stderr.write(`${style.red('error:')} ${messageFor(error)}\n`);
    return exitCodeFor(error);
  }
}
