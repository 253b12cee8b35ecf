import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * The path of a `file:<path>` store setting (a token file of its own), or `undefined` when the
 * setting is not one or its path is not allowed. The path is absolute, or under the home directory
 * (`file:~/...`). A relative path is refused: it would depend on the directory a command runs in,
 * so the same config would see different tokens.
 *
 * @example
 * ```ts
 * tokenFileSetting('file:/srv/demo-tokens.json'); // '/srv/demo-tokens.json'
 * tokenFileSetting('file:tokens.json'); // undefined
 * ```
 */
export function tokenFileSetting(setting: string): string | undefined {
  if (!setting.startsWith('file:')) return undefined;
  const path = setting.slice('file:'.length);
  return isAbsolute(path) || path.startsWith('~/') ? path : undefined;
}

/**
 * The token file a `file:<path>` setting names, with a leading `~/` expanded to the home directory
 * (`HOME`, else the OS's idea of it).
 *
 * @example
 * ```ts
 * tokenFilePath('~/demo/tokens.json', { HOME: '/home/ada' }); // '/home/ada/demo/tokens.json'
 * ```
 */
export function tokenFilePath(path: string, env: NodeJS.ProcessEnv): string {
  return path.startsWith('~/') ? join(env.HOME || homedir(), path.slice(2)) : path;
}
