import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from '../cli-error.js';
import { STRATEGIES, STRATEGY_ADAPTERS, type StrategyName } from '../strategies/index.js';
import { userConfigPath } from '../config/locate.js';
import { pathKind, writeFileAtomic } from '../files/safe-write.js';

const HEADER = `# tokensmith config. Docs: README.md, "Config file".
# Keep secrets out of this file: write \${ENV_NAME} and export the variable.
# Token store:
#   auto (default)     the OS keychain when one answers, else the file below
#   keychain           the OS keychain only (macOS Keychain, Windows Credential Manager, Secret Service)
#   file               ~/.config/tokensmith/tokens.json, mode 0600 (or $TOKENSMITH_TOKEN_FILE)
#   file:/abs/path     a token file of its own (file:~/... works too)
#   memory             nothing kept after the command
#   redis://host:6379  shared by every process and host using that Redis (npm install -g ioredis)
store: auto
`;

/** The starter config text for a strategy. */
export function starterConfig(strategy: StrategyName): string {
  return HEADER + STRATEGY_ADAPTERS[strategy].starter;
}

/** Where `init` wrote, and the mode the file really has. */
export interface WrittenConfig {
  path: string;
  mode: number;
}

/**
 * Writes a starter config with mode 0600, via a temp file renamed into place: never through a
 * symbolic link (a dangling one included), never keeping an old file's looser mode. Refuses to
 * overwrite without `force`. `global` writes the user-level `$XDG_CONFIG_HOME/tokensmith/config.yaml`.
 */
export function writeStarterConfig(
  cwd: string,
  strategy: string,
  options: { path?: string; force?: boolean; global?: boolean; env?: NodeJS.ProcessEnv },
): WrittenConfig {
  if (!Object.hasOwn(STRATEGY_ADAPTERS, strategy)) throw new CliError('usage', `--strategy must be one of ${STRATEGIES.join(', ')}`);
  const path = options.global ? userConfigPath(options.env ?? {}) : resolve(cwd, options.path ?? 'tokensmith.config.yaml');
  const kind = pathKind(path);
  if (kind === 'symlink')
    throw new CliError(
      'usage',
      `${path} is a symbolic link; tokensmith init never writes through links. Remove the link, or write elsewhere with --output PATH`,
    );
  if (kind === 'other') throw new CliError('usage', `${path} exists and is not a regular file; choose another --output PATH`);
  if (kind === 'file' && !options.force) throw new CliError('usage', `${path} already exists; pass --force to overwrite it`);
  if (options.global) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const mode = writeFileAtomic(path, starterConfig(strategy as StrategyName), 0o600);
  return { path, mode };
}
