import type { TokenStore } from '@tokensmith/core';

/** Writes one line to the user (stderr). */
export type Notice = (line: string) => void;

/**
 * Which store holds the tokens, as `status` shows it: the kind, the file's path for a token file,
 * a Redis URL with its password masked, the keychain's service.
 *
 * @example
 * ```ts
 * const where: StoreDescription = { kind: 'file', path: '/home/ada/.config/tokensmith/tokens.json' };
 * ```
 */
export interface StoreDescription {
  kind: StoreKind;
  /** The token file, the masked Redis URL or the keychain service. */
  path?: string;
}

/** The kinds of store the CLI knows, one adapter each (stores/index.ts). */
export type StoreKind = 'memory' | 'file' | 'keychain' | 'redis' | 'auto';

/**
 * A store and how to release it.
 *
 * @example
 * ```ts
 * const opened = await openStore('file', process.env);
 * const store = opened.forProvider(providerSettings); // bound to that provider's endpoints
 * await opened.close();
 * ```
 */
export interface OpenedStore {
  /** The whole store: inventory and the way out of corrupt storage (`reset`). Providers use {@link forProvider}. */
  store: TokenStore;
  /** The store as one provider sees it: its keys bound to every endpoint of `settings` (stores/endpoint-binding.ts). */
  forProvider(settings: object): TokenStore;
  /**
   * Whether a reader of many keys should ask each key (`get`) rather than list the store once: the
   * keychain's listing leaves out a key it cannot read (two items for one account), which `get`
   * names. Listing is what the file, memory and Redis stores do best.
   */
  readOneByOne?: boolean;
  /** Which store holds the tokens, structured. */
  where: StoreDescription;
  /** The same for people (`status` prints it): `keychain (service tokensmith)`, `file /path`, ... */
  description: string;
  close(): Promise<void>;
}

/** What an adapter's `open` returns; the registry adds the provider binding. */
export type StoreOpening = Omit<OpenedStore, 'forProvider'>;

/**
 * One kind of token store as the CLI offers it: which settings name it, how it opens, how it is
 * described, its line in `init`'s config header and in the list of choices. Adding a store is one
 * adapter module and one line in stores/index.ts.
 *
 * @example
 * ```ts
 * const memory: StoreAdapter = {
 *   kind: 'memory',
 *   choice: "'memory'",
 *   help: [['memory', 'nothing kept after the command']],
 *   matches: (setting) => setting === 'memory',
 *   open: async () => ({ store: new MemoryStore(), where: { kind: 'memory' }, description: 'memory', close: async () => {} }),
 * };
 * ```
 */
export interface StoreAdapter {
  kind: StoreKind;
  /** How the settings it accepts are written in the list of choices (`--store must be ...`). */
  choice: string;
  /** Its lines in the config header `init` writes: the setting as written, and what it means. */
  help: ReadonlyArray<readonly [setting: string, meaning: string]>;
  /** Whether `setting` names this store. */
  matches(setting: string): boolean;
  /** Opens it. `notice` tells the user one line (stderr); `signal` (SIGINT/SIGTERM) cancels a wait. */
  open(setting: string, env: NodeJS.ProcessEnv, notice: Notice, signal?: AbortSignal): Promise<StoreOpening>;
}
