import type { TokensmithConfig, ProviderConfig } from './config/schema.js';
import { loadConfig, isReadableByOthers, configSearchPath, type ConfigOrigin } from './config/load.js';
import type { ProviderEntry } from './config/providers.js';
import { CliError } from './cli-error.js';
import type { CliIO } from './terminal/io.js';
import { rememberProvider } from './hints/explain.js';
import { openStore, type OpenedStore } from './stores/open.js';

/** Options every command shares. */
export interface GlobalOptions {
  config?: string;
  store?: string;
  verbose?: boolean;
}

/** A loaded config (file or built-in demo), its store and what to clean up. */
export interface CliContext {
  /** The config; `providers` holds the providers whose `${ENV}` variables are all set. */
  config: TokensmithConfig;
  /** Every provider in file order, resolved or not (see {@link ProviderEntry}). */
  entries: ProviderEntry[];
  /** The config file, or `built-in demo (embedded sandbox at URL)`. */
  source: string;
  /** Where the config file was found (undefined for the demo). */
  origin: ConfigOrigin | undefined;
  demo: boolean;
  io: CliIO;
  /** The store setting in effect (`--store`, else the config's, else `auto`). */
  storeSetting: string;
  /** Opens the token store on first use (so config and usage errors come first). */
  store(): Promise<OpenedStore>;
  close(): Promise<void>;
}

/** What a command does with the config: `use` contacts providers (a working-directory file must be trusted); `inspect` only lists. */
export type ContextPurpose = 'use' | 'inspect';

/** Refuses a working-directory config that needs trust, or asks on a terminal (as direnv's allow does). */
async function requireTrust(io: CliIO, loaded: NonNullable<Awaited<ReturnType<typeof loadConfig>>>, options: GlobalOptions): Promise<void> {
  const { checkTrust, trustFile, trustReason } = await import('./config/trust.js');
  const check = checkTrust(loaded, io.env);
  if (!check.required) return;
  const reason = trustReason(loaded.path, check);
  const { createPrompter, interactionMode } = await import('./login/prompter.js');
  // Never wait for a person who cannot answer (no terminal, CI, --no-input): fail with the command to run.
  if (interactionMode(io, options as { input?: boolean }).interactive && io.stderr.isTTY) {
    const prompter = createPrompter(io);
    try {
      const answer = await prompter.ask(`${reason}.\nRead it first. Trust this file (at its current content) and use it? [y/N] `);
      if (/^y(es)?$/i.test(answer)) {
        trustFile(loaded.path, io.env);
        return;
      }
    } finally {
      prompter.close();
    }
    throw new CliError(
      'usage',
      `not using ${loaded.path}: not trusted. Run tokensmith trust once you have read it, or pass --config PATH for a config of your own`,
    );
  }
  throw new CliError(
    'usage',
    `${reason}; tokensmith uses such a file only once you trust it. Read it, then run: tokensmith trust (or pass --config ${loaded.path} to use it this time)`,
  );
}

/** Loads the config, or starts the embedded sandbox with the demo config when there is no config file. */
export async function openContext(
  options: GlobalOptions,
  io: CliIO,
  settings: { allowDemo?: boolean; purpose?: ContextPurpose } = {},
): Promise<CliContext> {
  const loaded = await loadConfig(options.config, io.cwd, io.env);
  const closers: Array<() => Promise<void>> = [];
  let config: TokensmithConfig;
  let entries: ProviderEntry[];
  let source: string;
  if (loaded) {
    config = loaded.config;
    entries = loaded.entries;
    source = loaded.path;
    if (loaded.literalSecrets.length > 0 && isReadableByOthers(loaded.path)) {
      io.stderr.write(
        `warning: ${loaded.path} holds literal secrets (${loaded.literalSecrets.join(', ')}) and is readable by other users; run chmod 600 on it or use \${ENV} references\n`,
      );
    }
    if ((settings.purpose ?? 'use') === 'use') await requireTrust(io, loaded, options);
  } else {
    if (settings.allowDemo === false)
      throw new CliError(
        'usage',
        `no config file found (looked for ${configSearchPath(io.cwd, io.env).join(', ')}); pass --config PATH or run tokensmith init`,
      );
    const { DEMO_CREDENTIALS } = await import('@tokensmith/sandbox');
    const { demoConfig } = await import('./demo/config.js');
    // The demo persists between runs: its own token file, and the embedded sandbox's memory (demo/sandbox.ts).
    const { startDemoSandbox } = await import('./demo/sandbox.js');
    const sandbox = await startDemoSandbox(io.env);
    closers.push(() => sandbox.stop());
    config = demoConfig(sandbox.url, DEMO_CREDENTIALS);
    entries = Object.entries(config.providers).map(([name, provider]) => ({
      name,
      strategy: provider.strategy,
      config: provider,
      missing: [],
      missingFields: [],
      variables: [],
    }));
    source = `built-in demo (embedded sandbox at ${sandbox.url})`;
  }
  let opened: Promise<OpenedStore> | undefined;
  const setting = options.store ?? config.store ?? 'auto';
  return {
    config,
    entries,
    source,
    origin: loaded?.origin,
    demo: !loaded,
    io,
    storeSetting: setting,
    store() {
      if (!opened) {
        const notice = (line: string) =>
          io.stderr.write(`${line}
`);
        // The demo keeps its tokens in a file of its own (never mixed with real ones), unless --store says otherwise.
        opened = loaded
          ? openStore(setting, io.env, notice, io.signal)
          : import('./demo/sandbox.js').then(({ demoTokenFile }) =>
              openStore(options.store ?? 'file', { ...io.env, TOKENSMITH_TOKEN_FILE: demoTokenFile(io.env) }, notice, io.signal),
            );
        const pending = opened;
        closers.unshift(async () => (await pending.catch(() => undefined))?.close());
      }
      return opened;
    },
    close: async () => {
      for (const close of closers) await close();
    },
  };
}

/**
 * Resolves a provider name (or the default) to its config, with a helpful error. Names are looked
 * up as own entries only (`constructor` or `toString` is not a provider). For a config found in the
 * working directory, says on stderr which file and which variables are used.
 */
export function pickProvider(context: CliContext, name: string | undefined): { name: string; provider: ProviderConfig } {
  const names = context.entries.map((entry) => entry.name);
  const chosen = name ?? context.config.defaultProvider ?? (names.length === 1 ? names[0] : undefined);
  if (chosen === undefined)
    throw new CliError('usage', `name a provider (one of ${names.join(', ')}) or set defaultProvider in ${context.source}`);
  const entry = context.entries.find((candidate) => candidate.name === chosen);
  if (!entry) {
    const demo = context.demo ? ` (no config file found, so these are the built-in demo's; run tokensmith init to configure your own)` : '';
    throw new CliError('usage', `unknown provider ${chosen}; configured: ${names.join(', ')}${demo}`);
  }
  if (!entry.config) {
    const list = entry.missing.join(', ');
    throw new CliError(
      'usage',
      `provider ${chosen} needs environment variable${entry.missing.length === 1 ? '' : 's'} ${list}, which ${entry.missing.length === 1 ? 'is' : 'are'} not set (${entry.missingFields.join(', ')} in ${context.source}); export ${entry.missing.map((v) => `${v}=...`).join(' ')} or write the value in the config`,
    );
  }
  if (context.origin === 'working-directory') {
    context.io.stderr.write(
      `using ${context.source}${entry.variables.length ? ` (provider ${chosen}; environment variables ${entry.variables.join(', ')})` : ` (provider ${chosen})`}\n`,
    );
  }
  rememberProvider(context.io, chosen, entry.config, context.storeSetting);
  return { name: chosen, provider: entry.config };
}
