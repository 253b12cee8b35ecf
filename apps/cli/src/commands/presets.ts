import type { CommandContext } from '../command-context.js';
import { CliError } from '../cli-error.js';

/** Registers `tokensmith presets`. */
export function registerPresetsCommand({ program, io, stdoutStyle: style }: CommandContext): void {
  program
    .command('presets')
    .description('list the provider presets (preset: NAME in a provider fills its endpoints, scopes and auth method)')
    .argument('[name]', 'show one preset')
    .option('--json', 'print JSON: every endpoint each strategy fills (templates kept), scopes, auth method, docs URL, checked date')
    .addHelpText('after', '\nExamples:\n  $ tokensmith presets\n  $ tokensmith presets mastodon --json\n  $ tokensmith init --preset x')
    .action(async (name: string | undefined, flags: { json?: boolean }) => {
      const { PRESETS, presetNamed } = await import('../presets/index.js');
      const { presetView, suppliedFields } = await import('../presets/describe.js');
      let chosen = PRESETS;
      if (name !== undefined) {
        const preset = presetNamed(name);
        if (!preset) {
          const { closestName } = await import('../config/suggest.js');
          const suggestion = closestName(
            name,
            PRESETS.map((p) => p.name),
          );
          const { sanitizeForTerminal } = await import('../terminal/safety.js');
          throw new CliError(
            'usage',
            `no preset ${sanitizeForTerminal(name)}${suggestion ? ` (did you mean ${suggestion}?)` : ''}; tokensmith presets lists them`,
          );
        }
        chosen = [preset];
      }
      const views = chosen.map(presetView);
      if (flags.json) {
        io.stdout.write(JSON.stringify(name === undefined ? { presets: views } : views[0], null, 2) + '\n');
        return;
      }
      if (name === undefined) {
        const width = Math.max('PRESET'.length, ...views.map((view) => view.name.length));
        const strategyWidth = Math.max(...views.map((view) => view.strategies.map((s) => s.strategy).join(', ').length));
        io.stdout.write(style.dim(`${'PRESET'.padEnd(width)}  ${'STRATEGIES (first is the default)'.padEnd(strategyWidth)}  YOU SUPPLY\n`));
        for (const [index, view] of views.entries()) {
          const preset = chosen[index]!;
          const first = view.strategies[0]!.strategy;
          const supply = suppliedFields(preset, first)
            .filter((field) => field.required)
            .map((field) => field.field)
            .join(', ');
          io.stdout.write(
            `${style.bold(view.name.padEnd(width))}  ${view.strategies
              .map((s) => s.strategy)
              .join(', ')
              .padEnd(strategyWidth)}  ${supply}\n`,
          );
        }
        io.stdout.write(
          style.dim(`\nUse one: preset: NAME in a provider (tokensmith init --preset NAME); details: tokensmith presets NAME\n`),
        );
        return;
      }
      const view = views[0]!;
      io.stdout.write(`${style.bold(view.name)}: ${view.title}\n  docs: ${view.documentation} (checked ${view.checked})\n`);
      for (const param of view.params)
        io.stdout.write(`  ${param.name}: ${param.describe}${param.default ? ` (default ${param.default})` : ''}, e.g. ${param.example}\n`);
      for (const strategy of view.strategies) {
        io.stdout.write(`\n  ${style.bold(strategy.strategy)}${strategy.default ? ' (default)' : ''}\n`);
        for (const [field, url] of Object.entries(strategy.endpoints)) io.stdout.write(`    ${field.padEnd(24)} ${url}\n`);
        if (strategy.scopes) io.stdout.write(`    ${'scopes'.padEnd(24)} ${[strategy.scopes].flat().join(' ')}\n`);
        if (strategy.authMethod)
          io.stdout.write(
            `    ${'authMethod'.padEnd(24)} ${strategy.authMethod.confidential}${strategy.authMethod.public ? ` (${strategy.authMethod.public} without clientSecret)` : ''}\n`,
          );
        io.stdout.write(
          `    ${'you supply'.padEnd(24)} ${strategy.supply.map((s) => (s.required ? s.field : `[${s.field}]`)).join(', ')}\n`,
        );
      }
      if (view.quirks.notes.length > 0) io.stdout.write(`\n  notes:\n${view.quirks.notes.map((note) => `    - ${note}\n`).join('')}`);
    });
}
