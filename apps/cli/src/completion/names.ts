import { findConfigFile } from '../config/load.js';
import { parseConfigText, readConfigFile } from '../config/read.js';
import { demoConfig } from '../demo/config.js';
import { knownAccounts } from '../accounts/defaults.js';
import { isAccountName } from '../accounts/account-name.js';

// The names `tokensmith __complete` prints for the completion scripts: read from the config file's
// text alone. Nothing is validated, substituted, unlocked or sent: a Tab press must be quick, must
// not prompt (trust, a keychain), and must never print a secret, so only the keys of `providers`
// are read, and only those that are valid provider names (which also keeps shell syntax out).
// Static imports only: the launcher's quick path (quick/complete.ts) answers with this module too.

/** The schema's PROVIDER_NAME (config/schema.ts, which loads valibot): a name outside it fails validation anyway. */
const PROVIDER_NAME = /^[a-z0-9][a-z0-9_-]*$/i;

/**
 * The provider names of the config a command would read (`--config`, `TOKENSMITH_CONFIG`, the
 * working directory's, the user's), in file order; the built-in demo's when there is none.
 *
 * @example
 * ```ts
 * await providerNames({ config: 'work.yaml' }, process.cwd(), process.env); // ['github', 'mastodon']
 * ```
 */
export async function providerNames(global: { config?: string | undefined }, cwd: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const found = findConfigFile(global.config, cwd, env);
  if (!found) {
    // The demo's names are fixed; its config needs a URL and credentials only for their values.
    const placeholder = { clientId: '', clientSecret: '', consumerKey: '', consumerSecret: '' };
    const demo = demoConfig('http://127.0.0.1/', { app: placeholder, oauth1: placeholder, oauth2: placeholder, device: placeholder });
    return Object.keys(demo.providers);
  }
  const raw = (await parseConfigText(readConfigFile(found.path).text, found.path)) as { providers?: unknown } | null;
  const providers = raw?.providers;
  if (!providers || typeof providers !== 'object' || Array.isArray(providers)) return [];
  return Object.keys(providers).filter((name) => PROVIDER_NAME.test(name));
}

/**
 * The account names of one provider, for `--account NAME` and `switch PROVIDER NAME`: the recorded
 * default and the accounts logged in here, from the accounts file alone (names only; no store is
 * opened or unlocked), filtered to valid account names like the provider names.
 *
 * @example
 * ```ts
 * await accountNames({}, process.cwd(), process.env, 'github'); // e.g. ['ada', 'ada-work']
 * ```
 */
export async function accountNames(
  _global: { config?: string | undefined },
  _cwd: string,
  env: NodeJS.ProcessEnv,
  provider: string,
): Promise<string[]> {
  return Promise.resolve(knownAccounts(env, provider).filter((name) => isAccountName(name)));
}

/**
 * The names `tokensmith __complete WHAT [PROVIDER]` prints: `providers`, or `accounts PROVIDER`
 * (anything else: none).
 *
 * @example
 * ```ts
 * await completionNames(['providers'], {}, process.cwd(), process.env); // ['github', 'mastodon']
 * ```
 */
export async function completionNames(
  args: readonly string[],
  global: { config?: string | undefined },
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<string[]> {
  const [what, provider] = args;
  if (what === 'providers' && provider === undefined) return providerNames(global, cwd, env);
  if (what === 'accounts' && provider !== undefined) return accountNames(global, cwd, env, provider);
  return [];
}
