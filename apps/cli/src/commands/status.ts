import type { CommandContext } from '../command-context.js';
import { describeCredentials, type CredentialStatus } from '../session.js';
import { createProgress } from '../terminal/io.js';
import { sanitizeForTerminal } from '../terminal/safety.js';

/** One row of `tokensmith status`. */
interface StatusRow extends CredentialStatus {
  provider: string;
  strategy: string;
  /** Variables that must be set before the provider can be used (its tokens cannot be looked up either). */
  missingVariables?: string[];
  /** The variable whose token is used instead of the store's (`TOKENSMITH_<NAME>_TOKEN`). */
  tokenFrom?: string;
}

/** The user an OpenID id_token names (display only: the token was verified when it was issued). */
function idTokenUser(idToken: string | undefined): string | undefined {
  const payload = idToken?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const user = claims.preferred_username ?? claims.screen_name ?? claims.email ?? claims.sub;
    return typeof user === 'string' ? user : undefined;
  } catch {
    return undefined;
  }
}

function detailOf(row: StatusRow): string {
  if (row.missingVariables) return `unresolved: set ${row.missingVariables.join(', ')}`;
  if (row.tokenFrom) return `token from ${row.tokenFrom} (the store is not used)`;
  if (!row.loggedIn) return 'not logged in';
  // The user and the scopes come from the token response: remote text, neutralised for the terminal.
  const parts = [row.user ? `logged in as @${sanitizeForTerminal(row.user)}` : 'logged in'];
  parts.push(row.expiresAt ? `expires ${row.expiresAt}` : 'no expiry');
  if (row.scopes?.length) parts.push(`scopes ${sanitizeForTerminal(row.scopes.join(' '))}`);
  return parts.join(', ');
}

/** Registers `tokensmith status`. */
export function registerStatusCommand({ program, io, global, style }: CommandContext): void {
  program
    .command('status')
    .description('show each provider: logged in or not (and as whom), expiry, scopes and the token store (never the tokens)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ tokensmith status\n  $ tokensmith --store redis://127.0.0.1:6379 status --json')
    .action(async (flags: { json?: boolean }) => {
      const { openContext } = await import('../context.js');
      const { buildProvider } = await import('../strategies/build-provider.js');
      const { createPrompter } = await import('../login/prompter.js');
      const { rememberProvider } = await import('../hints/explain.js');
      // Status reads the local store only; nothing is sent to a provider, so no trust is needed.
      const context = await openContext(global(), io, { purpose: 'inspect' });
      const prompter = createPrompter(io);
      try {
        const opened = await context.store();
        const rows: StatusRow[] = [];
        for (const entry of context.entries) {
          if (!entry.config) {
            rows.push({ provider: entry.name, strategy: entry.strategy, loggedIn: false, missingVariables: entry.missing });
            continue;
          }
          const { overrideToken, tokenOverrideVariable } = await import('../bridges/env-override.js');
          if (overrideToken(io.env, entry.name)) {
            rows.push({ provider: entry.name, strategy: entry.strategy, loggedIn: true, tokenFrom: tokenOverrideVariable(entry.name) });
            continue;
          }
          rememberProvider(io, entry.name, entry.config, context.storeSetting);
          const provider = await buildProvider(entry.config, opened.store, {
            io,
            progress: createProgress(io, true),
            prompter,
            browser: false,
          });
          const credentials = await provider.peek();
          const described = describeCredentials(credentials);
          const user = described.user ?? (credentials?.type === 'bearer' ? idTokenUser(credentials.idToken) : undefined);
          rows.push({ provider: entry.name, strategy: entry.strategy, ...described, ...(user ? { user } : {}) });
        }
        if (flags.json)
          io.stdout.write(JSON.stringify({ source: context.source, store: opened.description, providers: rows }, null, 2) + '\n');
        else {
          io.stdout.write(`${style.dim(`config ${context.source}; tokens in ${opened.description}`)}\n`);
          for (const row of rows) io.stdout.write(`${style.bold(row.provider.padEnd(20))} ${row.strategy.padEnd(20)} ${detailOf(row)}\n`);
        }
      } finally {
        prompter.close();
        await context.close();
      }
    });
}
