import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from '../cli-error.js';
import { STRATEGIES, STRATEGY_ADAPTERS, type StrategyName } from '../strategies/index.js';
import { userConfigPath } from '../config/locate.js';
import { pathKind, writeFileAtomic } from '../files/safe-write.js';
import { storeHelpLines } from '../stores/index.js';

const HEADER = `# tokensmith config. Docs: README.md, "Config file".
# Keep secrets out of this file: write \${ENV_NAME} and export the variable.
# Token store:
${storeHelpLines().join('\n')}
store: auto
`;

/** The starter config text for a strategy. */
export function starterConfig(strategy: StrategyName): string {
  return HEADER + STRATEGY_ADAPTERS[strategy].starter;
}

/** The starter config for a strategy named on the command line, or a usage error naming the valid ones. */
export function starterText(strategy: string): string {
  if (!Object.hasOwn(STRATEGY_ADAPTERS, strategy)) throw new CliError('usage', `--strategy must be one of ${STRATEGIES.join(', ')}`);
  return starterConfig(strategy as StrategyName);
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
  const text = starterText(strategy);
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
  const mode = writeFileAtomic(path, text, 0o600);
  return { path, mode };
}
