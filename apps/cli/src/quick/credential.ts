import { readSync } from 'node:fs';
import { bareToken } from '../bridges/bare-token.js';
import { MAX_GIT_CREDENTIAL_INPUT_BYTES, formatGitCredential, parseGitCredential, servesGitRequest } from '../bridges/git-credential.js';
import { writeOut } from '../help/quick.js';
import { NO_QUICK_PATH_ENV, findStoredToken, mayBeTerminal, splitQuickArgs } from './stored-token.js';

// `tokensmith credential get` (git's helper) with a stored, fresh token, answered before the CLI
// loads, as quick/token.ts does for `token`. git's request arrives on stdin, which can be read only
// once: what this path read is handed back (`stdin`), and the launcher gives it to the full CLI
// ahead of whatever is left, so a fallback sees the very bytes git sent.

/** The username git gets unless the provider sets `gitUsername` (commands/credential.ts's DEFAULT_GIT_USERNAME, which loads the CLI). */
const DEFAULT_GIT_USERNAME = 'x-access-token';

/** What {@link answerCredentialQuickly} did: answered, or not (with the stdin bytes it consumed, if any). */
export interface QuickAnswer {
  answered: boolean;
  /** Bytes read from stdin before deciding not to answer: the full CLI must read them first. */
  stdin?: Buffer;
}

/** Reads stdin (fd 0) to its end or past git's bound, synchronously; what it got and whether it reached the end. */
function readRequest(): { bytes: Buffer; complete: boolean } {
  const buffer = Buffer.alloc(MAX_GIT_CREDENTIAL_INPUT_BYTES + 1);
  let length = 0;
  try {
    while (length < buffer.length) {
      const read = readSync(0, buffer, length, buffer.length - length, null);
      if (read === 0) return { bytes: buffer.subarray(0, length), complete: true };
      length += read;
    }
  } catch {
    // EAGAIN (a non-blocking pipe) or anything else: the CLI reads the rest
  }
  return { bytes: buffer.subarray(0, length), complete: false };
}

/**
 * Answers `tokensmith credential get [-c PATH] [--store S]` from a stored, fresh token of the
 * provider whose `gitHosts` serves git's host, exactly as the full CLI would; on any doubt answers
 * nothing and hands back the stdin bytes it read.
 *
 * @example
 * ```ts
 * const quick = await answerCredentialQuickly(process.argv.slice(2), process.env, process.cwd());
 * if (!quick.answered) await runCliWithStdin(quick.stdin);
 * ```
 */
export async function answerCredentialQuickly(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<QuickAnswer> {
  if (env[NO_QUICK_PATH_ENV] !== undefined) return { answered: false };
  const args = splitQuickArgs(argv);
  // A terminal on stdin is a person trying it by hand (the CLI implies --no-input): the CLI's business.
  if (!args || args.positionals.length !== 2 || args.positionals[1] !== 'get' || args.format !== undefined || args.json)
    return { answered: false };
  if (mayBeTerminal(0) || mayBeTerminal(1)) return { answered: false };
  const { bytes, complete } = readRequest();
  try {
    if (!complete) return { answered: false, stdin: bytes };
    const request = parseGitCredential(bytes.toString('utf8'));
    const found = await findStoredToken(
      args,
      // The first provider (in file order) whose gitHosts serve the host; one that fails validation serves nothing, as in the CLI.
      (entries) =>
        entries.find((entry) => {
          try {
            const hosts = entry.config?.gitHosts;
            return hosts !== undefined && servesGitRequest(hosts, request);
          } catch {
            return false;
          }
        })?.name,
      env,
      cwd,
    );
    if (!found) return { answered: false, stdin: bytes };
    const { credentials } = found;
    const text = formatGitCredential({
      username: found.config.gitUsername ?? DEFAULT_GIT_USERNAME,
      password: bareToken(credentials, { provider: found.name, strategy: found.config.strategy }),
      expiresAt: credentials.type === 'bearer' ? credentials.expiresAt : undefined,
    });
    found.announce();
    writeOut(text);
    return { answered: true };
  } catch {
    return { answered: false, stdin: bytes };
  }
}
