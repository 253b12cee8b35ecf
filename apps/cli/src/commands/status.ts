import type { Credentials, TokenStore } from '@tokensmith/core';
import type { CommandContext } from '../command-context.js';
import type { CredentialFields, ProviderFields } from './json-fields.js';
import { sanitizeForTerminal } from '../terminal/safety.js';

/** One row of `tokensmith status` (its JSON fields are json-fields.ts's, plus the three below). */
interface StatusRow extends ProviderFields, CredentialFields {
  /**
   * Whether a command can use the provider now without a login: a token from the environment; a
   * stored token that is fresh, refreshable or never expires; or an app-only strategy, which gets
   * a new token from the app's own credentials. `status` exits 1 when a provider it judges is not.
   */
  usable: boolean;
  /** Variables that must be set before the provider can be used (its tokens cannot be looked up either). */
  missingVariables?: string[];
  /** The variable whose token is used instead of the store's (`TOKENSMITH_<NAME>_TOKEN`). */
  tokenFrom?: string;
  /** The account, for a provider with several (accounts/status-rows.ts). */
  account?: string;
  /** Whether it is the account used when none is named. */
  default?: boolean;
  /** The app tokensmith registered for a provider without clientId (never its secret). */
  registeredClient?: import('../registration/client-status.js').RegisteredClientStatus;
}

/** Whether stored credentials can still be used, or renewed, without a person (see {@link StatusRow.usable}). */
function usableCredentials(credentials: Credentials | undefined, appOnly: boolean, now: number): boolean {
  if (appOnly) return true;
  if (!credentials) return false;
  if (credentials.type === 'oauth1' || credentials.expiresAt === undefined || credentials.refreshToken !== undefined) return true;
  return credentials.expiresAt > now;
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
  if (row.account !== undefined)
    return `account ${sanitizeForTerminal(row.account)}${row.default ? ' (default)' : ''}: ${detailOf({ ...row, account: undefined })}`;
  const app = row.registeredClient
    ? `app registered ${row.registeredClient.registeredAt} (client id ${sanitizeForTerminal(row.registeredClient.clientId)})`
    : undefined;
  if (!row.loggedIn) {
    const none = row.usable ? 'not logged in (app-only: a token is requested on first use)' : 'not logged in';
    return app ? `${none}, ${app}` : none;
  }
  // The user and the scopes come from the token response: remote text, neutralised for the terminal.
  const parts = [row.user ? `logged in as @${sanitizeForTerminal(row.user)}` : 'logged in'];
  parts.push(
    row.expiresAt ? `${row.usable || Date.parse(row.expiresAt) > Date.now() ? 'expires' : 'expired'} ${row.expiresAt}` : 'no expiry',
  );
  if (!row.usable) parts.push('log in again');
  if (row.dpopBound) parts.push('DPoP-bound');
  if (row.scopes?.length) parts.push(`scopes ${sanitizeForTerminal(row.scopes.join(' '))}`);
  if (app) parts.push(app);
  return parts.join(', ');
}

/** Registers `tokensmith status`. */
export function registerStatusCommand({ program, io, global, stdoutStyle: style }: CommandContext): void {
  program
    .command('status')
    .description('show each provider: logged in or not (and as whom), expiry, scopes and the token store (never the tokens)')
    .argument('[provider]', 'only this provider (exit 1 when it is not usable)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Exit status: 1 when the provider named is not usable (not logged in, expired without a refresh
token, unresolved variables); without a name, when any provider that has a stored token is not
usable (as gh auth status does). Otherwise 0. Nothing is sent to any provider.

Examples:
  $ tokensmith status
  $ tokensmith status github || tokensmith login github
  $ tokensmith --store redis://127.0.0.1:6379 status --json`,
    )
    .action(async (only: string | undefined, flags: { json?: boolean }) => {
      const { openContext } = await import('../context.js');
      const { strategyAdapter } = await import('../strategies/index.js');
      const { boundKey } = await import('../stores/endpoint-binding.js');
      const { rememberProvider } = await import('../hints/explain.js');
      const { credentialFields, providerFields, storeField } = await import('./json-fields.js');
      const { overrideToken, tokenOverrideVariable } = await import('../bridges/env-override.js');
      // Status reads the local store only; nothing is sent to a provider, so no trust is needed.
      const context = await openContext(global(), io, { purpose: 'inspect' });
      try {
        const entries = only === undefined ? context.entries : context.entries.filter((entry) => entry.name === only);
        if (only !== undefined && entries.length === 0) {
          const { closestName } = await import('../config/suggest.js');
          const { CliError } = await import('../cli-error.js');
          const names = context.entries.map((entry) => entry.name);
          const suggestion = closestName(only, names);
          throw new CliError(
            'usage',
            `unknown provider ${only}${suggestion ? ` (did you mean ${suggestion}?)` : ''}; configured: ${names.join(', ')} (in ${sanitizeForTerminal(context.source)})`,
          );
        }
        const opened = await context.store();
        // The store is read once, and each provider's token found by the key its strategy stores
        // it under: linear in providers + tokens, where a peek per provider re-read the whole store.
        const stored = storedCredentials(opened.store, opened.readOneByOne === true);
        const { accountLookup, accountFields } = await import('../accounts/status-rows.js');
        const accountsOf = accountLookup(opened, io.env);
        const rows: StatusRow[] = [];
        /** Rows that decide the exit status: the one named, else those with a stored token. */
        const judged: StatusRow[] = [];
        const now = Date.now();
        for (const entry of entries) {
          const none = { ...providerFields(entry.name, entry.strategy), ...credentialFields(undefined) };
          if (!entry.config) {
            rows.push({ ...none, usable: false, missingVariables: entry.missing });
            if (only !== undefined) judged.push(rows.at(-1)!);
            continue;
          }
          if (overrideToken(io.env, entry.name)) {
            rows.push({ ...none, loggedIn: true, usable: true, tokenFrom: tokenOverrideVariable(entry.name) });
            continue;
          }
          rememberProvider(io, entry.name, entry.config, context.storeSetting);
          const adapter = strategyAdapter(entry.config.strategy);
          const config = entry.config;
          // A provider without clientId: its tokens are keyed by the client registered for it (kept in the same store).
          const { registeredClientOf } = await import('../registration/client-status.js');
          const registered = await registeredClientOf(config, (key) => stored(boundKey(key, config)));
          const keyed = registered ? { ...config, ...registered.client } : config;
          const client = registered ? { registeredClient: registered.status } : {};
          // One row per account (accounts/status-rows.ts); a provider with none listed is looked up by its key, as before.
          const listed = await accountsOf(entry.name, keyed);
          for (const account of listed) {
            const row: StatusRow = {
              ...providerFields(entry.name, entry.strategy),
              ...accountFields(account, listed.length),
              ...credentialFields(account.credentials, adapter.statusUser),
              usable: usableCredentials(account.credentials, adapter.appOnly, now),
              ...client,
            };
            rows.push(row);
            if (only !== undefined || account.credentials !== undefined) judged.push(row);
          }
          if (listed.length > 0) continue;
          const credentials = await stored(boundKey(await adapter.storeKey(keyed), config));
          const row: StatusRow = {
            ...providerFields(entry.name, entry.strategy),
            ...credentialFields(credentials, adapter.statusUser),
            usable: usableCredentials(credentials, adapter.appOnly, now),
            ...client,
          };
          rows.push(row);
          if (only !== undefined || credentials !== undefined) judged.push(row);
        }
        if (flags.json)
          io.stdout.write(JSON.stringify({ source: context.source, store: storeField(opened.where), providers: rows }, null, 2) + '\n');
        else {
          io.stdout.write(`${style.dim(`config ${context.source}; tokens in ${opened.description}`)}\n`);
          for (const row of rows) io.stdout.write(`${style.bold(row.provider.padEnd(20))} ${row.strategy.padEnd(20)} ${detailOf(row)}\n`);
        }
        // As gh auth status: scripts check `tokensmith status NAME` (or plain `status`) by its exit status.
        if (judged.some((row) => !row.usable)) {
          const { QuietExit, EXIT } = await import('../cli-error.js');
          throw new QuietExit(EXIT.usage);
        }
      } finally {
        await context.close();
      }
    });
}
