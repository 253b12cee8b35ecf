import { createLoggingFetch, debugEnabled } from '@tokensmith/core/kit';
import { createProgress, type CliIO, type Progress } from './terminal/io.js';
import type { CliContext, GlobalOptions } from './context.js';

/** Under --verbose or DEBUG=tokensmith*, a fetch that logs every request to stderr with secrets masked. */
export function verboseFetch(io: CliIO, global: GlobalOptions): typeof fetch | undefined {
  if (!global.verbose && !debugEnabled(io.env.DEBUG)) return undefined;
  return createLoggingFetch((line) => io.stderr.write(`tokensmith:http ${line}\n`));
}

/** What a provider command works with. */
export interface ProviderSession {
  /**
   * The fetch for the command's own requests: the logging fetch under --verbose, else one over
   * node:http (http/fetch.ts: Node's fetch, undici, would cost ~30 ms and ~35 MiB at start-up).
   */
  fetch: typeof fetch;
  context: CliContext;
  name: string;
  /** The picked provider's settings, as validated (the same object pickProvider found by name). */
  config: import('./config/schema.js').ProviderConfig;
  progress: Progress;
  provider: import('./strategies/build-provider.js').BuiltProvider;
  /** The account the command works with (accounts/resolve.ts). */
  account: import('./accounts/resolve.js').ResolvedAccount;
  close(): Promise<void>;
}

/** Loads the config, picks the provider, opens its store and builds its strategy for one command. */
export async function withProvider<T>(
  io: CliIO,
  global: GlobalOptions,
  name: string | undefined,
  flags: {
    json?: boolean;
    browser?: boolean;
    pin?: string;
    login?: boolean;
    /** A helper other programs call (`credential`, `exec`, `token`): no progress lines. */
    quiet?: boolean;
    /** The account to use, over `--account` and `TOKENSMITH_ACCOUNT` (`logout --all` goes through each). */
    account?: string;
    /** Sees the store the provider uses (bridges/store-tap.ts: the key a provider reads). */
    /** Picks the provider from the loaded config instead of `name` (`credential`: the one serving git's host). */
    choose?: (context: CliContext) => string;
    /** Makes the provider's settings instead of looking `name` up as is (`login --instance`: a provider on another instance, or a one-off). */
    pick?: (context: CliContext) => { name: string; provider: import('./config/schema.js').ProviderConfig };
    /** Without a config file: the built-in demo (default), or an empty config with the real store (a one-off `--instance` login). */
    withoutConfig?: 'demo' | 'empty';
    /** `login NAME --instance HOST` for a configured provider whose preset takes an instance (context.ts). */
    instanceFor?: { provider: string; instance: string };
    tapStore?: (store: import('@tokensmith/core').TokenStore) => import('@tokensmith/core').TokenStore;
    /**
     * The provider settings to build from, given the picked ones (`refresh --scopes`: the same
     * provider asking for more scopes). The store stays bound to the picked provider's endpoints.
     */
    configure?: (picked: {
      name: string;
      provider: import('./config/schema.js').ProviderConfig;
    }) => import('./config/schema.js').ProviderConfig;
    prepare?: (picked: {
      name: string;
      provider: import('./config/schema.js').ProviderConfig;
    }) => Promise<Partial<import('./strategies/build-provider.js').InteractionOptions>>;
  },
  fn: (session: ProviderSession) => Promise<T>,
): Promise<T> {
  const { openContext, pickProvider } = await import('./context.js');
  const { buildProvider } = await import('./strategies/build-provider.js');
  const { createPrompter, interactionMode } = await import('./login/prompter.js');
  const progress = createProgress(io, flags.quiet === true);
  const httpLog = verboseFetch(io, global);
  const context = await openContext(global, io, {
    ...(flags.withoutConfig ? { withoutConfig: flags.withoutConfig } : {}),
    ...(flags.instanceFor ? { instanceFor: flags.instanceFor } : {}),
  });
  const prompter = createPrompter(io);
  try {
    const picked = flags.pick ? flags.pick(context) : pickProvider(context, flags.choose?.(context) ?? name);
    if (flags.pick) {
      const { rememberProvider } = await import('./hints/explain.js');
      rememberProvider(io, picked.name, picked.provider, context.storeSetting);
    }
    if (context.demo) progress.succeed(`No config file found: using the ${context.source}`);
    const { resolveAccount } = await import('./accounts/resolve.js');
    // Below the account, the endpoint binding: every key a provider uses is bound to its endpoints.
    const account = await resolveAccount((await context.store()).forProvider(picked.provider), picked, {
      flag: flags.account ?? global.account,
      env: io.env,
      purpose: flags.login ? 'login' : 'use',
    });
    const store = account.store;
    const settings = flags.configure?.(picked) ?? picked.provider;
    const built = await buildProvider(settings, flags.tapStore?.(store) ?? store, {
      io,
      progress,
      prompter,
      browser: flags.browser !== false,
      mode: interactionMode(io, global as { input?: boolean }),
      providerName: picked.name,
      purpose: flags.login ? 'login' : 'use',
      json: flags.json === true,
      ...(httpLog === undefined ? {} : { fetch: httpLog }),
      ...(await flags.prepare?.(picked)),
    });
    // TOKENSMITH_<NAME>_TOKEN stands in for the store (a CI secret); never stored (bridges/env-override.ts).
    const { overrideToken, withOverride } = await import('./bridges/env-override.js');
    const override = flags.login ? undefined : overrideToken(io.env, picked.name);
    const provider = override ? withOverride(built, override) : built;
    const { nodeHttpFetch } = await import('./http/fetch.js');
    const ownFetch = httpLog ?? nodeHttpFetch;
    return await fn({
      context,
      name: picked.name,
      config: settings,
      progress,
      provider,
      account,
      fetch: ownFetch,
      close: () => context.close(),
    });
  } finally {
    progress.stop();
    prompter.close();
    await context.close();
  }
}
