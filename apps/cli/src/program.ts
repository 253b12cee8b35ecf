import { Command, CommanderError, Option } from 'commander';
import { EXIT, QuietExit, exitCodeForCategory } from './cli-error.js';
import { explain, recallProvider } from './hints/explain.js';
import { findDefaultConfigFile } from './config/locate.js';
import { versionLine } from './version.js';
import { storeOptionHelp } from './stores/index.js';
import { formatHelpItem } from './help/pages.js';
import { streamHasColor, styler, useColor, type CliIO } from './terminal/io.js';
import { sanitizeForTerminal } from './terminal/safety.js';
import type { GlobalOptions } from './context.js';
import { registerTimelineCommand } from './commands/timeline-command.js';
import { registerTokenCommand } from './commands/token.js';
import { registerProvidersCommand } from './commands/providers.js';
import { registerPresetsCommand } from './commands/presets.js';
import { registerLoginCommand } from './commands/login.js';
import { registerLogoutCommand } from './commands/logout.js';
import { registerStatusCommand } from './commands/status.js';
import { registerRefreshCommand } from './commands/refresh.js';
import { registerCompletionCommand } from './commands/completion.js';
import { registerInitCommand } from './commands/init-command.js';
import { registerSandboxCommand } from './commands/sandbox.js';
import { registerTrustCommand } from './commands/trust.js';
import { registerExecCommand } from './commands/exec.js';
import { registerCredentialCommand, registerSetupGitCommand } from './commands/credential.js';
import { ChildExit } from './bridges/child-exit.js';
import { registerApiCommand } from './commands/api-command.js';
import { registerAccountsCommand, registerSwitchCommand } from './commands/accounts.js';

export { VERSION } from './version.js';

const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    usage or config error; status: a provider it checks is not usable
  2    authentication error (bad credentials, denied, login required)
  3    network or provider error (timeout, 5xx, unreadable response)
  130  cancelled (Ctrl-C)

Without a terminal (stdin not a TTY, CI set, or --no-input) nothing waits for a person: a command
that needs a login fails at once with exit 2 and the login command to run.`;

/** The exit code of a run cancelled by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_CANCELLED = 130;

/** The top-level examples: with no config file, the built-in demo's provider names, so each line works as shown. */
function examplesHelp(io: CliIO): string {
  const demo = findDefaultConfigFile(io.cwd, io.env) === undefined;
  const lines = demo
    ? [
        '  $ tokensmith timeline                       # no config file: the built-in demo (embedded sandbox)',
        '  $ tokensmith timeline sandbox-app --user twitterapi --count 5',
        "  $ tokensmith login sandbox-oauth1           # the demo's OAuth 1.0a PIN provider",
        '  $ tokensmith status',
        '  $ tokensmith init                           # then: your own providers (twitter, mastodon, ...)',
      ]
    : [
        '  $ tokensmith timeline twitter --user twitterapi --count 5',
        '  $ tokensmith login twitter-user             # OAuth 1.0a PIN or authorization code, per config',
        '  $ tokensmith status twitter-user || tokensmith login twitter-user',
        '  $ tokensmith providers                      # which config file is read, and its providers',
        '  $ source <(tokensmith completion bash)      # Tab completes commands, flags and provider names',
      ];
  return `\nExamples:\n${lines.join('\n')}\n${EXIT_CODES_HELP}`;
}

/** Builds the `tokensmith` command for one run. */
export function buildProgram(io: CliIO): Command {
  const style = styler(useColor(io));
  const program = new Command('tokensmith')
    .description('Log in to OAuth APIs with the strategy each provider needs, keep the tokens safe, and call a timeline.')
    .version(versionLine(), '-V, --version', "print the version, with Node's version and the platform")
    .option(
      '-c, --config <path>',
      'config file (default: $TOKENSMITH_CONFIG, else ./tokensmith.config.yaml|.yml|.json, else $XDG_CONFIG_HOME/tokensmith/config.yaml)',
    )
    .addOption(new Option('--store <store>', storeOptionHelp()))
    .option(
      '--account <name>',
      "the provider's account to use (default: TOKENSMITH_ACCOUNT, else the one tokensmith switch chose, else the only one)",
    )
    .option('-v, --verbose', 'log requests (secrets masked)')
    .option(
      '--no-input',
      'never wait for a person: a command that needs a login fails at once (also when stdin is not a terminal, or CI is set)',
    )
    // Descriptions too narrow to wrap beside their option go under it (help/pages.ts), so a
    // 40-column terminal gets help that fits; the captured pages use the same layout.
    .configureHelp({
      formatItem: (term, termWidth, description, helper) =>
        formatHelpItem(term, termWidth, description, helper.helpWidth ?? 80, helper.minWidthToWrap),
    })
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    .addHelpText('after', () => examplesHelp(io));
  const global = () => program.opts<GlobalOptions>();

  const context = { program, io, global, style, stdoutStyle: styler(streamHasColor(io.stdout, io.env)) };
  registerTimelineCommand(context);
  registerTokenCommand(context);
  registerProvidersCommand(context);
  registerPresetsCommand(context);
  registerLoginCommand(context);
  registerLogoutCommand(context);
  registerStatusCommand(context);
  registerRefreshCommand(context);
  registerAccountsCommand(context);
  registerSwitchCommand(context);
  registerInitCommand(context);
  registerSandboxCommand(context);
  registerTrustCommand(context);
  registerExecCommand(context);
  registerCredentialCommand(context);
  registerSetupGitCommand(context);
  registerApiCommand(context);
  registerCompletionCommand(context);

  return program;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    // A command that ends on Ctrl-C by design (the sandbox, which runs until stopped) still reports
    // the cancellation, as the exit-code table says.
    return io.signal?.aborted ? EXIT_CANCELLED : EXIT.ok;
  } catch (error) {
    if (error instanceof ChildExit) return error.code; // `exec`: the command's own exit code
    if (error instanceof QuietExit) return error.code; // the command said why (`status`)
    if (io.signal?.aborted) {
      // Ctrl-C or SIGTERM: the command has cleaned up (listener closed, nothing half-written).
      io.stderr.write('\nCancelled; nothing was stored.\n');
      return EXIT_CANCELLED;
    }
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help'
        ? EXIT.ok
        : EXIT.usage;
    }
    const style = styler(useColor(io));
    const { message, hint, category } = explain(error, recallProvider(io));
    // Messages quote servers (error_description, a scope): neutralise escapes, keep our own line breaks.
    const safe = (text: string) => sanitizeForTerminal(text, { keepNewlines: true });
    io.stderr.write(`${style.red('error:')} ${safe(message)}\n${hint ? `${style.dim('hint:')} ${safe(hint)}\n` : ''}`);
    return exitCodeForCategory(category);
  }
}
