import * as v from 'valibot';
import { STORE_CHOICES, storeAdapterFor } from '../stores/index.js';

import { schemaParts } from './schema-parts.js';
import { STRATEGIES, STRATEGY_ADAPTERS, strategySchemas, type StrategyName } from '../strategies/index.js';

// The config schema, in valibot: it loads in ~8 ms where zod 4 takes ~50 ms (it imports every
// locale), and every configured CLI run pays that price. Each strategy's settings are its
// adapter's schema fragment (strategies/); the parts they share are in schema-parts.ts.

export { TIMELINE_FORMATS, DEFAULT_TIMELINE_MAX_BYTES, RESERVED_AUTHORIZATION_PARAMS, type TimelineConfig } from './schema-parts.js';
export { STRATEGIES, type StrategyName } from '../strategies/index.js';

/** Every strategy's schema as one `v.variant` over `strategy`: built once, when first needed. */
let variant: ReturnType<typeof buildVariant> | undefined;
function buildVariant() {
  return v.variant('strategy', strategySchemas(v), `strategy must be one of ${STRATEGIES.join(', ')}`);
}

/**
 * The variant over every strategy (what {@link providerSchema} validates against), e.g. for
 * listing every setting name a config may use.
 *
 * @example
 * ```ts
 * schemaKeys(providerVariant()).has('deviceAuthorizationUrl'); // true
 * ```
 */
export function providerVariant(): ReturnType<typeof buildVariant> {
  return (variant ??= buildVariant());
}

/** One strategy's schema, built on first use: a command using one provider builds one, not all. */
const strategyOnly = new Map<string, ReturnType<typeof buildVariant>>();

/**
 * One provider's settings (validated per provider, so one bad or unresolved provider does not hide
 * the others). A provider naming a known strategy is checked against that strategy's schema alone,
 * built on first use (valibot's `lazy` sees the input): the same issues the variant reports, without
 * building every strategy's schema for a command that uses one. Anything else goes to the variant,
 * for its message naming the strategies.
 */
export const providerSchema = v.lazy((input: unknown): ReturnType<typeof buildVariant> => {
  const named: unknown = typeof input === 'object' && input !== null ? (input as { strategy?: unknown }).strategy : undefined;
  if (typeof named !== 'string' || !Object.hasOwn(STRATEGY_ADAPTERS, named)) return providerVariant();
  let schema = strategyOnly.get(named);
  if (!schema) {
    // One option of the variant: the same object schema, so the same issues; typed as the variant's union.
    schema = STRATEGY_ADAPTERS[named as StrategyName].schema(v) as unknown as ReturnType<typeof buildVariant>;
    strategyOnly.set(named, schema);
  }
  return schema;
});

const { nonEmpty } = schemaParts(v);

/** Provider names: letters, digits, `-` and `_`. */
export const PROVIDER_NAME = /^[a-z0-9][a-z0-9_-]*$/i;

const STORE_SETTINGS = `must be ${STORE_CHOICES}`;

const storeSetting = v.pipe(
  v.string(STORE_SETTINGS),
  v.check((s) => storeAdapterFor(s) !== undefined, STORE_SETTINGS),
);

/** The config file's schema (`tokensmith.config.yaml` / `.json`). */
export const configSchema = v.pipe(
  v.strictObject({
    defaultProvider: v.optional(nonEmpty),
    store: v.optional(storeSetting),
    providers: v.record(
      v.pipe(v.string(), v.regex(PROVIDER_NAME, 'provider names use letters, digits, - and _')),
      providerSchema,
      'must be a map of provider name to provider settings',
    ),
  }),
  v.forward(
    v.check((c) => Object.keys(c.providers).length > 0, 'providers must name at least one provider'),
    ['providers'],
  ),
  // Own properties only: `toString` or `constructor` is not a provider because every object inherits it.
  v.forward(
    v.check(
      (c) => c.defaultProvider === undefined || Object.hasOwn(c.providers, c.defaultProvider),
      'defaultProvider must be one of the names under providers',
    ),
    ['defaultProvider'],
  ),
);

/** A validated config. */
export type TokensmithConfig = v.InferOutput<typeof configSchema>;
/** One provider's validated settings. */
export type ProviderConfig = TokensmithConfig['providers'][string];
