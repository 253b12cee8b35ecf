import type { CommandContext } from '../command-context.js';
import { CliError } from '../cli-error.js';

/** Registers `tokensmith trust`: allow a working-directory config at its current content (as `direnv allow`). */
export function registerTrustCommand({ program, io, style }: CommandContext): void {
  program
    .command('trust')
    .description('allow the config in the working directory (at its current content) to use your environment variables')
    .argument('[path]', 'the config file (default: tokensmith.config.yaml|.yml|.json in the working directory)')
    .option('--revoke', 'forget that the file was trusted')
    .option('--allow-variable <name...>', 'allow these variable names in any config, without trusting a file (kept in your config dir)')
    .addHelpText(
      'after',
      `
A config found in the working directory (a cloned repository, say) may name any environment variable,
any URL and where tokens are stored. If it references variables other than TOKENSMITH_* (or names you
allowed), names a host other than this machine, names a store location (file:PATH, redis://), or is
not yours, tokensmith uses it only once you have read it and run tokensmith trust; any change to the
file asks again.
--config PATH and $XDG_CONFIG_HOME/tokensmith/config.yaml are always trusted; so is the file
TOKENSMITH_CONFIG names, unless it lies inside the working directory (then it is checked as above).

Examples:
  $ tokensmith trust
  $ tokensmith trust ./tokensmith.config.yaml --revoke
  $ tokensmith trust --allow-variable GITHUB_CLIENT_ID`,
    )
    .action(async (path: string | undefined, flags: { revoke?: boolean; allowVariable?: string[] }) => {
      const { findConfigFile, validateConfig } = await import('../config/load.js');
      const { readConfigFile, parseConfigText } = await import('../config/read.js');
      const { sanitizeForTerminal } = await import('../terminal/safety.js');
      const { checkTrust, trustFile, revokeTrust, allowVariables } = await import('../config/trust.js');
      if (flags.allowVariable) {
        const names = allowVariables(flags.allowVariable, io.env);
        io.stderr.write(
          `${style.green('✔')} any config may now reference ${names.join(', ')} (edit or remove in ${(await import('../config/trust.js')).trustFilePath(io.env)})\n`,
        );
        return;
      }
      // Only --config names a flag; a path given here is this command's own argument.
      const found = findConfigFile(path, io.cwd, io.env, '');
      if (!found)
        throw new CliError('usage', `no config file in ${sanitizeForTerminal(io.cwd)} to trust; pass its path: tokensmith trust PATH`);
      const shownPath = sanitizeForTerminal(found.path);
      if (found.origin === 'user') {
        io.stderr.write(`${shownPath} is your user-level config, which is always trusted; nothing to do\n`);
        return;
      }
      if (flags.revoke) {
        const revoked = revokeTrust(found.path, io.env);
        io.stderr.write(
          revoked ? `${style.green('✔')} ${shownPath} is no longer trusted\n` : `${shownPath} was not trusted; nothing to do\n`,
        );
        return;
      }
      // One read: the digest recorded is that of the bytes shown valid here, never of a second read.
      const { text, sha256, uid } = readConfigFile(found.path);
      const raw = await parseConfigText(text, found.path);
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
        throw new CliError('usage', `${shownPath}: the config must be a mapping with a providers key`);
      // Checked as it will be used, but with nothing substituted: trusting never reads a variable.
      await validateConfig(raw, found.path, {}, { untrusted: true });
      const check = checkTrust({ path: found.path, raw, sha256, uid }, io.env);
      const real = trustFile(found.path, io.env, sha256);
      const variables = check.allVariables.length ? `environment variables ${check.allVariables.join(', ')}` : 'no environment variables';
      const store = check.store ? `; it keeps tokens in ${check.store}` : '';
      const keys = check.keyFiles.length ? `; it signs with ${check.keyFiles.join(', ')}` : '';
      const local = check.local.length ? `; it ${check.local.join(', ')}` : '';
      io.stderr.write(
        `${style.green('✔')} ` +
          sanitizeForTerminal(
            `trusted ${real} at its current content: it may use ${variables}${check.hosts.length ? ` with ${check.hosts.join(', ')}` : ''}${store}${keys}${local}`,
          ) +
          '\n',
      );
    });
}
