import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { configSchema, type TokensmithConfig } from './config-schema.js';
import { CliError } from './cli-error.js';

/** File names searched in the working directory, in order. */
export const CONFIG_FILE_NAMES = ['tokensmith.config.yaml', 'tokensmith.config.yml', 'tokensmith.config.json'];

/** A loaded config and where it came from. */
export interface LoadedConfig {
  config: TokensmithConfig;
  path: string;
  /** Dotted paths of secret fields written literally in the file (not `${ENV}` references). */
  literalSecrets: string[];
}

const SECRET_FIELDS = new Set(['clientSecret', 'consumerSecret']);
const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Finds the config file: `--config PATH`, else the first of {@link CONFIG_FILE_NAMES} in `cwd`. */
export function findConfigFile(explicit: string | undefined, cwd: string): string | undefined {
  if (explicit !== undefined) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) throw new CliError('usage', `config file ${path} does not exist (check --config)`);
    return path;
  }
  return CONFIG_FILE_NAMES.map((name) => resolve(cwd, name)).find((path) => existsSync(path));
}

function pathText(path: ReadonlyArray<PropertyKey>): string {
  return path.map(String).join('.') || '(top level)';
}

/** Replaces `${NAME}` references in every string, naming the field of a missing variable. */
export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path: string[] = [], literalSecrets: string[] = []): unknown {
  if (typeof value === 'string') {
    const key = path[path.length - 1];
    if (key !== undefined && SECRET_FIELDS.has(key) && !ENV_REFERENCE.test(value)) literalSecrets.push(pathText(path));
    ENV_REFERENCE.lastIndex = 0;
    return value.replace(ENV_REFERENCE, (_match, name: string) => {
      const found = env[name];
      if (found === undefined || found === '') {
        const provider = path[0] === 'providers' && path[1] ? `provider ${path[1]}, ` : '';
        throw new CliError('usage', `${pathText(path)}: environment variable ${name} is not set (${provider}field ${key ?? '?'}); export ${name}=... or write the value in the config`);
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, env, [...path, String(i)], literalSecrets));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, [...path, k], literalSecrets)]));
  }
  return value;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = root;
  for (const key of path) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Parses config text (YAML or JSON by extension) and validates it; every error names its path. */
export async function parseConfig(text: string, path: string, env: NodeJS.ProcessEnv): Promise<Omit<LoadedConfig, 'path'>> {
  let raw: unknown;
  try {
    if (path.endsWith('.json')) raw = JSON.parse(text);
    else {
      const yaml = (await import('yaml')) as typeof import('yaml') & { default?: typeof import('yaml') };
      raw = (yaml.parse ?? yaml.default!.parse)(text);
    }
  } catch (error) {
    throw new CliError('usage', `${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new CliError('usage', `${path}: the config must be a mapping with a providers key`);
  const literalSecrets: string[] = [];
  const substituted = substituteEnv(raw, env, [], literalSecrets);
  const { safeParse } = await import('valibot');
  const result = safeParse(configSchema, substituted);
  if (!result.success) {
    const lines = result.issues.map((issue) => {
      const path = (issue.path ?? []).map((item) => item.key as PropertyKey);
      if (issue.expected === 'never') return `${pathText(path.slice(0, -1))}: unknown field ${String(path[path.length - 1])}`;
      if (issue.kind === 'schema' && valueAt(substituted, path) === undefined) return `${pathText(path)}: is required`;
      return `${pathText(path)}: ${issue.message}`;
    });
    throw new CliError('usage', `${path} is invalid:\n  ${[...new Set(lines)].join('\n  ')}`);
  }
  return { config: result.output, literalSecrets };
}

/** Loads and validates the config file, or returns undefined when there is none. */
export async function loadConfig(explicit: string | undefined, cwd: string, env: NodeJS.ProcessEnv): Promise<LoadedConfig | undefined> {
  const path = findConfigFile(explicit, cwd);
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError('usage', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return { path, ...(await parseConfig(text, path, env)) };
}

/** Whether a config file holding literal secrets is readable by group or others. */
export function isReadableByOthers(path: string): boolean {
  try {
    return (statSync(path).mode & 0o044) !== 0;
  } catch {
    return false;
  }
}
