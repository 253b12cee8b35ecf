import type { CommandContext } from '../command-context.js';

/** Registers `tokensmith completion` and the hidden `tokensmith __complete` its scripts call. */
export function registerCompletionCommand({ program, io, global }: CommandContext): void {
  program
    .command('completion')
    .description('print the shell completion script for bash, zsh or fish (commands, flags, provider names)')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      `
Provider names come from the config file at Tab time (no network, no token store, no secrets).

Examples:
  $ source <(tokensmith completion bash)                         # in ~/.bashrc
  $ source <(tokensmith completion zsh)                          # in ~/.zshrc, after compinit
  $ tokensmith completion fish > ~/.config/fish/completions/tokensmith.fish`,
    )
    .action(async (shell: string) => {
      const { COMPLETION_SHELLS, completionSpec } = await import('../completion/spec.js');
      const { completionScript } = await import('../completion/scripts.js');
      if (!(COMPLETION_SHELLS as readonly string[]).includes(shell)) {
        const { CliError } = await import('../cli-error.js');
        throw new CliError('usage', `no completion for ${shell}: the shell must be one of ${COMPLETION_SHELLS.join(', ')}`);
      }
      io.stdout.write(completionScript(shell as (typeof COMPLETION_SHELLS)[number], completionSpec(program)));
    });

  program
    .command('__complete', { hidden: true })
    .description('names for the completion scripts: providers, or accounts PROVIDER (one a line)')
    .argument('<what>', 'providers or accounts')
    .argument('[provider]', 'for accounts: the provider')
    .action(async (what: string, provider: string | undefined) => {
      const { completionNames } = await import('../completion/names.js');
      let names: string[] = [];
      try {
        names = await completionNames(provider === undefined ? [what] : [what, provider], global(), io.cwd, io.env);
      } catch {
        // A Tab press must not print errors into the command line: a broken config completes nothing.
      }
      if (names.length) io.stdout.write(`${names.join('\n')}\n`);
    });
}
