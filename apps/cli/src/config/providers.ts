import type { ProviderConfig, TokensmithConfig } from './schema.js';
import { closestName } from './suggest.js';
import { envReferences, noSubstitution, pathText, substituteEnv, type Substitution } from './env.js';
import { mergePreset } from './preset-merge.js';

// A config's providers, from the parsed file to the entries commands use: substituted one provider
// at a time (so one provider's missing variable does not block the others), checked against the
// schema with the errors of a field that waits for a variable held back, and listed in file order.

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

/** A parsed config with its `${ENV}` references substituted, and what the substitution found. */
export interface SubstitutedConfig {
  value: Record<string, unknown>;
  /** What each provider references, by provider name. */
  perProvider: Map<string, Substitution>;
  /** Problems already known (a reserved provider name, a top-level setting's missing variable). */
  problems: string[];
  literalSecrets: string[];
  /** Fields whose variable is missing: their schema errors wait until it is set. */
  unresolvedPaths: string[];
}

/** The parts of a schema issue (valibot's) that a problem line is made of. */
export interface SchemaIssue {
  kind: string;
  expected: string | null;
  message: string;
  path?: ReadonlyArray<{ key: unknown }> | undefined;
}

// Every object has these (or valibot drops them): as provider names they would look up the prototype.
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** Whether a value is a mapping (an object, not an array): what `providers` must be. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Substitutes `${ENV}` in one provider's settings (`providers.<name>`), recording what it references,
 * then fills in its `preset` (config/preset-merge.ts): the schema validates the merged provider.
 * `problems` are the preset's (an unknown name, a missing `instance`); `quietPaths` the fields whose
 * schema errors would only repeat them.
 *
 * @example
 * ```ts
 * const { value, substitution } = substituteProvider('github', raw.providers.github, process.env);
 * ```
 */
export function substituteProvider(
  name: string,
  settings: unknown,
  env: NodeJS.ProcessEnv,
): { value: unknown; substitution: Substitution; problems: string[]; quietPaths: string[] } {
  const substitution = noSubstitution();
  const substituted = substituteEnv(settings, env, ['providers', name], substitution);
  const { value, problems, quietPaths } = mergePreset(name, substituted, substitution.unresolvedPaths);
  return { value, substitution, problems, quietPaths };
}

/**
 * Substitutes `${ENV}` in the top-level settings (store, defaultProvider) and checks the provider
 * names, leaving every provider as written (`value.providers` is the raw mapping, `perProvider`
 * empty): what a command that uses one provider needs before it substitutes that one
 * ({@link substituteProvider}). `untrusted`: see {@link substituteConfig}.
 *
 * @example
 * ```ts
 * const settings = substituteSettings(raw, process.env);
 * if (settings.problems.length > 0) throw new Error(settings.problems.join('\n'));
 * ```
 */
export function substituteSettings(raw: object, env: NodeJS.ProcessEnv, untrusted = false): SubstitutedConfig {
  const found: SubstitutedConfig = { value: {}, perProvider: new Map(), problems: [], literalSecrets: [], unresolvedPaths: [] };
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'providers' && isMapping(value)) {
      for (const name of Object.keys(value))
        if (RESERVED_NAMES.has(name))
          found.problems.push(`providers.${name}: ${name} cannot be a provider name (every object has it); rename the provider`);
      found.value.providers = value;
      continue;
    }
    // Top-level settings (store, defaultProvider) concern every command: resolve them now.
    const setting = noSubstitution();
    found.value[key] = substituteEnv(value, env, [key], setting);
    if (untrusted) {
      found.unresolvedPaths.push(...setting.unresolvedPaths);
      continue;
    }
    for (const name of setting.missing)
      found.problems.push(
        `${key}: environment variable ${name} ${env[name] === '' ? 'is set but empty' : 'is not set'}; export ${name}=... or write the value in the config`,
      );
  }
  return found;
}

/**
 * Substitutes `${ENV}` in a parsed config: each provider on its own, top-level settings (store,
 * defaultProvider) now. `untrusted`: the file waits for the trust gate with its variables unsubstituted,
 * so a top-level variable that is held back is not a problem yet (its field waits, as a provider's does).
 */
export function substituteConfig(raw: object, env: NodeJS.ProcessEnv, untrusted = false): SubstitutedConfig {
  const found = substituteSettings(raw, env, untrusted);
  const rawProviders = found.value.providers;
  if (!isMapping(rawProviders)) return found;
  const providers: Record<string, unknown> = {};
  for (const [name, settings] of Object.entries(rawProviders)) {
    if (RESERVED_NAMES.has(name)) continue; // a problem already (substituteSettings)
    const { value, substitution, problems, quietPaths } = substituteProvider(name, settings, env);
    providers[name] = value;
    found.perProvider.set(name, substitution);
    found.problems.push(...problems);
    found.literalSecrets.push(...substitution.literalSecrets);
    found.unresolvedPaths.push(...substitution.unresolvedPaths, ...quietPaths);
  }
  found.value.providers = providers;
  return found;
}

/** Whether a provider name is one every object has (a problem of its own, never a provider). */
export function isReservedName(name: string): boolean {
  return RESERVED_NAMES.has(name);
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = root;
  for (const key of path) {
    if (!value || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * A schema message for a field whose value came (in part) from environment variables: valibot's own
 * messages end by quoting the value they received, which would print a variable's value (a secret,
 * in a CI log). The quote is dropped and the variables named instead.
 */
function withoutSubstitutedValue(message: string, rawValue: string): string {
  const names = [...new Set(envReferences(rawValue))];
  const reason = message.replace(/[:,]?\s*(?:but )?received\b.*$/is, '').trim();
  return `${reason} (value from ${names.map((name) => `\${${name}}`).join(', ')}, not shown)`;
}

/** The schema's issues as problem lines, each naming its path; those of a field waiting for a variable are left out. */
export function schemaProblems(
  issues: readonly SchemaIssue[],
  substituted: SubstitutedConfig,
  raw?: unknown,
  knownKeys?: ReadonlySet<string>,
): string[] {
  const waiting = (issuePath: string) =>
    substituted.unresolvedPaths.some((field) => issuePath === field || issuePath.startsWith(`${field}.`));
  const problems: string[] = [];
  for (const issue of issues) {
    const issuePath = (issue.path ?? []).map((item) => item.key as PropertyKey);
    if (waiting(pathText(issuePath))) continue;
    if (issue.expected === 'never') {
      const field = String(issuePath[issuePath.length - 1]);
      const suggestion = knownKeys ? closestName(field, knownKeys) : undefined;
      problems.push(`${pathText(issuePath.slice(0, -1))}: unknown field ${field}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`);
    } else if (issue.kind === 'schema' && valueAt(substituted.value, issuePath) === undefined)
      problems.push(`${pathText(issuePath)}: is required`);
    else {
      const rawValue = valueAt(raw, issuePath);
      const substitutedHere = typeof rawValue === 'string' && envReferences(rawValue).length > 0;
      problems.push(`${pathText(issuePath)}: ${substitutedHere ? withoutSubstitutedValue(issue.message, rawValue) : issue.message}`);
    }
  }
  return problems;
}

/**
 * The validated config's providers in file order (those with a valid name), each resolved or waiting
 * for its variables, and the resolved ones by name.
 */
export function providerEntries(
  validated: TokensmithConfig,
  perProvider: ReadonlyMap<string, Substitution>,
  providerName: RegExp,
): { entries: ProviderEntry[]; resolved: Record<string, ProviderConfig> } {
  const entries: ProviderEntry[] = [];
  const resolved: Record<string, ProviderConfig> = {};
  for (const [name, config] of Object.entries(validated.providers)) {
    if (!providerName.test(name)) continue;
    const found = perProvider.get(name) ?? noSubstitution();
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
  return { entries, resolved };
}
