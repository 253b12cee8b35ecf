import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from '../cli-error.js';
import { STRATEGIES, STRATEGY_ADAPTERS, type StrategyName } from '../strategies/index.js';
import { userConfigPath } from '../config/locate.js';
import { pathKind, writeFileAtomic } from '../files/safe-write.js';
import { storeHelpLines } from '../stores/index.js';
import { sanitizeForTerminal } from '../terminal/safety.js';

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

/**
 * The starter config for a preset (`init --preset NAME [--strategy S]`): only the fields the person
 * fills in; a usage error names the presets (with "did you mean") or the preset's strategies.
 */
export async function presetStarterText(name: string, chosen: string | undefined): Promise<string> {
  const { PRESETS, presetNamed } = await import('../presets/index.js');
  const { presetStarter } = await import('../presets/describe.js');
  const preset = presetNamed(name);
  if (!preset) {
    const { closestName } = await import('../config/suggest.js');
    const suggestion = closestName(
      name,
      PRESETS.map((p) => p.name),
    );
    throw new CliError(
      'usage',
      `--preset: no preset ${sanitizeForTerminal(name)}${suggestion ? ` (did you mean ${suggestion}?)` : ''}; tokensmith presets lists them`,
    );
  }
  if (chosen !== undefined && !Object.hasOwn(preset.strategies, chosen))
    throw new CliError('usage', `--strategy: preset ${preset.name} is used with ${Object.keys(preset.strategies).join(' or ')}`);
  return HEADER + presetStarter(preset, chosen);
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
  options: { path?: string; force?: boolean; global?: boolean; env?: NodeJS.ProcessEnv; text?: string },
): WrittenConfig {
  const text = options.text ?? starterText(strategy);
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
