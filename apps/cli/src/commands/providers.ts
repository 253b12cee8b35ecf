import type { CommandContext } from '../command-context.js';


/** Registers `tokensmith providers`. */
export function registerProvidersCommand({ program, io, global, style }: CommandContext): void {
  program
    .command('providers')
    .description('list the configured providers and their strategies')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ tokensmith providers\n  $ tokensmith --config work.yaml providers --json')
    .action(async (flags: { json?: boolean }) => {
      const { openContext } = await import('../context.js');
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
}
