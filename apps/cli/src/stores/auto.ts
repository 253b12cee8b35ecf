import type { StoreAdapter } from './adapter.js';
import { openTokenFile } from './file.js';
import { noticeOnFirstWrite, onceForTokenFile } from './first-write-notice.js';
import { openKeychain } from './keychain.js';
import { busNamed, probeStoreKeychain } from './keychain-probe.js';

// `auto` asks quickly: a desktop whose keychain takes longer than this is better served by the file
// than by a pause on every command. Well inside the keychain's documented 10 s bound.
const AUTO_PROBE_MS = 1_500;

/**
 * `auto` (the default): the OS keychain when one answers (a quick, bounded probe), otherwise the
 * token file. Without a session bus at all (headless CI) the file is used quietly, with a one-line
 * notice when a token is first stored there (once per token file, not once per command); a bus that is there but does not answer is said at once.
 * An explicit `TOKENSMITH_TOKEN_FILE` means the file. Nothing is ever copied between stores.
 *
 * @example
 * ```ts
 * const opened = await autoStore.open('auto', process.env, (line) => console.error(line));
 * ```
 */
export const autoStore: StoreAdapter = {
  kind: 'auto',
  choice: "'auto' (the default)",
  help: [['auto (default)', 'the OS keychain when one answers, else the file below']],
  matches: (setting) => setting === 'auto',
  open: async (_setting, env, notice, signal) => {
    if (env.TOKENSMITH_TOKEN_FILE) return openTokenFile(env);
    const probe = await probeStoreKeychain(env, { timeoutMs: AUTO_PROBE_MS, ...(signal ? { signal } : {}) });
    if (probe.available) return openKeychain(env);
    signal?.throwIfAborted();
    const opened = await openTokenFile(env);
    const reason = probe.reason.replace(/^no OS keychain: /, '').split(';')[0];
    const told = `notice: no OS keychain answered (${reason}); tokens are stored in the file ${opened.where.path} (mode 0600). Set \`store: file\` to choose it explicitly.`;
    if (busNamed(env)) {
      notice(told);
      return opened;
    }
    const path = opened.where.path ?? '';
    return { ...opened, store: noticeOnFirstWrite(opened.store, () => onceForTokenFile(path, () => notice(told))) };
  },
};
