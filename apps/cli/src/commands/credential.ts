import type { CommandContext } from '../command-context.js';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../context.js';
import type { GitCredentialRequest } from '../bridges/git-credential.js';
import { withProvider } from '../session.js';
import { shellQuote } from '../bridges/token-formats.js';

/** The username git sends with a token unless the provider sets `gitUsername` (GitHub's; GitLab wants `oauth2`). */
export const DEFAULT_GIT_USERNAME = 'x-access-token';

/** No provider serves git's host: the helper answers nothing, and git asks its next helper. */
class NoProviderServes extends Error {}

/** The provider whose `gitHosts` serves git's request (providers with unset variables or broken settings cannot, and are skipped). */
function providerServing(
  context: CliContext,
  request: GitCredentialRequest,
  servesGitRequest: typeof import('../bridges/git-credential.js').servesGitRequest,
): string {
  for (const entry of context.entries) {
    let hosts: readonly string[] | undefined;
    try {
      hosts = entry.config?.gitHosts;
    } catch {
      continue; // validated on first read: a broken provider serves nothing
    }
    if (hosts && servesGitRequest(hosts, request)) return entry.name;
  }
  throw new NoProviderServes();
}

/**
 * Answers one git credential request (`get`, `store`, `erase`) for the provider serving its host,
 * printing git's answer on stdout. Kept apart from the command so a faster start-up path can call it.
 *
 * @example
 * ```ts
 * await answerGitCredential('get', io, {}); // prints username=...\npassword=...
 * ```
 */
export async function answerGitCredential(
  action: string,
  io: CommandContext['io'],
  global: import('../context.js').GlobalOptions,
): Promise<void> {
  const { readStdin } = await import('../bridges/read-stdin.js');
  const { MAX_GIT_CREDENTIAL_INPUT_BYTES, formatGitCredential, parseGitCredential, servesGitRequest } =
    await import('../bridges/git-credential.js');
  // Read git's input whatever the action: git writes it to every helper.
  const request = parseGitCredential(await readStdin(io.stdin, MAX_GIT_CREDENTIAL_INPUT_BYTES, 'credential input'));
  if (action === 'store') return; // the token lives in tokensmith's store already
  if (action !== 'get' && action !== 'erase')
    throw new CliError('usage', `unknown credential action ${action}: git calls tokensmith credential get, store or erase`);
  if (action === 'erase' && request.password === undefined) return;
  // No config file: the built-in demo lists no gitHosts, so there is nothing to answer (and no sandbox to start).
  const { findDefaultConfigFile } = await import('../config/locate.js');
  if (global.config === undefined && findDefaultConfigFile(io.cwd, io.env) === undefined) return;
  const { tapStore, expireIfCurrent } = await import('../bridges/store-tap.js');
  const { bareToken } = await import('../bridges/bare-token.js');
  let tapped: import('../bridges/store-tap.js').TappedStore | undefined;
  // Never a login from a helper: git's pipe on stdin already says so (and the message names it);
  // run by hand at a terminal, --no-input is implied.
  const options = (io.stdin.isTTY ? { ...global, input: false } : global) as typeof global;
  try {
    await withProvider(
      io,
      options,
      undefined,
      {
        quiet: true,
        choose: (context) => providerServing(context, request, servesGitRequest),
        tapStore: (store) => (tapped = tapStore(store)),
      },
      async ({ name, config, provider }) => {
        if (action === 'erase') {
          // Only the token git says was rejected: a newer one stored since is kept.
          await provider.peek(); // reads the store entry, so its key is known
          if (tapped?.lastKey !== undefined) await expireIfCurrent(tapped, request.password!, Date.now());
          return;
        }
        const credentials = await provider.getToken(io.signal ? { signal: io.signal } : {});
        const password = bareToken(credentials, { provider: name, strategy: provider.strategy });
        io.stdout.write(
          formatGitCredential({
            username: config.gitUsername ?? DEFAULT_GIT_USERNAME,
            password,
            expiresAt: credentials.type === 'bearer' ? credentials.expiresAt : undefined,
          }),
        );
      },
    );
  } catch (error) {
    if (error instanceof NoProviderServes) return;
    throw error;
  }
}

/** Registers `tokensmith credential` (git's credential helper protocol). */
export function registerCredentialCommand({ program, io, global }: CommandContext): void {
  program
    .command('credential')
    .description('git credential helper: answers git with the token of the provider whose gitHosts lists the host (see setup-git)')
    .argument('<action>', 'get, store or erase (git passes it)')
    .addHelpText(
      'after',
      '\nGit runs this itself once `tokensmith setup-git` has configured it. A host no provider lists gets\nno answer (git asks its next helper); erase forgets a token only when it is the one git says was rejected.\n\nExample:\n  $ printf "protocol=https\\nhost=github.com\\n\\n" | tokensmith credential get',
    )
    .action(async (action: string) => answerGitCredential(action, io, global()));
}

/** The helper line git runs: this node and this CLI's entry, by absolute path, so it works from any PATH. */
function helperCommand(): string {
  return `!${shellQuote(process.execPath)} ${shellQuote(process.argv[1] ?? 'tokensmith')} credential`;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

/** Registers `tokensmith setup-git`. */
export function registerSetupGitCommand({ program, io, global }: CommandContext): void {
  program
    .command('setup-git')
    .description("configure git (git config --global) to ask tokensmith for the provider's gitHosts")
    .argument('[provider]', 'provider name from the config')
    .addHelpText('after', '\nExample:\n  $ tokensmith setup-git github')
    .action(async (name: string | undefined) => {
      const { openContext, pickProvider } = await import('../context.js');
      const context = await openContext(global(), io, { purpose: 'inspect' });
      try {
        const picked = pickProvider(context, name);
        const hosts = picked.provider.gitHosts ?? [];
        if (hosts.length === 0)
          throw new CliError(
            'usage',
            `${picked.name} has no gitHosts: add gitHosts: [github.com] to it in ${context.source}, then run this again`,
          );
        // Loaded here, not at the top: every command registers setup-git, and child_process costs start-up time.
        const { execFile } = await import('node:child_process');
        const { promisify } = await import('node:util');
        const run = promisify(execFile);
        const helper = helperCommand();
        // No credential.*.useHttpPath: providers are chosen by host alone, so git need not send the path.
        for (const host of hosts) {
          // Plain http only on loopback (a local test server), as the helper itself allows.
          for (const scheme of LOOPBACK.test(host) ? ['https', 'http'] : ['https']) {
            const key = `credential.${scheme}://${host}.helper`;
            // An empty value first resets the helpers inherited for this URL (as gh does), so git asks tokensmith.
            await run('git', ['config', '--global', '--replace-all', key, ''], { env: io.env });
            await run('git', ['config', '--global', '--add', key, helper], { env: io.env });
            io.stdout.write(`set ${key} to ${helper}\n`);
          }
        }
      } finally {
        await context.close();
      }
    });
}
