import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TokensmithConfig } from './schema.js';
import { CliError } from '../cli-error.js';
import { findDefaultConfigFile, type ConfigOrigin } from './locate.js';
import { providerEntries, schemaProblems, substituteConfig, type ProviderEntry } from './providers.js';
import { parseConfigText, readConfigFile } from './read.js';

export { CONFIG_FILE_NAMES, configSearchPath, userConfigDir, userConfigPath, type ConfigOrigin } from './locate.js';

// Finding, reading and validating the config: the steps are config-locate (where), config-read
// (text to value), config-env (`${ENV}`) and config-providers (substitution per provider, schema
// problems, entries); this module runs them in order.

/** A loaded config and where it came from. */
export interface LoadedConfig {
  /** The config, with only the providers whose variables are all set under `providers`. */
  config: TokensmithConfig;
  /** Every provider of the file, in file order, resolved or not. */
  entries: ProviderEntry[];
  path: string;
  origin: ConfigOrigin;
  /** Dotted paths of secret fields written literally in the file (not `${ENV}` references). */
  literalSecrets: string[];
}

/**
 * Finds the config file: `--config PATH`, else the first of {@link CONFIG_FILE_NAMES} in `cwd`, else
 * the user-level `$XDG_CONFIG_HOME/tokensmith/config.yaml`.
 */
export function findConfigFile(
  explicit: string | undefined,
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): { path: string; origin: ConfigOrigin } | undefined {
  if (explicit === undefined) return findDefaultConfigFile(cwd, env);
  const path = resolve(cwd, explicit);
  if (!existsSync(path)) throw new CliError('usage', `config file ${path} does not exist (check --config)`);
  return { path, origin: 'explicit' };
}

/**
 * Parses config text (YAML or JSON by extension) and validates it. Every schema error of the file
 * is reported at once, each naming its path; a provider whose `${ENV}` variables are not set is kept
 * as unresolved (its missing variables named) rather than failing the whole file.
 */
export async function parseConfig(text: string, path: string, env: NodeJS.ProcessEnv): Promise<Omit<LoadedConfig, 'path' | 'origin'>> {
  const raw = await parseConfigText(text, path);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new CliError('usage', `${path}: the config must be a mapping with a providers key`);
  const substituted = substituteConfig(raw, env);
  // The schema (and the part of valibot it uses) load only when a config is read, not for --help or init.
  const { safeParse, configSchema, PROVIDER_NAME } = await import('./validate.js');
  const result = safeParse(configSchema, substituted.value);
  const problems = [...substituted.problems, ...schemaProblems(result.issues ?? [], substituted)];
  if (problems.length > 0) throw new CliError('usage', `${path} is invalid:\n  ${[...new Set(problems)].join('\n  ')}`);
  const validated = result.output as TokensmithConfig;
  const { entries, resolved } = providerEntries(validated, substituted.perProvider, PROVIDER_NAME);
  return { config: { ...validated, providers: resolved }, entries, literalSecrets: substituted.literalSecrets };
}

/** Loads and validates the config file (see {@link findConfigFile}), or returns undefined when there is none. */
export async function loadConfig(explicit: string | undefined, cwd: string, env: NodeJS.ProcessEnv): Promise<LoadedConfig | undefined> {
  const found = findConfigFile(explicit, cwd, env);
  if (found === undefined) return undefined;
  return { ...found, ...(await parseConfig(readConfigFile(found.path), found.path, env)) };
}

/** Whether a config file holding literal secrets is readable by group or others. */
export function isReadableByOthers(path: string): boolean {
  try {
    return (statSync(path).mode & 0o044) !== 0;
  } catch {
    return false;
  }
}
