import { createLoggingFetch, debugEnabled, type Credentials } from '@tokensmith/core/kit';
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
    /** Sees the store the provider uses (bridges/store-tap.ts: the key a provider reads). */
    /** Picks the provider from the loaded config instead of `name` (`credential`: the one serving git's host). */
    choose?: (context: CliContext) => string;
    tapStore?: (store: import('@tokensmith/core').TokenStore) => import('@tokensmith/core').TokenStore;
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
  const context = await openContext(global, io);
  const prompter = createPrompter(io);
  try {
    const picked = pickProvider(context, flags.choose?.(context) ?? name);
    if (context.demo) progress.succeed(`No config file found: using the ${context.source}`);
    const store = (await context.store()).forProvider(picked.provider);
    const built = await buildProvider(picked.provider, flags.tapStore?.(store) ?? store, {
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
      config: picked.provider,
      progress,
      provider,
      fetch: ownFetch,
      close: () => context.close(),
    });
  } finally {
    progress.stop();
    prompter.close();
    await context.close();
  }
}

/** What `status` and `login --json` say about stored credentials (never the tokens). */
export interface CredentialStatus {
  loggedIn: boolean;
  type?: 'bearer' | 'oauth1';
  expiresAt?: string | null;
  refreshable?: boolean;
  scopes?: string[];
  user?: string | null;
  /** Present (true) when the token is DPoP-bound (RFC 9449): it works only with proofs by the stored key. */
  dpopBound?: true;
}

/** Describes stored credentials without revealing them. */
export function describeCredentials(credentials: Credentials | undefined): CredentialStatus {
  if (!credentials) return { loggedIn: false };
  if (credentials.type === 'oauth1')
    return { loggedIn: true, type: 'oauth1', expiresAt: null, user: credentials.extra?.screen_name ?? null };
  return {
    loggedIn: true,
    type: 'bearer',
    expiresAt: credentials.expiresAt === undefined ? null : new Date(credentials.expiresAt).toISOString(),
    refreshable: credentials.refreshToken !== undefined,
    scopes: credentials.scope ?? [],
    ...(credentials.tokenType === 'DPoP' ? { dpopBound: true as const } : {}),
  };
}
