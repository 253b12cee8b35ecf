import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

// Where config files are looked for, apart from loading them: `--help` needs to know whether one
// exists (its examples differ) and must not load the config reader to find out.

/** File names searched in the working directory, in order. */
export const CONFIG_FILE_NAMES = ['tokensmith.config.yaml', 'tokensmith.config.yml', 'tokensmith.config.json'];

/** Where a config file was found: trust differs (a working directory may be someone else's clone). */
export type ConfigOrigin = 'explicit' | 'working-directory' | 'user';

/** The user-level config directory: `$XDG_CONFIG_HOME/tokensmith`, default `~/.config/tokensmith` (as gh does). */
export function userConfigDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
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

/**
 * The config file used without `--config`: the first of {@link CONFIG_FILE_NAMES} in `cwd`, else the
 * user-level `$XDG_CONFIG_HOME/tokensmith/config.yaml`; undefined when there is neither (the demo).
 */
export function findDefaultConfigFile(cwd: string, env: NodeJS.ProcessEnv = {}): { path: string; origin: ConfigOrigin } | undefined {
  const local = CONFIG_FILE_NAMES.map((name) => resolve(cwd, name)).find((path) => existsSync(path));
  if (local !== undefined) return { path: local, origin: 'working-directory' };
  const user = userConfigPath(env);
  return existsSync(user) ? { path: user, origin: 'user' } : undefined;
}
