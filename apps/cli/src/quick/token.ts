import { formatToken, isTokenFormat } from '../bridges/token-formats.js';
import { isSenderConstrained } from '../bridges/bare-token.js';
import { writeOut } from '../help/quick.js';
import { STRATEGIES_BY_NAME } from '../strategies/index.js';
import { NO_QUICK_PATH_ENV, findStoredToken, mayBeTerminal, splitQuickArgs } from './stored-token.js';

// `tokensmith token` with a stored, fresh token answered before the CLI loads (quick/stored-token.ts
// finds the token as the CLI does; the same formatter prints it). Nothing here loads commander, a
// strategy's grant library or the network code; bundled on its own as CommonJS (dist/quick-token.cjs,
// with quick/credential.ts) for the launcher. Whatever it is not sure of, it leaves to the full CLI,
// having written nothing: the answer is then the CLI's, byte for byte.

export { NO_QUICK_PATH_ENV } from './stored-token.js';
export { answerCredentialQuickly } from './credential.js';
export { answerCompletionQuickly } from './complete.js';

/**
 * Prints the stored token for `tokensmith token [provider] [--format F] [--json] [-c PATH] [--store S]`
 * when it can answer exactly as the full CLI would, and resolves true; resolves false, having written
 * nothing, on any doubt (see findStoredToken; also an unknown flag, a terminal on stdout, where the
 * CLI shows progress, a format the token cannot take, any error).
 *
 * @example
 * ```ts
 * if (!(await answerTokenQuickly(process.argv.slice(2), process.env, process.cwd()))) await import('../bin.js');
 * ```
 */
export async function answerTokenQuickly(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<boolean> {
  if (env[NO_QUICK_PATH_ENV] !== undefined) return false;
  try {
    const args = splitQuickArgs(argv);
    if (!args || args.positionals[0] !== 'token' || args.positionals.length > 2 || mayBeTerminal(1)) return false;
    const format = args.format ?? (args.json ? 'json' : 'raw');
    if (!isTokenFormat(format) || (args.json && format !== 'json')) return false;
    const requested = args.positionals[1];
    const found = await findStoredToken(
      args,
      (entries, defaultProvider) => requested ?? defaultProvider ?? (entries.length === 1 ? entries[0]!.name : undefined),
      env,
      cwd,
      requested === undefined ? [] : [requested],
    );
    if (!found) return false;
    const text = formatToken(found.credentials, format, {
      provider: found.name,
      strategy: found.config.strategy,
      user: STRATEGIES_BY_NAME[found.config.strategy].statusUser,
      senderConstrained: isSenderConstrained(found.credentials),
      execInfo: env.KUBERNETES_EXEC_INFO,
    });
    found.announce();
    writeOut(text);
    return true;
  } catch {
    return false; // the full CLI says what is wrong, in its words
  }
}
