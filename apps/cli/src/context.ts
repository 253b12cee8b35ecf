import type { TokensmithConfig, ProviderConfig } from './config/schema.js';
import { loadConfig, isReadableByOthers, configSearchPath, validateConfig, type ConfigOrigin, type LoadedConfig } from './config/load.js';
import { requireUsableHome } from './config/locate.js';
import { sanitizeForTerminal } from './terminal/safety.js';
import { closestName } from './config/suggest.js';
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
  /** `--account NAME`: the provider's account to use (accounts/resolve.ts). */
  account?: string;
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

/**
 * Refuses a working-directory config that needs trust, or asks on a terminal (as direnv's allow does).
 * Once allowed, the file (the same bytes already parsed, never a second read) is validated again with
 * its variables substituted.
 */
async function requireTrust(io: CliIO, loaded: LoadedConfig, options: GlobalOptions): Promise<void> {
  const check = loaded.trust;
  if (!check?.required) return;
  const { trustFile, trustReason } = await import('./config/trust.js');
  const reason = trustReason(loaded.path, check);
  const shownPath = sanitizeForTerminal(loaded.path);
  const { createPrompter, interactionMode } = await import('./login/prompter.js');
  // Never wait for a person who cannot answer (no terminal, CI, --no-input): fail with the command to run.
  if (interactionMode(io, options as { input?: boolean }).interactive && io.stderr.isTTY) {
    const prompter = createPrompter(io);
    let answer: string;
    try {
      answer = await prompter.ask(`${reason}.\nRead it first. Trust this file (at its current content) and use it? [y/N] `);
    } finally {
      prompter.close();
    }
    if (!/^y(es)?$/i.test(answer))
      throw new CliError(
        'usage',
        `not using ${shownPath}: not trusted. Run tokensmith trust once you have read it, or pass --config PATH for a config of your own`,
      );
    trustFile(loaded.path, io.env, loaded.sha256);
    Object.assign(
      loaded,
      { trust: { ...check, required: false } },
      await validateConfig(loaded.raw, loaded.path, io.env, { scope: 'in-use' }),
    );
    return;
  }
  throw new CliError(
    'usage',
    `${reason}; tokensmith uses such a file only once you trust it. Read it, then run: tokensmith trust (or pass --config ${shownPath} to use it this time)`,
  );
}

/** Loads the config, or starts the embedded sandbox with the demo config when there is no config file. */
export async function openContext(
  options: GlobalOptions,
  io: CliIO,
  settings: {
    allowDemo?: boolean;
    purpose?: ContextPurpose;
    /** Without a config file, no demo: an empty config and the real store (`login --instance`, a one-off that needs no config). */
    withoutConfig?: 'demo' | 'empty';
    /**
     * `login NAME --instance HOST`: the instance for a provider whose preset takes one (`preset:
     * mastodon`) and whose config names none. It comes from the person's command line, not the file.
     */
    instanceFor?: { provider: string; instance: string };
  } = {},
): Promise<CliContext> {
  // An empty or relative HOME would put the user's config, trust and token files under the working directory.
  requireUsableHome(io.env);
  // Listing commands validate every provider; the others only the one they use (and the default one).
  const loaded = await loadConfig(options.config, io.cwd, io.env, (settings.purpose ?? 'use') === 'use' ? 'in-use' : 'all');
  const closers: Array<() => Promise<void>> = [];
  let config: TokensmithConfig;
  let entries: ProviderEntry[];
  let source: string;
  if (loaded) {
    // The file's mode first: listing the literal secrets walks every provider.
    if (isReadableByOthers(loaded.path) && loaded.literalSecrets.length > 0) {
      io.stderr.write(
        `warning: ${sanitizeForTerminal(loaded.path)} holds literal secrets (${loaded.literalSecrets.join(', ')}) and is readable by other users; run chmod 600 on it or use \${ENV} references\n`,
      );
    }
    if ((settings.purpose ?? 'use') === 'use') await requireTrust(io, loaded, options);
    else if (loaded.trust?.required)
      io.stderr.write(
        `note: ${sanitizeForTerminal(loaded.path)} is not trusted yet, so its variables, store and URLs are not used; read it, then run tokensmith trust\n`,
      );
    if (settings.instanceFor && !loaded.trust?.required) {
      // The instance from the command line fills the preset's {instance}: validated again with it.
      const { withPresetInstance } = await import('./config/preset-merge.js');
      const raw = withPresetInstance(loaded.raw, settings.instanceFor.provider, settings.instanceFor.instance);
      if (raw !== loaded.raw) Object.assign(loaded, { raw }, await validateConfig(raw, loaded.path, io.env, { scope: 'in-use' }));
    }
    config = loaded.config;
    entries = loaded.entries;
    source = loaded.path;
  } else if (settings.withoutConfig === 'empty') {
    config = { providers: {} };
    entries = [];
    source = 'no config file (a one-off login)';
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
  // An untrusted file's store setting is never used: a command that opens the store asks for trust first (below).
  const untrustedStore = loaded?.trust?.required === true && loaded.trust.store !== undefined && options.store === undefined;
  const setting = options.store ?? (untrustedStore ? 'auto' : config.store) ?? 'auto';
  return {
    config,
    entries,
    source,
    origin: loaded?.origin,
    demo: !loaded && settings.withoutConfig !== 'empty',
    io,
    storeSetting: setting,
    store() {
      if (!opened) {
        const notice = (line: string) =>
          io.stderr.write(`${line}
`);
        // The demo keeps its tokens in a file of its own (never mixed with real ones), unless --store says otherwise.
        opened = loaded
          ? untrustedStore
            ? requireTrust(io, loaded, options).then(() =>
                openStore(options.store ?? loaded.config.store ?? 'auto', io.env, notice, io.signal),
              )
            : openStore(setting, io.env, notice, io.signal)
          : settings.withoutConfig === 'empty'
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

/** "is not set", "is empty", or both for several variables: an exported but empty variable is not a missing one. */
function unsetOrEmpty(names: string[], env: NodeJS.ProcessEnv): string {
  const empty = names.filter((name) => env[name] === '');
  const unset = names.filter((name) => env[name] !== '');
  if (names.length === 1) return empty.length ? 'is set but empty' : 'is not set';
  if (empty.length === 0) return 'are not set';
  if (unset.length === 0) return 'are set but empty';
  return `are not set or empty (${empty.join(', ')} empty)`;
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
    const suggestion = closestName(chosen, names);
    throw new CliError(
      'usage',
      `unknown provider ${chosen}${suggestion ? ` (did you mean ${suggestion}?)` : ''}; configured: ${names.join(', ')}${demo}`,
    );
  }
  if (!entry.config) {
    const list = entry.missing.join(', ');
    throw new CliError(
      'usage',
      `provider ${chosen} needs environment variable${entry.missing.length === 1 ? '' : 's'} ${list}, which ${unsetOrEmpty(entry.missing, context.io.env)} (${entry.missingFields.join(', ')} in ${sanitizeForTerminal(context.source)}); export ${entry.missing.map((v) => `${v}=...`).join(' ')} or write the value in the config`,
    );
  }
  if (context.origin === 'working-directory') {
    context.io.stderr.write(
      `using ${sanitizeForTerminal(context.source)}${entry.variables.length ? ` (provider ${chosen}; environment variables ${entry.variables.join(', ')})` : ` (provider ${chosen})`}\n`,
    );
  }
  rememberProvider(context.io, chosen, entry.config, context.storeSetting);
  return { name: chosen, provider: entry.config };
}
