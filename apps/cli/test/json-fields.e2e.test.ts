import { join } from 'node:path';
import { startSandbox, decideOnAuthorizePage, type Sandbox } from '@tokensmith/sandbox';
import { SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';

// Issue 24: one vocabulary in every --json document (commands/json-fields.ts): camelCase keys,
// `provider` (never `name`), `store: { kind, path? }`, `scopes` an array for every strategy (empty
// for OAuth 1.0a). The README's "JSON output" section lists each command's fields.

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

/** Every key of a JSON value, at any depth, except inside the provider's verbatim `extra`. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...(key === 'extra' ? [] : keysOf(inner))]);
}

describe('JSON output', () => {
  it('status, providers, token, login and refresh share provider, store and scopes, camelCase throughout', async () => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'client-credentials'), sandboxProvider(sandbox, 'oauth1-pin')]));
    const tokens = join(dir, 'tokens.json');
    const env = { ...SANDBOX_ENV, TOKENSMITH_TOKEN_FILE: tokens };
    const json = async (argv: string[]) => {
      const result = await runBinary(argv, { cwd: dir, env });
      expect(result.code).toBe(0);
      return JSON.parse(result.stdout) as Record<string, unknown> & { providers?: Array<Record<string, unknown>> };
    };
    const store = { kind: 'file', path: tokens };

    const login = await json(['login', 'app', '--json']);
    expect(login).toMatchObject({
      provider: 'app',
      strategy: 'client-credentials',
      store,
      loggedIn: true,
      tokenType: 'bearer',
      scopes: [],
    });

    const start = await runBinary(['login', 'user', '--no-browser'], { cwd: dir, env });
    const { pin } = await decideOnAuthorizePage(/Open this URL to authorize:\n {2}(\S+)/.exec(start.stderr)![1]!, 'approve');
    const oauth1 = await json(['login', 'user', '--pin', pin!, '--json']);
    expect(oauth1).toMatchObject({ provider: 'user', strategy: 'oauth1-pin', store, tokenType: 'oauth1', scopes: [], user: 'twitterapi' });

    const token = await json(['token', 'app', '--json']);
    expect(token).toMatchObject({ provider: 'app', strategy: 'client-credentials', tokenType: 'bearer', scopes: [] });
    const oauth1Token = await json(['token', 'user', '--json']);
    expect(oauth1Token).toMatchObject({
      provider: 'user',
      tokenType: 'oauth1',
      scopes: [],
      user: 'twitterapi',
      extra: { screen_name: 'twitterapi' },
    });

    const status = await json(['status', '--json']);
    expect(status.store).toEqual(store);
    expect(status.providers!.map((row) => [row.provider, row.scopes, row.user])).toEqual([
      ['app', [], null],
      ['user', [], 'twitterapi'],
    ]);

    const providers = await json(['providers', '--json']);
    expect(providers.providers!.map((row) => [row.provider, row.scopes])).toEqual([
      ['app', []],
      ['user', []],
    ]);

    const refresh = await json(['refresh', 'app', '--json']);
    expect(refresh).toMatchObject({ provider: 'app', store, scopes: [] });

    for (const document of [login, oauth1, token, oauth1Token, status, providers, refresh]) {
      expect(document).not.toHaveProperty('name');
      for (const key of keysOf(document)) expect(key).toMatch(/^[a-z][a-zA-Z0-9]*$/);
    }
  });
});
