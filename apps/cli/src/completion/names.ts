import type { GlobalOptions } from '../context.js';
import type { CliIO } from '../terminal/io.js';

// The names `tokensmith __complete` prints for the completion scripts: read from the config file's
// text alone. Nothing is validated, substituted, unlocked or sent: a Tab press must be quick, must
// not prompt (trust, a keychain), and must never print a secret, so only the keys of `providers`
// are read, and only those that are valid provider names (which also keeps shell syntax out).

/** The schema's PROVIDER_NAME (config/schema.ts, which loads valibot): a name outside it fails validation anyway. */
const PROVIDER_NAME = /^[a-z0-9][a-z0-9_-]*$/i;

/**
 * The provider names of the config a command would read (`--config`, `TOKENSMITH_CONFIG`, the
 * working directory's, the user's), in file order; the built-in demo's when there is none.
 *
 * @example
 * ```ts
 * await providerNames(io, { config: 'work.yaml' }); // ['github', 'mastodon']
 * ```
 */
export async function providerNames(io: CliIO, global: GlobalOptions): Promise<string[]> {
  const { findConfigFile } = await import('../config/load.js');
  const found = findConfigFile(global.config, io.cwd, io.env);
  if (!found) {
    // The demo's names are fixed; its config needs a URL and credentials only for their values.
    const { demoConfig } = await import('../demo/config.js');
    const placeholder = { clientId: '', clientSecret: '', consumerKey: '', consumerSecret: '' };
    const demo = demoConfig('http://127.0.0.1/', { app: placeholder, oauth1: placeholder, oauth2: placeholder, device: placeholder });
    return Object.keys(demo.providers);
  }
  const { parseConfigText, readConfigFile } = await import('../config/read.js');
  const raw = (await parseConfigText(readConfigFile(found.path).text, found.path)) as { providers?: unknown } | null;
  const providers = raw?.providers;
  if (!providers || typeof providers !== 'object' || Array.isArray(providers)) return [];
  return Object.keys(providers).filter((name) => PROVIDER_NAME.test(name));
}

/**
 * The account names of one provider, for `--account NAME` and `switch PROVIDER NAME`.
 *
 * THE HOOK FOR ACCOUNTS (issue 24, part 1): accounts are not built yet, so there are none to offer.
 * When they are, return the provider's account names here, from what can be read without a network
 * or a store unlock (the user config's default account, the store's index if it needs no unlock);
 * the bash, zsh and fish scripts already call `tokensmith __complete accounts PROVIDER`.
 *
 * @example
 * ```ts
 * await accountNames(io, {}, 'github'); // [] until accounts exist; then e.g. ['ada', 'ada-work']
 * ```
 */
export async function accountNames(_io: CliIO, _global: GlobalOptions, _provider: string): Promise<string[]> {
  return [];
}
