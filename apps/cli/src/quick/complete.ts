import { completionNames } from '../completion/names.js';
import { writeOut } from '../help/quick.js';
import { NO_QUICK_PATH_ENV, splitQuickArgs } from './stored-token.js';

// `tokensmith [-c PATH] __complete providers` (what the completion scripts run on Tab) answered
// before the CLI loads, with the very module the CLI's __complete uses (completion/names.ts). Any
// doubt (another flag, a config the quick bundle cannot parse) leaves it to the full CLI, having
// written nothing.

/**
 * Prints the names a completion script asks for and resolves true; false, having written nothing,
 * when the full CLI should answer.
 *
 * @example
 * ```ts
 * if (!(await answerCompletionQuickly(process.argv.slice(2), process.env, process.cwd()))) await import('../bin.js');
 * ```
 */
export async function answerCompletionQuickly(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<boolean> {
  if (env[NO_QUICK_PATH_ENV] !== undefined) return false;
  try {
    const args = splitQuickArgs(argv);
    if (!args || args.positionals[0] !== '__complete' || args.format !== undefined || args.json) return false;
    const names = await completionNames(args.positionals.slice(1), args, cwd, env);
    if (names.length) writeOut(`${names.join('\n')}\n`);
    return true;
  } catch {
    return false;
  }
}
