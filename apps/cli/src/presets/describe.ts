import { STRATEGY_ADAPTERS, type StrategyName } from '../strategies/index.js';
import { TEMPLATE_PARAMS, type Preset, type PresetFields } from './types.js';
import { defaultStrategy } from './index.js';

// What `tokensmith presets` and `init --preset` show of a preset: its endpoints (templates kept),
// scopes, client authentication, and the fields a person must supply. Data only, no config read.

/** The endpoint-valued settings a preset fills, by field (`timeline.url` dotted), templates kept. */
export function presetEndpoints(fields: PresetFields): Record<string, string> {
  const found: Record<string, string> = {};
  const visit = (value: unknown, path: string, key: string) => {
    if (typeof value === 'string' && /(Url|Uri|^url|^issuer)$/.test(key)) found[path] = value;
    else if (value && typeof value === 'object' && !Array.isArray(value))
      for (const [inner, innerValue] of Object.entries(value))
        // One camelCase JSON field name per nested setting (timeline.url -> timelineUrl), as every --json names fields.
        visit(innerValue, path ? `${path}${inner.charAt(0).toUpperCase()}${inner.slice(1)}` : inner, inner);
  };
  visit(fields, '', '');
  return found;
}

/** A field the person writes for a preset's strategy, with what `init --preset` writes for it. */
export interface SuppliedField {
  field: string;
  /** Needed for the preset to work (`clientSecret` is optional where the provider takes public clients). */
  required: boolean;
  /** The value `init --preset` writes (`${X_CLIENT_ID}`, `fosstodon.org`). */
  example: string;
  /** What it is, for the starter's comment. */
  describe: string;
}

function envPrefix(preset: Preset): string {
  return preset.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/**
 * The fields a person must (or may) write for a preset and strategy: the template params without a
 * default, then the strategy's credentials (the adapter's `credentialFields`).
 *
 * @example
 * ```ts
 * suppliedFields(presetNamed('x')!, 'authorization-code').map((f) => f.field); // ['clientId', 'clientSecret']
 * ```
 */
export function suppliedFields(preset: Preset, strategy: string): SuppliedField[] {
  const supplied: SuppliedField[] = [];
  for (const param of TEMPLATE_PARAMS) {
    const declared = preset.params?.[param];
    if (declared)
      supplied.push({
        field: param,
        required: declared.default === undefined,
        example: declared.default ?? declared.example,
        describe: declared.describe,
      });
  }
  const fields = preset.strategies[strategy as StrategyName] ?? {};
  // A secret is optional only where the preset names a public-client method for this strategy.
  const publicClient = fields.authMethod === undefined && preset.auth?.public !== undefined;
  const credentials = STRATEGY_ADAPTERS[strategy as StrategyName]?.credentialFields ?? [];
  for (const [index, field] of credentials.entries()) {
    const secret = index > 0;
    const variable = `${envPrefix(preset)}_${field.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;
    // A preset that registers an app when there is no clientId needs neither (registration/).
    const registers = preset.registersAt !== undefined;
    supplied.push({
      field,
      required: !registers && !(secret && publicClient),
      example: `\${${variable}}`,
      describe: registers
        ? 'omit it: tokensmith registers an app at the first login and reuses it'
        : secret
          ? publicClient
            ? 'omit for a public client'
            : 'export it; keep it out of the file'
          : `export ${variable}=...`,
    });
  }
  return supplied;
}

/** One strategy of a preset as `presets --json` shows it. */
export interface PresetStrategyView {
  strategy: string;
  default: boolean;
  endpoints: Record<string, string>;
  scopes: string[] | string | null;
  authMethod: { confidential: string; public: string | null } | null;
  supply: Array<{ field: string; required: boolean }>;
}

/** A preset as `presets --json` shows it. */
export interface PresetView {
  name: string;
  title: string;
  documentation: string;
  checked: string;
  params: Array<{ name: string; describe: string; example: string; default: string | null }>;
  strategies: PresetStrategyView[];
  quirks: { refreshTokens: string | null; noExpiry: boolean; acceptJson: boolean; notes: readonly string[] };
  discovery: string | null;
}

/**
 * A preset as data for `tokensmith presets --json`: every endpoint it fills per strategy (templates
 * kept), its scopes, client authentication, what the person supplies, where it was checked and when.
 *
 * @example
 * ```ts
 * presetView(presetNamed('x-app')!).strategies[0]!.endpoints.tokenUrl; // 'https://api.x.com/oauth2/token'
 * ```
 */
export function presetView(preset: Preset): PresetView {
  const first = defaultStrategy(preset);
  return {
    name: preset.name,
    title: preset.title,
    documentation: preset.docs,
    checked: preset.checked,
    params: TEMPLATE_PARAMS.flatMap((name) => {
      const param = preset.params?.[name];
      return param ? [{ name, describe: param.describe, example: param.example, default: param.default ?? null }] : [];
    }),
    strategies: Object.entries(preset.strategies).map(([strategy, own]) => {
      const fields = { ...preset.shared, ...own };
      const method = fields.authMethod;
      return {
        strategy,
        default: first === strategy,
        endpoints: presetEndpoints(fields),
        scopes: (fields.scopes ?? fields.scope ?? null) as string[] | string | null,
        authMethod:
          typeof method === 'string'
            ? { confidential: method, public: null }
            : preset.auth
              ? { confidential: preset.auth.confidential, public: preset.auth.public ?? null }
              : null,
        supply: suppliedFields(preset, strategy).map(({ field, required }) => ({ field, required })),
      };
    }),
    quirks: {
      refreshTokens: preset.quirks?.refreshTokens ?? null,
      noExpiry: preset.quirks?.noExpiry === true,
      acceptJson: preset.quirks?.acceptJson === true,
      notes: preset.quirks?.notes ?? [],
    },
    discovery: preset.discovery ?? null,
  };
}

/**
 * The starter config `tokensmith init --preset NAME` writes (after the common header): the preset,
 * and only the fields the person fills in.
 *
 * @example
 * ```ts
 * presetStarter(presetNamed('x')!); // 'defaultProvider: x\nproviders:\n  x:\n    preset: x\n...'
 * ```
 */
export function presetStarter(preset: Preset, strategy: string = defaultStrategy(preset)): string {
  const others = Object.keys(preset.strategies).filter((name) => name !== strategy);
  const lines = [
    `defaultProvider: ${preset.name}`,
    'providers:',
    `  ${preset.name}:`,
    `    # ${preset.title}: endpoints, scopes and client authentication come from the preset`,
    `    # (tokensmith presets ${preset.name}); any field written here overrides the preset's.`,
    `    # Docs: ${preset.docs} (checked ${preset.checked})`,
    `    preset: ${preset.name}`,
    defaultStrategy(preset) === strategy
      ? others.length > 0
        ? `    # strategy: ${others.join(' | ')}   # default ${strategy}`
        : undefined
      : `    strategy: ${strategy}`,
  ];
  for (const field of suppliedFields(preset, strategy)) {
    const optional = !field.required;
    const line = `${optional ? '# ' : ''}${field.field}: ${field.example}`;
    lines.push(`    ${line.padEnd(38)} # ${field.describe}`);
  }
  return `${lines.filter((line) => line !== undefined).join('\n')}\n`;
}
