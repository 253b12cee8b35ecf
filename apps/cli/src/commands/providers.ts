import type { CommandContext } from '../command-context.js';

/** Registers `tokensmith providers`. */
export function registerProvidersCommand({ program, io, global, stdoutStyle: style }: CommandContext): void {
  program
    .command('providers')
    .description('list the configured providers and their strategies, and which config file was read')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ tokensmith providers\n  $ tokensmith --config work.yaml providers --json')
    .action(async (flags: { json?: boolean }) => {
      const { openContext } = await import('../context.js');
      const { providerFields } = await import('./json-fields.js');
      const { strategyAdapter } = await import('../strategies/index.js');
      // Listing sends nothing anywhere: it needs neither the variables nor the file's trust.
      const context = await openContext(global(), io, { purpose: 'inspect' });
      try {
        const { providerEndpoints } = await import('../presets/resolved.js');
        const rows = context.entries.map((entry) => ({
          ...providerFields(entry.name, entry.strategy),
          preset: entry.config?.preset ?? null,
          // The URLs the provider resolved to (a preset's templates filled): what the CLI will call.
          endpoints: entry.config ? providerEndpoints(entry.config) : null,
          default: entry.name === context.config.defaultProvider,
          // The scopes the config asks for (empty for a strategy without scopes, or an unresolved provider).
          scopes: entry.config ? (strategyAdapter(entry.config.strategy).scopes?.of(entry.config) ?? []) : [],
          timeline: entry.config?.timeline?.url ?? null,
          resolved: entry.config !== undefined,
          missingVariables: entry.missing,
        }));
        if (flags.json)
          io.stdout.write(JSON.stringify({ source: context.source, origin: context.origin ?? 'demo', providers: rows }, null, 2) + '\n');
        else {
          io.stdout.write(`${style.dim(`from ${context.source}`)}\n`);
          for (const row of rows) {
            const missing = row.resolved ? '' : `  ${style.yellow(`unresolved: set ${row.missingVariables.join(', ')}`)}`;
            io.stdout.write(`${row.default ? '*' : ' '} ${style.bold(row.provider.padEnd(20))} ${row.strategy}${missing}\n`);
          }
        }
      } finally {
        await context.close();
      }
    });
}
