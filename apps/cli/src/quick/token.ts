import { fstatSync, statSync, writeSync } from 'node:fs';
import { isFresh, resolveSkewMs } from '@tokensmith/core/kit';
import { findConfigFile, isReadableByOthers, loadConfig } from '../config/load.js';
import { requireUsableHome } from '../config/locate.js';
import { boundKey } from '../stores/endpoint-binding.js';
import { fileStore } from '../stores/file.js';
import { STRATEGIES_BY_NAME } from '../strategies/index.js';
import { formatToken, isTokenFormat, type TokenFormat } from '../bridges/token-formats.js';
import { isSenderConstrained } from '../bridges/bare-token.js';
import { tokenOverrideVariable } from '../bridges/env-override.js';
import { sanitizeForTerminal } from '../terminal/safety.js';
import { writeOut } from '../help/quick.js';

// `tokensmith token` with a stored, fresh token answered before the CLI loads: the config (located,
// read, trust-checked and validated by the CLI's own modules), the adapter's store key bound to the
// provider's endpoints, the token file, the token manager's expiry rule and the same formatter.
// Nothing here loads commander, a strategy's grant library or the network code; bundled on its own
// as CommonJS (dist/quick-token.cjs) for the launcher. Whatever it is not sure of, it leaves to the
// full CLI, having written nothing: the answer is then the CLI's, byte for byte.

/** Set (to anything) only by tests: the launcher skips this path, to compare it with the full CLI. */
export const NO_QUICK_PATH_ENV = 'TOKENSMITH_NO_QUICK_PATH';

/** What `token` was asked for, when every argument is one this path knows. */
interface TokenRequest {
  provider: string | undefined;
  format: TokenFormat;
  config: string | undefined;
  store: string | undefined;
}

/** Parses `token [provider] [--format F] [--json] [-c/--config PATH] [--store S]`; undefined for anything else. */
export function parseTokenRequest(argv: readonly string[]): TokenRequest | undefined {
  const request: Partial<TokenRequest> & { json?: boolean; formatGiven?: string } = {};
  let command: string | undefined;
  let provider: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg];
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (flag === '--json' && inline === undefined) request.json = true;
    else if (flag === '--format' && request.formatGiven === undefined) request.formatGiven = value();
    else if ((flag === '--config' || flag === '-c') && request.config === undefined) request.config = value();
    else if (flag === '--store' && request.store === undefined) request.store = value();
    else if (arg.startsWith('-'))
      return undefined; // a flag this path does not know (or a repeated one)
    else if (command === undefined) command = arg;
    else if (provider === undefined) provider = arg;
    else return undefined;
    if (request.formatGiven === '' || request.config === '' || request.store === '') return undefined;
  }
  if (command !== 'token') return undefined;
  if (argv.includes('--format') && request.formatGiven === undefined) return undefined;
  if ((argv.includes('--config') || argv.includes('-c')) && request.config === undefined) return undefined;
  if (argv.includes('--store') && request.store === undefined) return undefined;
  const format = request.formatGiven ?? (request.json ? 'json' : 'raw');
  if (!isTokenFormat(format) || (request.json && format !== 'json')) return undefined;
  return { provider, format, config: request.config, store: request.store };
}

/**
 * Whether stdout may be a terminal (the full CLI then shows progress lines: not this path's
 * business). Asked of the file descriptor: node:tty (process.stdout, isatty) loads node:net, a
 * tenth of this path's time. Only a character device other than /dev/null can be a terminal.
 */
function mayBeTerminal(): boolean {
  let stdout;
  try {
    stdout = fstatSync(1);
  } catch {
    return true; // no stdout at all: the CLI's business
  }
  return stdout.isCharacterDevice() && stdout.rdev !== statSync('/dev/null', { throwIfNoEntry: false })?.rdev;
}

/** Whether a store setting is the plain token file: `file`, `file:PATH`, or `auto` with TOKENSMITH_TOKEN_FILE set. */
function isTokenFileSetting(setting: string, env: NodeJS.ProcessEnv): boolean {
  return fileStore.matches(setting) || (setting === 'auto' && Boolean(env.TOKENSMITH_TOKEN_FILE));
}

/**
 * Prints the stored token for `tokensmith token ...` when it can answer exactly as the full CLI
 * would, and resolves true; resolves false (having written nothing) on any doubt: an unknown flag,
 * no config file (the demo), an untrusted or loudly read config, a store other than the token file,
 * the `TOKENSMITH_<P>_TOKEN` override, no stored token or one that is expiring, any error.
 *
 * @example
 * ```ts
 * if (!(await answerTokenQuickly(process.argv.slice(2), process.env, process.cwd()))) await import('../bin.js');
 * ```
 */
export async function answerTokenQuickly(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<boolean> {
  if (env[NO_QUICK_PATH_ENV] !== undefined) return false;
  try {
    const request = parseTokenRequest(argv);
    if (!request || mayBeTerminal()) return false;
    requireUsableHome(env);
    if (!findConfigFile(request.config, cwd, env)) return false; // the demo: its sandbox is the CLI's
    const loaded = await loadConfig(request.config, cwd, env, 'in-use');
    if (!loaded || loaded.trust?.required) return false;
    if (loaded.literalSecrets.length > 0 && isReadableByOthers(loaded.path)) return false; // the CLI warns first
    const setting = request.store ?? loaded.config.store ?? 'auto';
    if (!isTokenFileSetting(setting, env)) return false;
    const names = loaded.entries.map((entry) => entry.name);
    const chosen = request.provider ?? loaded.config.defaultProvider ?? (names.length === 1 ? names[0] : undefined);
    const entry = loaded.entries.find((candidate) => candidate.name === chosen);
    const config = entry?.config;
    if (!entry || !config || chosen === undefined) return false;
    if (env[tokenOverrideVariable(chosen)] !== undefined) return false;
    const key = boundKey(await STRATEGIES_BY_NAME[config.strategy].storeKey(config), config);
    const opened = await fileStore.open(setting === 'auto' ? 'file' : setting, env, () => undefined);
    const credentials = await opened.store.get(key);
    await opened.close();
    if (!credentials || !isFresh(credentials, Date.now(), resolveSkewMs(config))) return false;
    const text = formatToken(credentials, request.format, {
      provider: chosen,
      strategy: config.strategy,
      senderConstrained: isSenderConstrained(credentials),
      execInfo: env.KUBERNETES_EXEC_INFO,
    });
    // The line pickProvider writes, straight to fd 2 (process.stderr on a pipe loads node:net).
    if (loaded.origin === 'working-directory')
      writeSync(
        2,
        `using ${sanitizeForTerminal(loaded.path)}${entry.variables.length ? ` (provider ${chosen}; environment variables ${entry.variables.join(', ')})` : ` (provider ${chosen})`}\n`,
      );
    writeOut(text);
    return true;
  } catch {
    return false; // the full CLI says what is wrong, in its words
  }
}
