import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { MemoryStore, type TokenStore } from '@tokensmith/core';
import { CliError } from '../cli-error.js';
import { tokenFilePath, tokenFileSetting } from './token-file-setting.js';

/** A store and how to release it. */
export interface OpenedStore {
  store: TokenStore;
  /** Which store holds the tokens, for people (`status` prints it): `keychain (service tokensmith)`, `file /path`, ... */
  description: string;
  close(): Promise<void>;
}

/** Writes one line to the user (stderr). */
export type Notice = (line: string) => void;

/** What `--store` and the config's `store` accept. */
export const STORE_CHOICES =
  "'auto' (the default), 'keychain', 'file', 'file:/absolute/path.json' (or file:~/...), 'memory' or a redis:// URL";

/**
 * Opens the store named by `--store` / the config's `store`:
 * - `auto` (the default): the OS keychain when one answers (a quick, bounded probe), otherwise the
 *   token file, with a one-line notice on stderr when a token is first stored there. An explicit
 *   `TOKENSMITH_TOKEN_FILE` means the file. Nothing is ever copied between stores: moving is a new login.
 * - `keychain`: the OS keychain (an error with the next step when none answers); `file`: the token
 *   file (`TOKENSMITH_TOKEN_FILE` or `~/.config/tokensmith/tokens.json`); `file:<path>`: a token file
 *   of its own (absolute or `~/...`; a demo's, say); `memory`; `redis://...`.
 */
export async function openStore(
  setting: string,
  env: NodeJS.ProcessEnv,
  notice: Notice = (line) => process.stderr.write(`${line}\n`),
): Promise<OpenedStore> {
  if (setting === 'memory') return { store: new MemoryStore(), description: 'memory (this process only)', close: async () => {} };
  if (setting === 'file') return openFileStore(env);
  const tokenFile = tokenFileSetting(setting);
  if (tokenFile !== undefined) return openFileStore({ ...env, TOKENSMITH_TOKEN_FILE: tokenFilePath(tokenFile, env) });
  if (setting === 'keychain') return openKeychainStore(env);
  if (setting === 'auto') return openAutoStore(env, notice);
  if (/^rediss?:\/\//.test(setting)) {
    const { RedisStore } = await import('@tokensmith/store-redis');
    const store = new RedisStore(setting);
    return { store, description: `redis ${new URL(setting).host}`, close: () => store.close() };
  }
  throw new CliError('usage', `--store must be ${STORE_CHOICES}`);
}

async function openFileStore(env: NodeJS.ProcessEnv) {
  const { FileStore, defaultTokenFilePath } = await import('@tokensmith/store-file');
  const store = new FileStore({ path: defaultTokenFilePath(env) });
  return { store, description: `file ${store.path}`, close: async () => {} };
}

async function openKeychainStore(env: NodeJS.ProcessEnv): Promise<OpenedStore> {
  const [{ KeychainStore }, { defaultTokenFilePath }] = await Promise.all([
    import('@tokensmith/store-keychain'),
    import('@tokensmith/store-file'),
  ]);
  // The cross-process refresh locks live beside where the token file would be (the keychain has no lock).
  const store = new KeychainStore({ lockDir: dirname(defaultTokenFilePath(env)) });
  return { store, description: `keychain (service ${store.service})`, close: async () => {} };
}

async function openAutoStore(env: NodeJS.ProcessEnv, notice: Notice): Promise<OpenedStore> {
  if (env.TOKENSMITH_TOKEN_FILE) return openFileStore(env);
  const { probeKeychain } = await import('@tokensmith/store-keychain');
  const probe = await probeKeychain({ env, timeoutMs: 1_500 });
  if (probe.available) return openKeychainStore(env);
  const opened = await openFileStore(env);
  const reason = probe.reason.replace(/^no OS keychain: /, '').split(';')[0];
  return {
    ...opened,
    store: noticeOnFirstWrite(opened.store, () =>
      onceForTokenFile(opened.description.slice(5), () =>
        notice(
          `notice: no OS keychain answered (${reason}); tokens are stored in the file ${opened.description.slice(5)} (mode 0600). Set \`store: file\` to choose it explicitly.`,
        ),
      ),
    ),
  };
}

/**
 * Runs `tell` once per token file, not once per command: a marker beside the file (`.<name>.notice`)
 * remembers it was said, so a CI runner that refreshes a token on every job is not told every time.
 */
function onceForTokenFile(tokenFile: string, tell: () => void): void {
  const marker = join(dirname(tokenFile), `.${basename(tokenFile)}.notice`);
  try {
    writeFileSync(marker, '', { flag: 'wx', mode: 0o600 });
  } catch {
    return; // already said (or the directory refuses it: then say nothing rather than fail a stored login)
  }
  tell();
}

/** The store, telling the user (once) where the first token it stores goes. */
function noticeOnFirstWrite(store: TokenStore, tell: () => void): TokenStore {
  let told = false;
  const wrapped: TokenStore = {
    get: (key) => store.get(key),
    set: async (key, credentials) => {
      await store.set(key, credentials);
      if (!told) {
        told = true;
        tell();
      }
    },
    delete: (key) => store.delete(key),
    lock: (key, fn) => store.lock(key, fn),
  };
  if (store.entries) wrapped.entries = () => (store.entries as NonNullable<TokenStore['entries']>).call(store);
  if (store.reset) wrapped.reset = () => (store.reset as NonNullable<TokenStore['reset']>).call(store);
  if (store.close) wrapped.close = () => (store.close as NonNullable<TokenStore['close']>).call(store);
  return wrapped;
}
