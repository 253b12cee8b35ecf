import type { CommandContext } from '../command-context.js';
import { CliError } from '../cli-error.js';

/** Registers `tokensmith sandbox`. */
export function registerSandboxCommand({ program, io, global, style }: CommandContext): void {
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
      const { demoConfig, demoConfigYaml } = await import('../demo-config.js');
      const sandbox = await startSandbox({ port });
      io.stdout.write(flags.json ? JSON.stringify(demoConfig(sandbox.url, DEMO_CREDENTIALS), null, 2) + '\n' : demoConfigYaml(sandbox.url, DEMO_CREDENTIALS));
      io.stderr.write(`sandbox listening on ${sandbox.url} (demo user ${DEMO_CREDENTIALS.user.screenName}); Ctrl-C to stop\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await sandbox.stop();
    });
}
