import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { CliError } from '../cli-error.js';
import { sanitizeForTerminal } from '../terminal/safety.js';

// Where config files are looked for, apart from loading them: `--help` needs to know whether one
// exists (its examples differ) and must not load the config reader to find out.

/** File names searched in the working directory, in order. */
export const CONFIG_FILE_NAMES = ['tokensmith.config.yaml', 'tokensmith.config.yml', 'tokensmith.config.json'];

/** Where a config file was found: trust differs (a working directory may be someone else's clone). */
export type ConfigOrigin = 'explicit' | 'working-directory' | 'user';

/**
 * Refuses an empty or relative `HOME`. `join('', '.config')` is `.config`: the user's config, the
 * trust file and the token file would resolve under the working directory, where a cloned
 * repository's `.config/tokensmith/config.yaml` would be read as the user's own, always-trusted
 * config. Refusing (rather than guessing another home) says what is wrong and how to fix it.
 *
 * @example
 * ```ts
 * requireUsableHome({ HOME: '/home/ada' }); // fine
 * requireUsableHome({ HOME: '' }); // throws a usage error naming HOME
 * ```
 */
export function requireUsableHome(env: NodeJS.ProcessEnv): void {
  const home = env.HOME;
  if (home === undefined || isAbsolute(home)) return;
  throw new CliError(
    'usage',
    `HOME is ${home === '' ? 'empty' : `a relative path (${sanitizeForTerminal(home)})`}, so your config, trust and token files would resolve under the working directory; set HOME to your home directory's absolute path (export HOME=/home/you) and run again`,
  );
}

/** The home directory: `HOME` when absolute (an empty or relative one is refused), else the OS's. */
export function homeDirectory(env: NodeJS.ProcessEnv): string {
  requireUsableHome(env);
  return env.HOME ?? homedir();
}

/** The user-level config directory: `$XDG_CONFIG_HOME/tokensmith`, default `~/.config/tokensmith` (as gh does). */
export function userConfigDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(homeDirectory(env), '.config');
  return join(base, 'tokensmith');
}

/** The user-level config file, `$XDG_CONFIG_HOME/tokensmith/config.yaml`. */
export function userConfigPath(env: NodeJS.ProcessEnv): string {
  return join(userConfigDir(env), 'config.yaml');
}

/** Every place a config is looked for, in order (for messages). */
export function configSearchPath(cwd: string, env: NodeJS.ProcessEnv): string[] {
  return [...CONFIG_FILE_NAMES.map((name) => resolve(cwd, name)), userConfigPath(env)];
}

/** The environment variable naming the config file when `--config` is not given (the flag wins). */
export const CONFIG_ENV = 'TOKENSMITH_CONFIG';

/**
 * The config file `TOKENSMITH_CONFIG` names (resolved against `cwd`; empty counts as unset), whether
 * or not it exists. It is the user's own choice, as `--config` is, except for a file inside the
 * working directory: a repository's environment loader (direnv, mise, a dotenv script) may have set
 * the variable there, so such a file is trust-checked as a working-directory config is (config/trust.ts).
 *
 * @example
 * ```ts
 * configFromEnvironment('/work/app', { TOKENSMITH_CONFIG: '/home/ada/work.yaml' }); // { path: '/home/ada/work.yaml', origin: 'explicit' }
 * configFromEnvironment('/work/app', { TOKENSMITH_CONFIG: 'ci.yaml' }); // { path: '/work/app/ci.yaml', origin: 'working-directory' }
 * ```
 */
export function configFromEnvironment(cwd: string, env: NodeJS.ProcessEnv): { path: string; origin: ConfigOrigin } | undefined {
  const named = env[CONFIG_ENV];
  if (named === undefined || named === '') return undefined;
  const path = resolve(cwd, named);
  const fromHere = relative(resolve(cwd), path);
  const inside = fromHere === '' || (!fromHere.startsWith('..') && !isAbsolute(fromHere));
  return { path, origin: inside ? 'working-directory' : 'explicit' };
}

/**
 * The config file used without `--config`: the one `TOKENSMITH_CONFIG` names (see
 * {@link configFromEnvironment}), else the first of {@link CONFIG_FILE_NAMES} in `cwd`, else the
 * user-level `$XDG_CONFIG_HOME/tokensmith/config.yaml`; undefined when there is none (the demo).
 */
export function findDefaultConfigFile(cwd: string, env: NodeJS.ProcessEnv = {}): { path: string; origin: ConfigOrigin } | undefined {
  const named = configFromEnvironment(cwd, env);
  if (named !== undefined) return named;
  const local = CONFIG_FILE_NAMES.map((name) => resolve(cwd, name)).find((path) => existsSync(path));
  if (local !== undefined) return { path: local, origin: 'working-directory' };
  // With an unusable HOME there is no user config to find (commands refuse such a HOME before loading; --help just looks).
  const usable = env.HOME === undefined || isAbsolute(env.HOME) || Boolean(env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME));
  const user = usable ? userConfigPath(env) : undefined;
  return user !== undefined && existsSync(user) ? { path: user, origin: 'user' } : undefined;
}
