import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ProviderConfig, TokensmithConfig } from './config-schema.js';
import { CliError } from './cli-error.js';
import { parseSimpleYaml } from './yaml-fast-path.js';
import { findDefaultConfigFile, type ConfigOrigin } from './config-locate.js';

export { CONFIG_FILE_NAMES, configSearchPath, userConfigDir, userConfigPath, type ConfigOrigin } from './config-locate.js';

/** One provider of a config file: resolved, or waiting for environment variables. */
export interface ProviderEntry {
  name: string;
  strategy: string;
  /** The validated settings, with `${ENV}` substituted; undefined while a variable is missing. */
  config: ProviderConfig | undefined;
  /** Variables it references that are not set. */
  missing: string[];
  /** The fields (dotted paths) that reference them. */
  missingFields: string[];
  /** Every variable it references, in order of first use. */
  variables: string[];
}

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

/** How deep a config may nest: real configs are 4 levels deep; a deeper file is an attack or a mistake. */
export const MAX_CONFIG_DEPTH = 32;

const SECRET_FIELDS = new Set(['clientSecret', 'consumerSecret']);
const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
// Every object has these (or valibot drops them): as provider names they would look up the prototype.
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

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

function pathText(path: ReadonlyArray<PropertyKey>): string {
  return path.map(String).join('.') || '(top level)';
}

/** The names of the `${NAME}` references in a string. */
export function envReferences(text: string): string[] {
  return [...text.matchAll(ENV_REFERENCE)].map((match) => match[1]!);
}

interface Substitution {
  /** Variables referenced, in order. */
  variables: string[];
  /** Variables not set. */
  missing: string[];
  /** Dotted paths of fields holding a missing variable (their validation waits). */
  unresolvedPaths: string[];
  literalSecrets: string[];
}

/**
 * Replaces `${NAME}` references in every string. A missing variable is recorded (with the field's
 * path) instead of thrown, so one provider's missing variable does not block the others.
 */
export function substituteEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: string[] = [],
  found: Substitution = { variables: [], missing: [], unresolvedPaths: [], literalSecrets: [] },
): unknown {
  if (typeof value === 'string') {
    const key = path[path.length - 1];
    const names = envReferences(value);
    if (key !== undefined && SECRET_FIELDS.has(key) && names.length === 0) found.literalSecrets.push(pathText(path));
    for (const name of names) {
      if (!found.variables.includes(name)) found.variables.push(name);
      if ((env[name] === undefined || env[name] === '') && !found.missing.includes(name)) found.missing.push(name);
    }
    if (names.some((name) => env[name] === undefined || env[name] === '')) found.unresolvedPaths.push(pathText(path));
    return value.replace(ENV_REFERENCE, (match, name: string) => env[name] || match);
  }
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, env, [...path, String(i)], found));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, [...path, k], found)]));
  }
  return value;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = root;
  for (const key of path) {
    if (!value || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** The deepest bracket nesting of a text, outside quoted strings: bounds the parser's recursion before it runs. */
function bracketDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') deepest = Math.max(deepest, ++depth);
    else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return deepest;
}

/** The nesting depth of a parsed value, without recursion. */
function valueDepth(root: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (!value || typeof value !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_CONFIG_DEPTH) return deepest;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function tooDeep(path: string): CliError {
  return new CliError(
    'usage',
    `${path} nests deeper than ${MAX_CONFIG_DEPTH} levels; a tokensmith config is a few levels deep (check the file is the config you meant)`,
  );
}

async function parseText(text: string, path: string): Promise<unknown> {
  const format = path.endsWith('.json') ? 'JSON' : 'YAML';
  if (bracketDepth(text) > MAX_CONFIG_DEPTH) throw tooDeep(path);
  let raw: unknown;
  try {
    if (format === 'JSON') raw = JSON.parse(text);
    else {
      // The usual config is plain nested mappings: read without loading the yaml package (~15 ms).
      raw = parseSimpleYaml(text);
      if (raw === undefined) {
        const yaml = (await import('yaml')) as typeof import('yaml') & { default?: typeof import('yaml') };
        raw = (yaml.parse ?? yaml.default!.parse)(text);
      }
    }
  } catch (error) {
    if (error instanceof RangeError || /call stack/i.test((error as Error).message)) throw tooDeep(path);
    throw new CliError('usage', `${path} is not valid ${format}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (valueDepth(raw) > MAX_CONFIG_DEPTH) throw tooDeep(path);
  return raw;
}

/**
 * Parses config text (YAML or JSON by extension) and validates it. Every schema error of the file
 * is reported at once, each naming its path; a provider whose `${ENV}` variables are not set is kept
 * as unresolved (its missing variables named) rather than failing the whole file.
 */
export async function parseConfig(text: string, path: string, env: NodeJS.ProcessEnv): Promise<Omit<LoadedConfig, 'path' | 'origin'>> {
  const raw = await parseText(text, path);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new CliError('usage', `${path}: the config must be a mapping with a providers key`);
  const rawProviders = (raw as Record<string, unknown>).providers;
  const problems: string[] = [];
  const literalSecrets: string[] = [];
  const unresolvedPaths: string[] = [];
  const perProvider = new Map<string, Substitution>();
  const substituted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'providers' && rawProviders && typeof rawProviders === 'object' && !Array.isArray(rawProviders)) {
      const providers: Record<string, unknown> = {};
      for (const [name, settings] of Object.entries(rawProviders)) {
        if (RESERVED_NAMES.has(name)) {
          problems.push(`providers.${name}: ${name} cannot be a provider name (every object has it); rename the provider`);
          continue;
        }
        const found: Substitution = { variables: [], missing: [], unresolvedPaths: [], literalSecrets: [] };
        providers[name] = substituteEnv(settings, env, ['providers', name], found);
        perProvider.set(name, found);
        literalSecrets.push(...found.literalSecrets);
        unresolvedPaths.push(...found.unresolvedPaths);
      }
      substituted.providers = providers;
      continue;
    }
    // Top-level settings (store, defaultProvider) concern every command: resolve them now.
    const found: Substitution = { variables: [], missing: [], unresolvedPaths: [], literalSecrets: [] };
    substituted[key] = substituteEnv(value, env, [key], found);
    for (const name of found.missing)
      problems.push(`${key}: environment variable ${name} is not set; export ${name}=... or write the value in the config`);
  }
  // The schema (and the part of valibot it uses) load only when a config is read, not for --help or init.
  const { safeParse, configSchema, PROVIDER_NAME } = await import('./config-validate.js');
  const result = safeParse(configSchema, substituted);
  // A field whose variable is missing cannot be checked yet: its errors wait until it is set.
  const waiting = (issuePath: string) => unresolvedPaths.some((field) => issuePath === field || issuePath.startsWith(`${field}.`));
  for (const issue of result.issues ?? []) {
    const issuePath = (issue.path ?? []).map((item) => item.key as PropertyKey);
    if (waiting(pathText(issuePath))) continue;
    if (issue.expected === 'never')
      problems.push(`${pathText(issuePath.slice(0, -1))}: unknown field ${String(issuePath[issuePath.length - 1])}`);
    else if (issue.kind === 'schema' && valueAt(substituted, issuePath) === undefined) problems.push(`${pathText(issuePath)}: is required`);
    else problems.push(`${pathText(issuePath)}: ${issue.message}`);
  }
  if (problems.length > 0) throw new CliError('usage', `${path} is invalid:\n  ${[...new Set(problems)].join('\n  ')}`);
  const validated = result.output as TokensmithConfig;
  const entries: ProviderEntry[] = [];
  const resolved: Record<string, ProviderConfig> = {};
  for (const [name, config] of Object.entries(validated.providers)) {
    if (!PROVIDER_NAME.test(name)) continue;
    const found = perProvider.get(name) ?? { variables: [], missing: [], unresolvedPaths: [], literalSecrets: [] };
    entries.push({
      name,
      strategy: config.strategy,
      config: found.missing.length === 0 ? config : undefined,
      missing: found.missing,
      missingFields: found.unresolvedPaths,
      variables: found.variables,
    });
    if (found.missing.length === 0) resolved[name] = config;
  }
  return { config: { ...validated, providers: resolved }, entries, literalSecrets };
}

/** Loads and validates the config file (see {@link findConfigFile}), or returns undefined when there is none. */
export async function loadConfig(explicit: string | undefined, cwd: string, env: NodeJS.ProcessEnv): Promise<LoadedConfig | undefined> {
  const found = findConfigFile(explicit, cwd, env);
  if (found === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(found.path, 'utf8');
  } catch (error) {
    throw new CliError('usage', `cannot read ${found.path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return { ...found, ...(await parseConfig(text, found.path, env)) };
}

/** Whether a config file holding literal secrets is readable by group or others. */
export function isReadableByOthers(path: string): boolean {
  try {
    return (statSync(path).mode & 0o044) !== 0;
  } catch {
    return false;
  }
}
