import type * as v from 'valibot';
import type { Credentials, InteractiveTokenProvider, ManagedTokenProvider, TokenStore } from '@tokensmith/core';
import type { InteractionMode, Prompter } from '../login/prompter.js';
import type { Person } from '../login/person.js';
import type { CliIO, Progress } from '../terminal/io.js';

/** What the interactive strategies need from the terminal. */
export interface InteractionOptions {
  io: CliIO;
  progress: Progress;
  prompter: Prompter;
  /** Open the browser (default true; `--no-browser` sets false). */
  browser: boolean;
  /** The fetch the strategies use (a logging one under --verbose). */
  fetch?: typeof fetch;
  /** Whether a person can answer (default: decided from `io`). */
  mode?: InteractionMode;
  /** The provider's config name, for the commands messages name. */
  providerName?: string;
  /**
   * `use` (default): a command that needs tokens; without a person it fails at once with
   * `login_required` instead of starting a login nobody can finish. `login`: the login command.
   */
  purpose?: 'use' | 'login';
  /** `--json`: a device code is announced as one line of JSON on stdout. */
  json?: boolean;
  /** Whether a provider without `clientId` may register one now, and what its server is known to be. */
  registration?: import('../registration/policy.js').RegistrationPolicy;
}

/** A provider built from config, interactive or not; every strategy stores its tokens. */
export type BuiltProvider = ManagedTokenProvider | InteractiveTokenProvider;

/** What an adapter's `build` gets besides its config and the store: the interaction, decided once. */
export interface BuildContext {
  interaction: InteractionOptions;
  person: Person;
  /** No person can answer and the command only needs tokens: a login must not start. */
  unattended: boolean;
  /** The options every strategy package takes the same way (fetch, refresh skew, timeout). */
  shared: { fetch?: typeof fetch; refreshSkewSeconds?: number; timeoutMs?: number };
}

/** The `login` command's flags an adapter may act on. */
export interface LoginFlags {
  browser?: boolean;
  pin?: string;
  json?: boolean;
  /** `--with-token`: the token comes on stdin (issued elsewhere), no login runs. */
  withToken?: boolean;
  /** `--expires-in SECONDS` for a token given with `--with-token`. */
  expiresIn?: string;
  /** `--instance HOST`: the Mastodon instance to log in to (a configured provider's, or a one-off). */
  instance?: string;
}

/** One run of `tokensmith login`, as the adapter's login interaction sees it. */
export interface LoginSession<C> {
  io: CliIO;
  name: string;
  config: C;
  provider: BuiltProvider;
  progress: Progress;
  mode: InteractionMode;
  flags: LoginFlags;
  /** `--no-input` was given. */
  noInput: boolean;
  /** The built-in demo (its embedded sandbox ends with this process). */
  demo: boolean;
  /** What the adapter's `prepareLogin` returned (before the provider was built). */
  prepared: unknown;
  /** Prints the login's result (text, or JSON with --json). */
  print(credentials: Credentials): void;
}

/**
 * Builds the valibot schema of one strategy's provider settings (an object with `strategy` as its
 * literal) from the valibot module given: adapters do not import valibot themselves, so the
 * registry costs nothing at start-up (config/schema.ts, loaded lazily, hands it in).
 */
export type StrategySchema = (valibot: typeof v) => v.VariantOptions<'strategy'>[number];

/** The config type a strategy's schema validates. */
export type ConfigOf<S extends StrategySchema> = v.InferOutput<ReturnType<S>>;

/**
 * Everything the CLI knows about one strategy, in one place: its config, how to build it, how a
 * person logs in with it, and what other commands show about it. Commands ask the registry
 * (strategies/index.ts) for the adapter of a provider's `strategy`; none tests the name itself.
 */
export interface StrategyAdapter<N extends string = string, S extends StrategySchema = StrategySchema> {
  /** The `strategy:` value in the config. */
  name: N;
  /** The provider settings' schema fragment, built from valibot (a strict object with `strategy: v.literal(name)`). */
  schema: S;
  /** The commented starter config `tokensmith init --strategy NAME` writes (after the common header). */
  starter: string;
  /** One line for help pages: what the strategy is for. */
  help: string;
  /** Config fields holding a secret: written literally (not `${ENV}`) in a file, they are reported. */
  secretFields: readonly string[];
  /**
   * Secret fields that may hold the path of a file with the secret instead (`privateKey`): a path
   * is no literal secret, but it is a location, so a working-directory config naming one needs trust.
   */
  keyFileFields?: readonly string[];
  /** The fields that identify the app, named when the provider refuses its credentials. */
  credentialFields: readonly string[];
  /** The credential fields of this very config, when they depend on it (`private_key_jwt` names `privateKey` and `keyId`). */
  credentialFieldsOf?(config: ConfigOf<S>): readonly string[];
  /** The field that lists the scopes (`scope` or `scopes`), named when the provider refuses them. */
  scopeField: string;
  /**
   * The fields that supply the grant itself on every request (a subject token, an assertion), named
   * when the provider answers `invalid_grant`. Without them, `invalid_grant` means a stored grant
   * that a new login replaces.
   */
  grantFields?: readonly string[];
  /** The fields that name what the token is for (`audience`, `resource`), named when the provider answers `invalid_target` (RFC 8693, RFC 8707). */
  targetFields?: readonly string[];
  /** The user `status` names for stored credentials (from the token response; display only), if the strategy can tell. */
  statusUser?: (credentials: Credentials) => string | undefined;
  /**
   * How `tokensmith refresh` renews its tokens: `refresh-token` (the stored refresh token; without
   * one, a new login), `app-token` (a new token from the app's own credentials, no person needed),
   * `login-only` (its tokens neither expire nor renew: only a new login replaces them).
   */
  renewal: 'refresh-token' | 'app-token' | 'login-only';
  /**
   * The scopes its config asks for, and the config asking for more (`refresh --scopes`). Absent for
   * a strategy without scopes (OAuth 1.0a).
   */
  scopes?: {
    of(config: ConfigOf<S>): string[];
    with(config: ConfigOf<S>, scopes: readonly string[]): ConfigOf<S>;
  };
  /** App-only (no user): a timeline call must name a user. */
  appOnly: boolean;
  /** What its tokens are: a bearer token (usable on its own), or OAuth 1.0a credentials that sign each request. */
  tokenType: 'bearer' | 'oauth1';
  /** The login hint for scripts: `login` alone, or a form that works without a terminal too. */
  loginHint(name: string, when?: string): string;
  /**
   * The key its strategy package stores tokens under (core's `tokenKey`), from the config alone:
   * `status` finds stored tokens with it without loading the strategy's flow.
   */
  storeKey(config: ConfigOf<S>): Promise<string>;
  /** Builds the provider (the strategy package is imported only here, lazily). */
  build(config: ConfigOf<S>, store: TokenStore, context: BuildContext): Promise<BuiltProvider>;
  /**
   * Checks the login flags before anything is built (e.g. `--pin` needs a pending login); what it
   * returns reaches `login` as `prepared`. Without it, `--pin` is refused.
   */
  prepareLogin?(name: string, config: ConfigOf<S>, flags: LoginFlags, env: NodeJS.ProcessEnv): unknown;
  /** The login interaction; without it, the default (log in, or request a token, and print). */
  login?(session: LoginSession<ConfigOf<S>>): Promise<void>;
  /**
   * `login --instance HOST` (a Mastodon-type strategy): its settings moved to the instance (`origin`),
   * or, with none configured, a one-off provider there. A strategy without it takes no instance.
   */
  onInstance?(origin: string, config?: ConfigOf<S>): ConfigOf<S>;
  /** `login --json` prints line-delimited events (the device code, then the result) instead of one document. */
  jsonLines?: boolean;
}

/** Any adapter of the registry (each adapter's config type differs; the registry holds them all). */
export type AnyStrategyAdapter = StrategyAdapter<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Whether a provider runs a login flow with a person. */
export function isInteractive(provider: BuiltProvider): provider is InteractiveTokenProvider {
  return typeof (provider as Partial<InteractiveTokenProvider>).login === 'function';
}

/** Declares an adapter, inferring its name and schema types. */
export function defineStrategy<N extends string, S extends StrategySchema>(adapter: StrategyAdapter<N, S>): StrategyAdapter<N, S> {
  return adapter;
}
