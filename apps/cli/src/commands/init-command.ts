import type { Command } from 'commander';
import type { CommandContext } from '../command-context.js';
import { STRATEGIES, STRATEGIES_BY_NAME } from '../strategies/index.js';

/** One line a strategy: its name and what it is for, from its adapter. */
function strategyLines(): string {
  const width = Math.max(...STRATEGIES.map((name) => name.length));
  return STRATEGIES.map((name) => `  ${name.padEnd(width)}  ${STRATEGIES_BY_NAME[name].help}`).join('\n');
}

/** Registers `tokensmith init`. */
export function registerInitCommand({ program, io, style }: CommandContext): void {
  program
    .command('init')
    .description('write a commented starter config for a strategy')
    .option(
      '-s, --strategy <strategy>',
      `${STRATEGIES.slice(0, -1).join(', ')} or ${STRATEGIES.at(-1)} (see Strategies below)`,
      'client-credentials',
    )
    .option('-p, --preset <name>', 'a provider preset (tokensmith presets lists them): writes only the fields you fill in')
    .option('-o, --output <path>', 'where to write it (- for stdout)', 'tokensmith.config.yaml')
    .option('-f, --force', 'overwrite an existing file')
    .option(
      '-g, --global',
      'write the user-level config, $XDG_CONFIG_HOME/tokensmith/config.yaml (default ~/.config), used wherever no local config is found',
    )
    .addHelpText(
      'after',
      `\nStrategies:\n${strategyLines()}\n` +
        '\nExamples:\n  $ tokensmith init\n  $ tokensmith init --preset x\n  $ tokensmith init --strategy oauth1-pin\n  $ tokensmith init --strategy authorization-code --output mastodon.yaml\n  $ tokensmith init --global --strategy device-code',
    )
    .action(async (flags: { strategy: string; preset?: string; output: string; force?: boolean; global?: boolean }, command: Command) => {
      const { presetStarterText, starterText, writeStarterConfig } = await import('./init.js');
      // With --preset, --strategy picks among the preset's strategies only when given (its default is the other mode's).
      const strategyGiven = command.getOptionValueSource('strategy') === 'cli';
      const text =
        flags.preset === undefined
          ? starterText(flags.strategy)
          : await presetStarterText(flags.preset, strategyGiven ? flags.strategy : undefined);
      // `--output -` means stdout, as for most tools, not a file named "-".
      if (flags.output === '-' && flags.global !== true) return void io.stdout.write(text);
      const { path, mode } = writeStarterConfig(io.cwd, flags.strategy, {
        path: flags.output,
        force: flags.force === true,
        global: flags.global === true,
        env: io.env,
        text,
      });
      const next = await (await import('../config/trust.js')).trustWrittenConfig(path, io.cwd, io.env);
      const what = flags.preset === undefined ? flags.strategy : `preset ${flags.preset}`;
      io.stderr.write(`${style.green('✔')} wrote ${path} (mode ${mode.toString(8)}) for ${what}; ${next}\n`);
    });
}
