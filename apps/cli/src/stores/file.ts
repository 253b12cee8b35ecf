import { CliError } from '../cli-error.js';
import type { StoreAdapter, StoreOpening } from './adapter.js';
import { assertTokenFileOrAbsent } from './token-file-check.js';
import { tokenFilePath, tokenFileSetting } from './token-file-setting.js';

/**
 * The token file at the path `env` decides (`TOKENSMITH_TOKEN_FILE`, else the config directory's
 * `tokens.json`): used by `file`, by `auto` without a keychain and by `keychain` for its locks.
 *
 * @example
 * ```ts
 * const opened = await openTokenFile(process.env);
 * opened.description; // 'file /home/ada/.config/tokensmith/tokens.json'
 * ```
 */
export async function openTokenFile(env: NodeJS.ProcessEnv): Promise<StoreOpening> {
  const { FileStore, defaultTokenFilePath } = await import('@tokensmith/store-file');
  const store = new FileStore({ path: defaultTokenFilePath(env) });
  return { store, where: { kind: 'file', path: store.path }, description: `file ${store.path}`, close: async () => {} };
}

/**
 * `file`: the default token file (`TOKENSMITH_TOKEN_FILE` or `~/.config/tokensmith/tokens.json`),
 * and `file:<path>`: a token file of its own (absolute or `~/...`; a demo's, say). A `file:<path>`
 * whose file exists must already be a tokensmith token file (stores/token-file-check.ts).
 *
 * @example
 * ```ts
 * const opened = await fileStore.open('file:~/demo/tokens.json', process.env, () => {});
 * ```
 */
export const fileStore: StoreAdapter = {
  kind: 'file',
  choice: "'file', 'file:/absolute/path.json' (or file:~/...)",
  help: [
    ['file', '~/.config/tokensmith/tokens.json, mode 0600 (or $TOKENSMITH_TOKEN_FILE)'],
    ['file:/abs/path', 'a token file of its own (file:~/... works too)'],
  ],
  matches: (setting) => setting === 'file' || tokenFileSetting(setting) !== undefined,
  open: async (setting, env) => {
    if (setting === 'file') return openTokenFile(env);
    const own = tokenFileSetting(setting);
    if (own === undefined) throw new CliError('usage', `not a file store setting: ${setting}`);
    const path = tokenFilePath(own, env);
    await assertTokenFileOrAbsent(path);
    return openTokenFile({ ...env, TOKENSMITH_TOKEN_FILE: path });
  },
};
