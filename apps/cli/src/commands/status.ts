import type { CommandContext } from '../command-context.js';
import { describeCredentials } from '../session.js';
import { createProgress } from '../io.js';

/** Registers `tokensmith status`. */
export function registerStatusCommand({ program, io, global, style }: CommandContext): void {
  program
    .command('status')
    .description('show each provider: logged in or not, expiry and scopes (never the tokens)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ tokensmith status\n  $ tokensmith --store redis://127.0.0.1:6379 status --json')
    .action(async (flags: { json?: boolean }) => {
      const { openContext } = await import('../context.js');
      const { buildProvider } = await import('../build-provider.js');
      const { createPrompter } = await import('../interactive.js');
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
}
