import type { CommandContext } from '../command-context.js';
import { CliError } from '../cli-error.js';

/** Writes `text` to `path` as a new 0600 file (through a temp file and a rename, never through a link). */
async function writePrivateFile(path: string, text: string): Promise<string> {
  const { randomBytes } = await import('node:crypto');
  const { closeSync, constants, lstatSync, openSync, renameSync, writeSync } = await import('node:fs');
  const { dirname, resolve, basename, join } = await import('node:path');
  const target = resolve(path);
  try {
    if (lstatSync(target).isSymbolicLink()) throw new CliError('usage', `--write ${path}: it is a symbolic link; write to a regular path`);
  } catch (error) {
    if (error instanceof CliError) throw error;
  }
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    throw new CliError('usage', `--write ${path}: cannot create a file in ${dirname(target)} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, target);
  return target;
}

/** Registers `tokensmith sandbox`. */
export function registerSandboxCommand({ program, io }: CommandContext): void {
  program
    .command('sandbox')
    .description('run the local sandbox provider in the foreground and print a config that points at it')
    .option('-p, --port <port>', 'port on 127.0.0.1 (default: a free one)', '0')
    .option('--json', 'print the config as JSON instead of YAML')
    .option('-w, --write <path>', 'write the config to PATH (mode 0600) instead of printing it')
    .addHelpText(
      'after',
      '\nThe config uses the file token store, so a login lasts while this sandbox runs.\n\nExamples:\n  $ tokensmith sandbox --write tokensmith.config.yaml   # then, in another terminal: tokensmith timeline\n  $ tokensmith sandbox --port 8787 --json',
    )
    .action(async (flags: { port: string; json?: boolean; write?: string }) => {
      const port = Number(flags.port);
      if (!/^\d+$/.test(flags.port) || port > 65535) throw new CliError('usage', '--port must be a number from 0 to 65535');
      const { startSandbox, DEMO_CREDENTIALS, DEMO_LOGIN_HINT } = await import('@tokensmith/sandbox');
      const { demoConfig, demoConfigYaml } = await import('../demo-config.js');
      let sandbox: Awaited<ReturnType<typeof startSandbox>>;
      try {
        sandbox = await startSandbox({ port });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new CliError('usage', `port ${port} on 127.0.0.1 is already in use: pick another with --port, or --port 0 for a free one`);
        if (code === 'EACCES') throw new CliError('usage', `port ${port} needs privileges to listen on: pick one above 1023, or --port 0 for a free one`);
        throw error;
      }
      try {
        const text = flags.json ? JSON.stringify(demoConfig(sandbox.url, DEMO_CREDENTIALS), null, 2) + '\n' : demoConfigYaml(sandbox.url, DEMO_CREDENTIALS);
        if (flags.write) io.stderr.write(`wrote the config to ${await writePrivateFile(flags.write, text)} (mode 600)\n`);
        else io.stdout.write(text);
        io.stderr.write(`sandbox listening on ${sandbox.url}\n${DEMO_LOGIN_HINT} (on the sandbox's login pages)\nCtrl-C to stop\n`);
        await new Promise<void>((resolve) => {
          if (io.signal) {
            if (io.signal.aborted) return resolve();
            io.signal.addEventListener('abort', () => resolve(), { once: true });
          } else {
            process.once('SIGINT', () => resolve());
            process.once('SIGTERM', () => resolve());
          }
        });
      } finally {
        await sandbox.stop();
      }
    });
}
