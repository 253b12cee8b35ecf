import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ProviderConfig, TokensmithConfig } from './schema.js';
import type { Substitution } from './env.js';
import { CliError } from '../cli-error.js';
import { CONFIG_ENV, configFromEnvironment, findDefaultConfigFile, type ConfigOrigin } from './locate.js';
import {
  isMapping,
  isReservedName,
  providerEntries,
  schemaProblems,
  substituteConfig,
  substituteProvider,
  substituteSettings,
  type ProviderEntry,
  type SubstitutedConfig,
} from './providers.js';
import { parseConfigText, readConfigFile, requireShallowProvider } from './read.js';
import { allowedEnvironment, checkTrust, type TrustCheck } from './trust.js';
import { schemaKeys } from './suggest.js';
import { strategyOf, withPresetNamed } from './preset-merge.js';
import { sanitizeForTerminal } from '../terminal/safety.js';

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
  /** The parsed file, nothing substituted (to validate again once trusted). */
  raw: object;
  /** SHA-256 of the bytes that were parsed. */
  sha256: string;
  /** Whether the file needs trust before use; when `required`, nothing in it was substituted. */
  trust: TrustCheck | undefined;
}

/**
 * Finds the config file: `--config PATH`, else the file `TOKENSMITH_CONFIG` names, else the first of
 * {@link CONFIG_FILE_NAMES} in `cwd`, else the user-level `$XDG_CONFIG_HOME/tokensmith/config.yaml`.
 */
export function findConfigFile(
  explicit: string | undefined,
  cwd: string,
  env: NodeJS.ProcessEnv = {},
  flag = '--config',
): { path: string; origin: ConfigOrigin } | undefined {
  if (explicit === undefined) {
    const named = configFromEnvironment(cwd, env);
    if (named === undefined) return findDefaultConfigFile(cwd, env);
    // Checked as --config is, the message naming the variable instead of the flag.
    return { ...requireConfigFile(named.path, flag ? CONFIG_ENV : ''), origin: named.origin };
  }
  return requireConfigFile(resolve(cwd, explicit), flag);
}

/** `path` as an explicit config file, or a usage error naming `flag` (the flag or variable that gave it) when it is missing or a directory. */
function requireConfigFile(path: string, flag: string): { path: string; origin: ConfigOrigin } {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new CliError('usage', `config file ${sanitizeForTerminal(path)} does not exist${flag ? ` (check ${flag})` : ''}`);
  }
  if (stat.isDirectory())
    throw new CliError(
      'usage',
      `${sanitizeForTerminal(path)} is a directory; ${flag ? `${flag} takes` : 'pass'} the path of a config file (YAML or JSON)`,
    );
  return { path, origin: 'explicit' };
}

function parsedMapping(raw: unknown, path: string): object {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new CliError('usage', `${sanitizeForTerminal(path)}: the config must be a mapping with a providers key`);
  return raw;
}

/** How much of a config to validate: every provider (`providers`, `status`), or only the ones a command uses. */
export type ValidationScope = 'all' | 'in-use';

/** Options of {@link validateConfig}. */
export interface ValidateOptions {
  /** The file waits for the trust gate: its held-back variables are not problems yet. */
  untrusted?: boolean;
  /**
   * `in-use`: the top-level settings and `defaultProvider`'s provider now, any other provider when a
   * command first reads its `config` (so a broken provider nobody named stops nothing, and one
   * provider out of a thousand costs one validation). Default `all`.
   */
  scope?: ValidationScope;
}

function invalid(path: string, problems: string[], raw?: unknown): CliError {
  const named = raw === undefined ? problems : withPresetNamed(problems, raw);
  return new CliError('usage', `${sanitizeForTerminal(path)} is invalid:\n  ${[...new Set(named)].join('\n  ')}`);
}

/**
 * Validates a parsed config with `${ENV}` substituted from `env`. Every schema error of the part
 * validated is reported at once, each naming its path, never a substituted value; a provider whose
 * `${ENV}` variables are not set is kept as unresolved (its missing variables named) rather than
 * failing the whole file.
 */
export async function validateConfig(
  raw: object,
  path: string,
  env: NodeJS.ProcessEnv,
  options: ValidateOptions = {},
): Promise<Pick<LoadedConfig, 'config' | 'entries' | 'literalSecrets'>> {
  const rawProviders = (raw as Record<string, unknown>).providers;
  const names = isMapping(rawProviders) ? Object.keys(rawProviders).filter((name) => !isReservedName(name)) : [];
  // The schema (and the part of valibot it uses) load only when a config is read, not for --help or init.
  const { safeParse, configSchema, providerVariant, PROVIDER_NAME } = await import('./validate.js');
  // Every setting name a config may use, for "did you mean" on an unknown key (the provider schema is lazy: the variant holds them all).
  const knownKeys = () => new Set([...schemaKeys(configSchema), ...schemaKeys(providerVariant())]);
  const problemsOf = (issues: Parameters<typeof schemaProblems>[0], substituted: SubstitutedConfig) =>
    schemaProblems(issues, substituted, raw, issues.some((issue) => issue.expected === 'never') ? knownKeys() : undefined);
  if (options.scope !== 'in-use' || names.length === 0) {
    for (const name of names) requireShallowProvider((rawProviders as Record<string, unknown>)[name], path);
    const substituted = substituteConfig(raw, env, options.untrusted === true);
    const result = safeParse(configSchema, substituted.value);
    const problems = [...substituted.problems, ...problemsOf(result.issues ?? [], substituted)];
    if (problems.length > 0) throw invalid(path, problems, raw);
    const validated = result.output as TokensmithConfig;
    const { entries, resolved } = providerEntries(validated, substituted.perProvider, PROVIDER_NAME);
    return { config: { ...validated, providers: resolved }, entries, literalSecrets: substituted.literalSecrets };
  }
  // One provider in use out of many: the top-level settings are substituted now, each provider only
  // when something first asks about it (its config, its variables), so `token <one>` of a thousand
  // substitutes, depth-checks and validates one. The trust decision was made on the raw file before.
  const providers = rawProviders as Record<string, unknown>;
  const settings = substituteSettings(raw, env, options.untrusted === true);
  if (settings.problems.length > 0) throw invalid(path, settings.problems);
  const substitutions = new Map<string, ReturnType<typeof substituteProvider>>();
  const substituted = (name: string) => {
    let found = substitutions.get(name);
    if (!found) {
      requireShallowProvider(providers[name], path);
      found = substituteProvider(name, providers[name], env);
      substitutions.set(name, found);
    }
    return found;
  };
  const defaultName = settings.value.defaultProvider;
  const withDefault = typeof defaultName === 'string' && names.includes(defaultName) ? [defaultName] : [];
  /** The top-level settings with only the named providers (and the default one): the schema's own checks, on that part. */
  const validateSome = (some: string[]): TokensmithConfig => {
    const pickedNames = [...new Set([...some, ...withDefault])];
    const picked = Object.fromEntries(pickedNames.map((name) => [name, substituted(name).value]));
    const part: SubstitutedConfig = {
      ...settings,
      value: { ...settings.value, providers: picked },
      problems: pickedNames.flatMap((name) => substituted(name).problems),
      unresolvedPaths: [
        ...settings.unresolvedPaths,
        ...pickedNames.flatMap((name) => [...substituted(name).substitution.unresolvedPaths, ...substituted(name).quietPaths]),
      ],
    };
    const result = safeParse(configSchema, part.value);
    // With no provider picked, "at least one provider" is about the subset, not the file (which has some).
    const issues = (result.issues ?? []).filter((issue) => pickedNames.length > 0 || !/at least one provider/.test(issue.message));
    const problems = [...part.problems, ...problemsOf(issues, part)];
    if (problems.length > 0) throw invalid(path, problems, raw);
    return result.output as TokensmithConfig;
  };
  const top = validateSome([]);
  const validatedByName = new Map<string, ProviderConfig>();
  const config = (name: string): ProviderConfig | undefined => {
    if (substituted(name).substitution.missing.length > 0) return undefined;
    let validated = validatedByName.get(name);
    if (!validated) validatedByName.set(name, (validated = validateSome([name]).providers[name]!));
    return validated;
  };
  const lookup: ProviderLookup = { config, substitution: (name) => substituted(name).substitution };
  const entries: ProviderEntry[] = names.map((name) => {
    const named = strategyOf(providers[name]);
    return new LazyProviderEntry(name, typeof named === 'string' ? named : String(named), lookup);
  });
  return {
    config: { ...top, providers: lazyResolvedProviders(names, substituted, config) },
    entries,
    // Every provider's literal secrets, for the warning about a file others can read (asked only when they can).
    get literalSecrets() {
      return names.flatMap((name) => substituted(name).substitution.literalSecrets);
    },
  };
}

/** How a {@link LazyProviderEntry} finds its provider's validated settings and substitution. */
interface ProviderLookup {
  config(name: string): ProviderConfig | undefined;
  substitution(name: string): Substitution;
}

/**
 * A provider entry that substitutes and validates its provider when first asked. A class, so that a
 * thousand entries share their getters (object literals with getters made four closures an entry).
 */
class LazyProviderEntry implements ProviderEntry {
  constructor(
    readonly name: string,
    readonly strategy: string,
    private readonly lookup: ProviderLookup,
  ) {}
  get config(): ProviderConfig | undefined {
    return this.lookup.config(this.name);
  }
  get missing(): string[] {
    return this.lookup.substitution(this.name).missing;
  }
  get missingFields(): string[] {
    return this.lookup.substitution(this.name).unresolvedPaths;
  }
  get variables(): string[] {
    return this.lookup.substitution(this.name).variables;
  }
}

/**
 * The resolved providers by name (those whose variables are all set), each substituted and validated
 * when first read: a lookup by name touches that provider alone; listing the names (Object.keys,
 * `in`) substitutes each to know whether it is resolved, and validates none until its value is read.
 */
function lazyResolvedProviders(
  names: readonly string[],
  substituted: (name: string) => ReturnType<typeof substituteProvider>,
  config: (name: string) => ProviderConfig | undefined,
): Record<string, ProviderConfig> {
  const known = new Set(names);
  const resolved = (key: string | symbol): key is string =>
    typeof key === 'string' && known.has(key) && substituted(key).substitution.missing.length === 0;
  const target: Record<string, ProviderConfig> = {};
  return new Proxy(target, {
    get: (_target, key): unknown => (resolved(key) ? config(key) : (target as Record<string | symbol, unknown>)[key]),
    has: (_target, key) => resolved(key) || key in target,
    ownKeys: () => names.filter(resolved),
    getOwnPropertyDescriptor: (_target, key) =>
      resolved(key) ? { enumerable: true, configurable: true, get: () => config(key) } : undefined,
  });
}

/**
 * Parses config text (YAML or JSON by extension) and validates it (see {@link validateConfig}).
 */
export async function parseConfig(
  text: string,
  path: string,
  env: NodeJS.ProcessEnv,
): Promise<Pick<LoadedConfig, 'config' | 'entries' | 'literalSecrets'>> {
  return validateConfig(parsedMapping(await parseConfigText(text, path), path), path, env);
}

/**
 * Loads and validates the config file (see {@link findConfigFile}), or returns undefined when there is
 * none. The file is read once; a working-directory file that needs trust (see config/trust.ts) is
 * validated with nothing substituted, and its `trust.required` says so: the caller must gate it.
 * `inUse` (with scope `in-use`): the only providers the caller will look at; the file may then be
 * parsed without the others, which `entries`, `raw` and `config.providers` then lack (see {@link sliceable}).
 */
export async function loadConfig(
  explicit: string | undefined,
  cwd: string,
  env: NodeJS.ProcessEnv,
  scope: ValidationScope = 'all',
  inUse?: readonly string[],
): Promise<LoadedConfig | undefined> {
  const found = findConfigFile(explicit, cwd, env);
  if (found === undefined) return undefined;
  const file = readConfigFile(found.path);
  // Each provider is depth-checked where it is walked (validateConfig): all of them for `all` and an untrusted file.
  const raw = parsedMapping(
    await parseConfigText(file.text, found.path, { providersOnUse: true, inUse: sliceable(found, scope, inUse) }),
    found.path,
  );
  const trust =
    found.origin === 'working-directory' ? checkTrust({ path: found.path, raw, sha256: file.sha256, uid: file.uid }, env) : undefined;
  // Before the trust gate only the variables allowed in any config are substituted: no other variable's
  // value reaches a store, a URL or an error (and an untrusted file's store is not used at all).
  // An untrusted file is checked whole (its errors come before the trust prompt: nobody should trust a broken file).
  const validated = trust?.required
    ? await validateConfig(raw, found.path, allowedEnvironment(env), { untrusted: true })
    : await validateConfig(raw, found.path, env, { scope });
  // Getters (the digest, the literal secrets) stay getters: a spread would compute them now. The
  // literal secrets can be replaced (context.ts assigns a validation after the trust prompt).
  let literalSecrets = (): string[] => validated.literalSecrets;
  return Object.defineProperties(
    { ...found, raw, trust, config: validated.config, entries: validated.entries },
    {
      sha256: { enumerable: true, get: () => file.sha256 },
      literalSecrets: {
        enumerable: true,
        get: () => literalSecrets(),
        set: (value: string[]) => (literalSecrets = () => value),
      },
    },
  ) as LoadedConfig;
}

/**
 * The providers to cut a file down to (config/read.ts, `inUse`), or undefined to parse it whole:
 * whenever the rest of the file matters. Trust reads every string of a working-directory file, and
 * the warning about literal secrets in a file others can read counts every provider's.
 */
function sliceable(
  found: { path: string; origin: ConfigOrigin },
  scope: ValidationScope,
  inUse: readonly string[] | undefined,
): readonly string[] | undefined {
  if (!inUse || scope !== 'in-use' || found.origin === 'working-directory' || isReadableByOthers(found.path)) return undefined;
  return inUse;
}

/** Whether a config file holding literal secrets is readable by group or others. */
export function isReadableByOthers(path: string): boolean {
  try {
    return (statSync(path).mode & 0o044) !== 0;
  } catch {
    return false;
  }
}
