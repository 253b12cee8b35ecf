import type { Credentials, TokenStore } from '@tokensmith/core';
import type { CommandContext } from '../command-context.js';
import { describeCredentials, type CredentialStatus } from '../session.js';
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

/**
 * A lookup of stored credentials by key: one `entries()` read when the store can list (the file,
 * memory and Redis stores), else a `get` per key (the keychain, whose `get` names an item it cannot read).
 * The read happens at the first lookup, once a provider is picked, so a store failure is explained
 * with that provider's store setting.
 */
function storedCredentials(store: TokenStore, oneByOne: boolean): (key: string) => Promise<Credentials | undefined> {
  if (!store.entries || oneByOne) return (key) => store.get(key);
  const list = store.entries.bind(store);
  let byKey: Promise<Map<string, Credentials>> | undefined;
  return async (key) => {
    byKey ??= list().then((entries) => new Map(entries.map((entry) => [entry.key, entry.credentials])));
    return (await byKey).get(key);
  };
}

function detailOf(row: StatusRow): string {
  if (row.missingVariables) return `unresolved: set ${row.missingVariables.join(', ')}`;
  if (row.tokenFrom) return `token from ${row.tokenFrom} (the store is not used)`;
  if (!row.loggedIn) return 'not logged in';
  // The user and the scopes come from the token response: remote text, neutralised for the terminal.
  const parts = [row.user ? `logged in as @${sanitizeForTerminal(row.user)}` : 'logged in'];
  parts.push(row.expiresAt ? `expires ${row.expiresAt}` : 'no expiry');
  if (row.dpopBound) parts.push('DPoP-bound');
  if (row.scopes?.length) parts.push(`scopes ${sanitizeForTerminal(row.scopes.join(' '))}`);
  return parts.join(', ');
}

/** Registers `tokensmith status`. */
export function registerStatusCommand({ program, io, global, stdoutStyle: style }: CommandContext): void {
  program
    .command('status')
    .description('show each provider: logged in or not (and as whom), expiry, scopes and the token store (never the tokens)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ tokensmith status\n  $ tokensmith --store redis://127.0.0.1:6379 status --json')
    .action(async (flags: { json?: boolean }) => {
      const { openContext } = await import('../context.js');
      const { strategyAdapter } = await import('../strategies/index.js');
      const { boundKey } = await import('../stores/endpoint-binding.js');
      const { rememberProvider } = await import('../hints/explain.js');
      // Status reads the local store only; nothing is sent to a provider, so no trust is needed.
      const context = await openContext(global(), io, { purpose: 'inspect' });
      try {
        const opened = await context.store();
        // The store is read once, and each provider's token found by the key its strategy stores
        // it under: linear in providers + tokens, where a peek per provider re-read the whole store.
        const stored = storedCredentials(opened.store, opened.readOneByOne === true);
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
          const adapter = strategyAdapter(entry.config.strategy);
          const credentials = await stored(boundKey(await adapter.storeKey(entry.config), entry.config));
          const described = describeCredentials(credentials);
          const user = credentials && adapter.statusUser?.(credentials);
          rows.push({ provider: entry.name, strategy: entry.strategy, ...described, ...(user ? { user } : {}) });
        }
        if (flags.json)
          io.stdout.write(JSON.stringify({ source: context.source, store: opened.description, providers: rows }, null, 2) + '\n');
        else {
          io.stdout.write(`${style.dim(`config ${context.source}; tokens in ${opened.description}`)}\n`);
          for (const row of rows) io.stdout.write(`${style.bold(row.provider.padEnd(20))} ${row.strategy.padEnd(20)} ${detailOf(row)}\n`);
        }
      } finally {
        await context.close();
      }
    });
}
