// Where the token file lives when no path is given.
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * The default token file: `$TOKENSMITH_TOKEN_FILE` if set, else
 * `${XDG_CONFIG_HOME:-~/.config}/tokensmith/tokens.json` (a relative XDG_CONFIG_HOME is ignored, as the XDG spec asks).
 *
 * @example
 * ```ts
 * defaultTokenFilePath({ HOME: '/home/me' }); // '/home/me/.config/tokensmith/tokens.json'
 * ```
 */
export function defaultTokenFilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TOKENSMITH_TOKEN_FILE) return resolve(env.TOKENSMITH_TOKEN_FILE);
  const xdg = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  return join(xdg, 'tokensmith', 'tokens.json');
}
