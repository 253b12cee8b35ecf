import { HOST_PARAMS, PRESETS, TEMPLATE_PARAMS, defaultStrategy, presetNamed, type Preset, type TemplateParam } from '../presets/index.js';
import type { PresetAuth } from '../presets/types.js';
import { closestName } from './suggest.js';

// `preset: x` in a provider: the preset's settings filled in before the schema validates the
// provider, so the schema (and every command after it: the store key, the endpoint binding, trust
// messages, `providers --json`) sees one merged provider. What the config writes wins; `timeline`
// and `authorizationParams` merge key by key. Templates (`https://{instance}/oauth/token`) take the
// provider's `instance`, `domain`, `tenant` or `realm`. `presetBaseUrl` moves every URL the preset
// fills onto another origin, keeping paths (a local sandbox that emulates the provider).

/** What merging a preset into one provider's settings gave. */
export interface PresetMerge {
  /** The provider's settings with the preset filled in (as written when there is no preset, or it is unknown). */
  value: unknown;
  /** Problems, each naming the field and the preset (`providers.m.instance: preset mastodon needs ...`). */
  problems: string[];
  /**
   * Fields whose schema errors are not worth reporting: filled from a template param that waits for
   * an environment variable, or the whole provider when its preset is unknown (the fix is the name).
   */
  quietPaths: string[];
}

const HOST_VALUE = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?$/;
const SEGMENT_VALUE = /^[A-Za-z0-9._~-]+$/;
/** Fields the merge merges key by key instead of replacing. */
const MERGED_MAPS = new Set(['timeline', 'authorizationParams']);

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Every `{param}` a string of the value uses. */
function paramsIn(value: unknown): TemplateParam[] {
  const text = JSON.stringify(value) ?? '';
  return TEMPLATE_PARAMS.filter((param) => text.includes(`{${param}}`));
}

/** The value with `{param}` replaced in every string, and https URLs moved onto `origin` when given. */
function fill(value: unknown, params: Partial<Record<TemplateParam, string>>, origin: string | undefined): unknown {
  if (typeof value === 'string') {
    const filled = value.replace(/\{(instance|domain|tenant|realm)\}/g, (match, name: TemplateParam) => params[name] ?? match);
    if (origin === undefined || !/^https:\/\//.test(filled) || !URL.canParse(filled)) return filled;
    const url = new URL(filled);
    return new URL(`${url.pathname}${url.search}`, origin).href;
  }
  if (Array.isArray(value)) return value.map((item) => fill(item, params, origin));
  if (isMapping(value)) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, fill(inner, params, origin)]));
  return value;
}

/** The client authentication for a preset's auth rule: confidential with a secret, else public (if the provider has public clients). */
function authMethodFor(auth: PresetAuth, hasSecret: boolean): string {
  return hasSecret ? auth.confidential : (auth.public ?? auth.confidential);
}

/** Checks the template params: present (or defaulted), shaped as a host or a path segment. */
function templateParams(
  preset: Preset,
  settings: Record<string, unknown>,
  at: string,
  unresolved: (field: string) => boolean,
  problems: string[],
): { values: Partial<Record<TemplateParam, string>>; waiting: TemplateParam[] } {
  const values: Partial<Record<TemplateParam, string>> = {};
  const waiting: TemplateParam[] = [];
  for (const param of TEMPLATE_PARAMS) {
    const declared = preset.params?.[param];
    const written = settings[param];
    if (declared === undefined) {
      if (written !== undefined) problems.push(`${at}.${param}: preset ${preset.name} takes no ${param}; remove it`);
      continue;
    }
    if (written !== undefined && unresolved(`${at}.${param}`)) {
      waiting.push(param);
      continue;
    }
    const value = written ?? declared.default;
    const shape = HOST_PARAMS.includes(param) ? HOST_VALUE : SEGMENT_VALUE;
    if (value === undefined)
      problems.push(`${at}.${param}: preset ${preset.name} needs ${param} (${declared.describe}, e.g. ${param}: ${declared.example})`);
    else if (typeof value !== 'string' || !shape.test(value))
      problems.push(
        `${at}.${param}: must be ${HOST_PARAMS.includes(param) ? 'a host name only, no https:// or path' : 'one path segment'} (preset ${preset.name}, e.g. ${param}: ${declared.example})`,
      );
    else values[param] = value;
  }
  return { values, waiting };
}

/**
 * Fills one provider's settings (`${ENV}` already substituted) from its `preset`. `unresolvedPaths`
 * are the provider's fields still waiting for a variable (a templated `instance` among them).
 *
 * @example
 * ```ts
 * const { value } = mergePreset('social', { preset: 'mastodon', instance: 'fosstodon.org', clientId: 'id', clientSecret: 's' }, []);
 * // value.tokenUrl === 'https://fosstodon.org/oauth/token'; value.authMethod === 'post'
 * ```
 */
export function mergePreset(name: string, settings: unknown, unresolvedPaths: readonly string[]): PresetMerge {
  const at = `providers.${name}`;
  const none: PresetMerge = { value: settings, problems: [], quietPaths: [] };
  if (!isMapping(settings)) return none;
  if (settings.preset === undefined) {
    const strays = [...TEMPLATE_PARAMS, 'presetBaseUrl'].filter((field) => settings[field] !== undefined);
    return {
      ...none,
      problems: strays.map(
        (field) => `${at}.${field}: is read only with a preset (preset: NAME; tokensmith presets lists them); remove it`,
      ),
    };
  }
  const presetName = settings.preset;
  const preset = typeof presetName === 'string' ? presetNamed(presetName) : undefined;
  if (preset === undefined) {
    const suggestion =
      typeof presetName === 'string'
        ? closestName(
            presetName,
            PRESETS.map((p) => p.name),
          )
        : undefined;
    const shown = typeof presetName === 'string' ? `'${presetName.replace(/[^\x20-\x7e]/g, '?')}'` : 'this value';
    return {
      value: settings,
      problems: [`${at}.preset: no preset ${shown}${suggestion ? ` (did you mean ${suggestion}?)` : ''}; tokensmith presets lists them`],
      quietPaths: [at],
    };
  }
  const picked = settings.strategy ?? defaultStrategy(preset);
  const offered = Object.keys(preset.strategies);
  if (typeof picked !== 'string' || !offered.includes(picked))
    return {
      value: settings,
      problems: [`${at}.strategy: preset ${preset.name} is used with ${offered.join(' or ')}; remove strategy or write one of those`],
      quietPaths: [at],
    };
  const problems: string[] = [];
  const unresolved = (field: string) => unresolvedPaths.includes(field);
  const { values, waiting } = templateParams(preset, settings, at, unresolved, problems);
  const origin = typeof settings.presetBaseUrl === 'string' && URL.canParse(settings.presetBaseUrl) ? settings.presetBaseUrl : undefined;
  const fields: Record<string, unknown> = { ...preset.shared, ...preset.strategies[picked as keyof Preset['strategies']] };
  const quietPaths: string[] = [];
  const merged: Record<string, unknown> = { strategy: picked };
  for (const [field, presetValue] of Object.entries(fields)) {
    const templated = paramsIn(presetValue);
    // A template param still missing (a problem, or waiting for a variable): the field is filled with
    // a placeholder host (`instance.invalid`, never used: the provider is invalid or unresolved) so
    // that only the param's own problem is reported, not every check that needs the field.
    if (templated.some((param) => values[param] === undefined)) quietPaths.push(`${at}.${field}`);
    const placeholders = Object.fromEntries(TEMPLATE_PARAMS.map((param) => [param, values[param] ?? `${param}.invalid`]));
    merged[field] = fill(presetValue, placeholders, origin);
  }
  // The provider waits for the variable (it is unresolved): its checks run once the variable is set.
  if (waiting.length > 0) quietPaths.push(at);
  for (const [field, written] of Object.entries(settings)) {
    const filled = merged[field];
    merged[field] = MERGED_MAPS.has(field) && isMapping(filled) && isMapping(written) ? { ...filled, ...written } : written;
  }
  if (preset.registersAt !== undefined && settings.clientId === undefined && settings.clientSecret === undefined) {
    // No client of the person's own: the app is registered at the issuer (registration/), which decides its authentication.
    const placeholders = Object.fromEntries(TEMPLATE_PARAMS.map((param) => [param, values[param] ?? `${param}.invalid`]));
    if (settings.issuer === undefined) merged.issuer = fill(preset.registersAt, placeholders, origin);
    return { value: merged, problems, quietPaths };
  }
  if (preset.auth && fields.authMethod === undefined && settings.authMethod === undefined)
    merged.authMethod = authMethodFor(preset.auth, settings.clientSecret !== undefined);
  return { value: merged, problems, quietPaths };
}

/**
 * The strategy a provider as written will have: its own `strategy`, else its preset's default.
 *
 * @example
 * ```ts
 * strategyOf({ preset: 'github' }); // 'device-code'
 * ```
 */
export function strategyOf(settings: unknown): unknown {
  if (!isMapping(settings)) return undefined;
  const written = settings.strategy;
  if (written !== undefined || typeof settings.preset !== 'string') return written;
  const preset = presetNamed(settings.preset);
  return preset ? defaultStrategy(preset) : undefined;
}

/**
 * Names the preset in each schema problem of a provider that uses one: the field may have come
 * from the preset, and that is where to look.
 *
 * @example
 * ```ts
 * withPresetNamed(['providers.m.clientSecret: is required'], { providers: { m: { preset: 'mastodon' } } });
 * // ['providers.m.clientSecret: is required (provider m uses preset mastodon)']
 * ```
 */
export function withPresetNamed(problems: readonly string[], raw: unknown): string[] {
  const providers = isMapping(raw) && isMapping(raw.providers) ? raw.providers : {};
  return problems.map((problem) => {
    const name = /^providers\.([^.:]+)[.:]/.exec(problem)?.[1];
    const provider = name !== undefined && Object.hasOwn(providers, name) ? providers[name] : undefined;
    const preset = isMapping(provider) && typeof provider.preset === 'string' ? presetNamed(provider.preset) : undefined;
    return preset && !problem.includes(`preset ${preset.name}`) ? `${problem} (provider ${name} uses preset ${preset.name})` : problem;
  });
}

/**
 * `raw` with `instance` set on `provider` when its preset takes an instance and the file names none
 * (`login NAME --instance HOST`): the same object when there is nothing to set, so a caller can tell.
 *
 * @example
 * ```ts
 * withPresetInstance({ providers: { social: { preset: 'mastodon' } } }, 'social', 'fosstodon.org');
 * // { providers: { social: { preset: 'mastodon', instance: 'fosstodon.org' } } }
 * ```
 */
export function withPresetInstance(raw: object, provider: string, instance: string): object {
  const providers = (raw as { providers?: unknown }).providers;
  if (!isMapping(providers) || !Object.hasOwn(providers, provider)) return raw;
  const settings = providers[provider];
  if (!isMapping(settings) || typeof settings.preset !== 'string' || settings.instance !== undefined) return raw;
  if (presetNamed(settings.preset)?.params?.instance === undefined) return raw;
  return { ...raw, providers: { ...providers, [provider]: { ...settings, instance } } };
}
