import { dirname, resolve } from 'node:path';
import type { CommandContext } from '../command-context.js';
import { CliError } from '../cli-error.js';

/**
 * Where `--write` may write, as for `init`: never over an existing file without `--force` (the README
 * suggests tokensmith.config.yaml, which may be the user's real config), never through a symbolic
 * link, never over something that is not a regular file. Checked before the sandbox starts, and
 * again at the write.
 */
async function writableTarget(path: string, force: boolean): Promise<string> {
  const { pathKind } = await import('../files/safe-write.js');
  const target = resolve(path);
  const kind = pathKind(target);
  if (kind === 'symlink') throw new CliError('usage', `--write ${path}: it is a symbolic link; write to a regular path`);
  if (kind === 'other') throw new CliError('usage', `${target} exists and is not a regular file; choose another --write PATH`);
  if (kind === 'file' && !force) throw new CliError('usage', `${target} already exists; pass --force to overwrite it`);
  return target;
}

/** Writes the config for `--write`, mode 0600, atomically (a temp file renamed into place: a failed write leaves the old file whole). */
async function writeConfigFile(path: string, text: string, force: boolean): Promise<string> {
  const target = await writableTarget(path, force);
  const { writeFileAtomic } = await import('../files/safe-write.js');
  try {
    writeFileAtomic(target, text, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError('usage', `--write ${path}: cannot write a file in ${dirname(target)} (${code ?? 'error'})`);
  }
  return target;
}

/** Registers `tokensmith sandbox`. */
export function registerSandboxCommand({ program, io }: CommandContext): void {
  program
    .command('sandbox')
    .description('run the local sandbox provider in the foreground and print a config that points at it')
    // No commander default: it would print a second "(default: "0")" beside the words.
    .option('-p, --port <port>', 'port on 127.0.0.1 (default: a free one)')
    .option('--json', 'print the config as JSON instead of YAML')
    .option('-w, --write <path>', 'write the config to PATH (mode 0600) instead of printing it')
    .option('-f, --force', 'with --write, overwrite an existing file')
    .addHelpText(
      'after',
      '\nThe config keeps its tokens in a file of its own (store: file:~/.config/tokensmith/demo/sandbox-tokens.json), apart from your real tokens; a login lasts while this sandbox runs.\n\nExamples:\n  $ tokensmith sandbox --write tokensmith.config.yaml   # then, in another terminal: tokensmith timeline\n  $ tokensmith sandbox --port 8787 --json',
    )
    .action(async (flags: { port?: string; json?: boolean; write?: string; force?: boolean }) => {
      const portText = flags.port ?? '0';
      const port = Number(portText);
      if (!/^\d+$/.test(portText) || port > 65535) throw new CliError('usage', '--port must be a number from 0 to 65535');
      if (flags.write) await writableTarget(flags.write, flags.force === true); // refuse before a listener starts
      const { startSandbox, DEMO_CREDENTIALS, DEMO_LOGIN_HINT } = await import('@tokensmith/sandbox');
      const { demoConfig, demoConfigYaml } = await import('../demo/config.js');
      let sandbox: Awaited<ReturnType<typeof startSandbox>>;
      try {
        sandbox = await startSandbox({ port });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE')
          throw new CliError('usage', `port ${port} on 127.0.0.1 is already in use: pick another with --port, or --port 0 for a free one`);
        if (code === 'EACCES')
          throw new CliError('usage', `port ${port} needs privileges to listen on: pick one above 1023, or --port 0 for a free one`);
        throw error;
      }
      try {
        // A token file of the sandbox's own: demo tokens never land in the user's real token store.
        const { sandboxTokenFile } = await import('../demo/sandbox.js');
        const store = `file:${sandboxTokenFile(io.env)}`;
        const text = flags.json
          ? JSON.stringify(demoConfig(sandbox.url, DEMO_CREDENTIALS, store), null, 2) + '\n'
          : demoConfigYaml(sandbox.url, DEMO_CREDENTIALS, store);
        if (flags.write) {
          const written = await writeConfigFile(flags.write, text, flags.force === true);
          // The person just wrote it: no trust prompt for it in this directory (config/trust.ts).
          (await import('../config/trust.js')).trustIfWorkingDirectoryConfig(written, io.env);
          io.stderr.write(`wrote the config to ${written} (mode 600)\n`);
        } else io.stdout.write(text);
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
