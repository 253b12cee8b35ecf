import type { TokensmithConfig, ProviderConfig } from './config-schema.js';
import { loadConfig, isReadableByOthers, CONFIG_FILE_NAMES } from './config-load.js';
import { CliError } from './cli-error.js';
import type { CliIO } from './io.js';
import { openStore, type OpenedStore } from './store.js';

/** Options every command shares. */
export interface GlobalOptions {
  config?: string;
  store?: string;
  verbose?: boolean;
}

/** A loaded config (file or built-in demo), its store and what to clean up. */
export interface CliContext {
  config: TokensmithConfig;
  /** The config file, or `built-in demo (embedded sandbox at URL)`. */
  source: string;
  demo: boolean;
  /** Opens the token store on first use (so config and usage errors come first). */
  store(): Promise<OpenedStore>;
  close(): Promise<void>;
}

/** Loads the config, or starts the embedded sandbox with the demo config when there is no config file. */
export async function openContext(options: GlobalOptions, io: CliIO, allowDemo = true): Promise<CliContext> {
  const loaded = await loadConfig(options.config, io.cwd, io.env);
  const closers: Array<() => Promise<void>> = [];
  let config: TokensmithConfig;
  let source: string;
  if (loaded) {
    config = loaded.config;
    source = loaded.path;
    if (loaded.literalSecrets.length > 0 && isReadableByOthers(loaded.path)) {
      io.stderr.write(`warning: ${loaded.path} holds literal secrets (${loaded.literalSecrets.join(', ')}) and is readable by other users; run chmod 600 on it or use \${ENV} references\n`);
    }
  } else {
    if (!allowDemo) throw new CliError('usage', `no config file found (looked for ${CONFIG_FILE_NAMES.join(', ')} in ${io.cwd}); pass --config PATH or run tokensmith init`);
    const { DEMO_CREDENTIALS } = await import('@tokensmith/sandbox');
    const { demoConfig } = await import('./demo-config.js');
    // The demo persists between runs: its own token file, and the embedded sandbox's memory (demo-sandbox.ts).
    const { startDemoSandbox } = await import('./demo-sandbox.js');
    const sandbox = await startDemoSandbox(io.env);
    closers.push(() => sandbox.stop());
    config = demoConfig(sandbox.url, DEMO_CREDENTIALS);
    source = `built-in demo (embedded sandbox at ${sandbox.url})`;
  }
  let opened: Promise<OpenedStore> | undefined;
  const setting = options.store ?? config.store ?? 'auto';
  return {
    config,
    source,
    demo: !loaded,
    store() {
      if (!opened) {
        const notice = (line: string) => io.stderr.write(`${line}\n`);
        opened = loaded
          ? openStore(setting, io.env, notice)
          : import('./demo-sandbox.js').then(({ demoTokenFile }) => openStore(setting, { ...io.env, TOKENSMITH_TOKEN_FILE: demoTokenFile(io.env) }, notice));
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

/** Resolves a provider name (or the default) to its config, with a helpful error. */
export function pickProvider(context: CliContext, name: string | undefined): { name: string; provider: ProviderConfig } {
  const names = Object.keys(context.config.providers);
  const chosen = name ?? context.config.defaultProvider ?? (names.length === 1 ? names[0] : undefined);
  if (chosen === undefined) throw new CliError('usage', `name a provider (one of ${names.join(', ')}) or set defaultProvider in ${context.source}`);
  const provider = context.config.providers[chosen];
  if (!provider) throw new CliError('usage', `unknown provider ${chosen}; configured: ${names.join(', ')}`);
  return { name: chosen, provider };
}
