import type { Valibot } from '../config/schema-parts.js';
import type { AnyStrategyAdapter } from './adapter.js';
import { authorizationCode } from './authorization-code.js';
import { clientCredentials } from './client-credentials.js';
import { deviceCode } from './device-code.js';
import { jwtBearer } from './jwt-bearer.js';
import { oauth1Pin } from './oauth1-pin.js';
import { tokenExchange } from './token-exchange.js';

/**
 * Every strategy the CLI knows: a new strategy is one adapter module and one line here. The config
 * schema, `init`, the hints and every command read this list, through the table below.
 */
const ADAPTERS = [clientCredentials, oauth1Pin, authorizationCode, deviceCode, tokenExchange, jwtBearer] as const;

/** A strategy name. */
export type StrategyName = (typeof ADAPTERS)[number]['name'];

/** The adapters by their `strategy:` name, each with its precise config type (filed under its own name, so no slip is possible). */
export const STRATEGY_ADAPTERS = Object.fromEntries(ADAPTERS.map((adapter) => [adapter.name, adapter])) as {
  [A in (typeof ADAPTERS)[number] as A['name']]: A;
};

/** The registry as the commands use it: one adapter per strategy, the compiler holding it complete. */
export const STRATEGIES_BY_NAME: Record<StrategyName, AnyStrategyAdapter> = STRATEGY_ADAPTERS;

/** The strategy names, in the registry's order. */
export const STRATEGIES: readonly StrategyName[] = ADAPTERS.map((adapter) => adapter.name);

/** The adapter of a provider's strategy (its config was validated, so the name is one of the registry's). */
export function strategyAdapter(strategy: string): AnyStrategyAdapter {
  if (!Object.hasOwn(STRATEGY_ADAPTERS, strategy)) throw new Error(`unknown strategy ${strategy}`);
  return STRATEGIES_BY_NAME[strategy as StrategyName];
}

/** Every adapter's config schema, built from the valibot module given, for the config's `v.variant` over `strategy`. */
export function strategySchemas(valibot: Valibot) {
  return ADAPTERS.map((adapter): ReturnType<(typeof ADAPTERS)[number]['schema']> => adapter.schema(valibot));
}
