import type { TokenStore } from '@tokensmith/core';
import type { ProviderConfig } from '../config/schema.js';
import { interactionMode } from '../login/prompter.js';
import type { Person } from '../login/person.js';
import type { BuildContext, BuiltProvider, InteractionOptions } from './adapter.js';
import { strategyAdapter } from './index.js';

export { isInteractive, type BuiltProvider, type InteractionOptions } from './adapter.js';

/** Builds the strategy named by the provider's config (its adapter loads the strategy package only now). */
export async function buildProvider(config: ProviderConfig, store: TokenStore, interaction: InteractionOptions): Promise<BuiltProvider> {
  const { io, progress, prompter } = interaction;
  const mode = interaction.mode ?? interactionMode(io);
  const person: Person = {
    io,
    progress,
    prompter,
    mode,
    providerName: interaction.providerName ?? '<provider>',
    browser: interaction.browser,
    signal: io.signal,
    shown: new Set(),
  };
  const context: BuildContext = {
    interaction,
    person,
    unattended: !mode.interactive && (interaction.purpose ?? 'use') === 'use',
    shared: {
      ...(interaction.fetch === undefined ? {} : { fetch: interaction.fetch }),
      ...(config.refreshSkewSeconds === undefined ? {} : { refreshSkewSeconds: config.refreshSkewSeconds }),
      ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
    },
  };
  return strategyAdapter(config.strategy).build(config, store, context);
}
