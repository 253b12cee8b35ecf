import type { CommandContext } from '../command-context.js';
import { CliError } from '../cli-error.js';
import { withProvider } from '../session.js';

/** The variable `exec` puts the token in unless `--env` names another. */
export const DEFAULT_EXEC_VARIABLE = 'TOKENSMITH_TOKEN';

/** A portable environment variable name (POSIX: letters, digits and `_`, not starting with a digit). */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Splits `exec`'s words at the `--` the user typed: the provider (at most one word) before it, the
 * command after it. Commander drops the `--` itself, so it is found in the raw argv.
 *
 * @example
 * ```ts
 * splitExecArgs(['exec', 'gh', '--', 'curl', '-s'], ['gh', 'curl', '-s']); // { provider: 'gh', command: ['curl', '-s'] }
 * ```
 */
export function splitExecArgs(rawArgs: readonly string[], words: readonly string[]): { provider?: string; command: string[] } {
  const dashes = rawArgs.indexOf('--', rawArgs.indexOf('exec') + 1);
  if (dashes < 0) throw new CliError('usage', 'exec needs -- before the command: tokensmith exec [provider] -- <command> [args...]');
  const command = rawArgs.slice(dashes + 1);
  const before = words.slice(0, words.length - command.length);
  if (command.length === 0) throw new CliError('usage', 'exec needs a command after --: tokensmith exec [provider] -- <command> [args...]');
  if (before.length > 1) throw new CliError('usage', `exec takes at most one provider before --, got ${before.length} words`);
  return { ...(before[0] === undefined ? {} : { provider: before[0] }), command };
}

/** Runs `command` with `env`, its stdio the terminal's, passing SIGINT/SIGTERM on; resolves its exit code (128 + n when killed by signal n). */
async function runChild(command: string[], env: NodeJS.ProcessEnv): Promise<number> {
  // Loaded here, not at the top: every command registers exec, and child_process costs start-up time.
  const { spawn } = await import('node:child_process');
  const { constants } = await import('node:os');
  return new Promise((resolve, reject) => {
    const [file, ...args] = command as [string, ...string[]];
    const child = spawn(file, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const done = () => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      done();
      reject(
        new CliError('usage', `could not run ${file}: ${error.code === 'ENOENT' ? 'no such command' : (error.code ?? error.message)}`),
      );
    });
    child.on('exit', (code, signal) => {
      done();
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

/** Registers `tokensmith exec`. */
export function registerExecCommand({ program, io, global }: CommandContext): void {
  program
    .command('exec')
    .description("run a command with the provider's token in an environment variable (never on its command line)")
    .argument('[provider-and-command...]', 'provider name from the config, then -- and the command')
    .option('--env <name>', `the variable that holds the token (default ${DEFAULT_EXEC_VARIABLE})`)
    .addHelpText(
      'after',
      "\nThe command's exit code is tokensmith's; Ctrl-C and SIGTERM are passed on to it.\n\nExamples:\n  $ tokensmith exec github -- sh -c 'curl -H \"Authorization: Bearer $TOKENSMITH_TOKEN\" https://api.github.com/user'\n  $ tokensmith exec app --env API_TOKEN -- ./deploy.sh",
    )
    .action(async (words: string[], flags: { env?: string }) => {
      const variable = flags.env ?? DEFAULT_EXEC_VARIABLE;
      if (!VARIABLE_NAME.test(variable))
        throw new CliError('usage', '--env must be a variable name: letters, digits and _, not starting with a digit');
      const { provider: name, command } = splitExecArgs((program as unknown as { rawArgs: string[] }).rawArgs, words);
      const { bareToken } = await import('../bridges/bare-token.js');
      // The token is read and the store closed before the command starts: it may run for hours.
      const token = await withProvider(io, global(), name, { quiet: true }, async ({ name: providerName, provider }) =>
        bareToken(await provider.getToken(io.signal ? { signal: io.signal } : {}), { provider: providerName, strategy: provider.strategy }),
      );
      const { ChildExit } = await import('../bridges/child-exit.js');
      throw new ChildExit(await runChild(command, { ...io.env, [variable]: token }));
    });
}
