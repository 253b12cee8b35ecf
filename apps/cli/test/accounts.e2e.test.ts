import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox, DEMO_CREDENTIALS, decideOnAuthorizePage, type Sandbox } from '@tokensmith/sandbox';
import {
  SANDBOX_ENV,
  TRUSTED_TEST_VARIABLES,
  approveInBrowser,
  runBinary,
  sandboxConfig,
  sandboxProvider,
  tempDir,
  writeConfig,
  type RunResult,
} from './helpers.js';

// Issue 24, accounts: several accounts of one provider side by side in the store, named after the
// identity the provider returns; `accounts`, `switch`, `--account`, TOKENSMITH_ACCOUNT and
// `logout --account/--all`, through the binary against the sandbox (its two users), and a token
// file written before accounts existed (test/fixtures/accounts/v0-tokens.json, written by the CLI
// of commit 737cbb1 with v0-config.yaml: `login api --with-token`).

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await sandbox.stop();
});

const env = SANDBOX_ENV;
const TWITTERAPI = DEMO_CREDENTIALS.user;
const CAFE = DEMO_CREDENTIALS.secondUser;

/** The command as users run it: the launcher, which asks the quick path first (`token`). */
const LAUNCHER = fileURLToPath(new URL('../bin/tokensmith.cjs', import.meta.url));
function runLauncher(argv: string[], cwd: string, extra: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LAUNCHER, ...argv], {
      cwd,
      env: {
        PATH: process.env.PATH ?? '/usr/bin',
        HOME: cwd,
        XDG_CONFIG_HOME: join(cwd, '.config'),
        CI: 'true',
        ...TRUSTED_TEST_VARIABLES,
        ...extra,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end('');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => (stderr += String(c)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The two-step OAuth 1.0a login without a terminal, approved on the sandbox's page as `person`. */
async function loginAs(dir: string, person: { screenName: string; password: string }, extra: string[] = []): Promise<RunResult> {
  const start = await runBinary(['login', 'user', '--no-browser', ...extra], { cwd: dir, env });
  expect(start.code).toBe(0);
  const url = /Open this URL to authorize:\n {2}(\S+)/.exec(start.stderr)![1]!;
  const { pin } = await decideOnAuthorizePage(url, 'approve', { username: person.screenName, password: person.password });
  return runBinary(['login', 'user', '--pin', pin!, ...extra], { cwd: dir, env });
}

interface AccountRow {
  provider: string;
  account: string;
  default: boolean;
  store: { kind: string; path?: string };
}
async function accounts(dir: string, ...args: string[]): Promise<AccountRow[]> {
  const result = await runBinary(['accounts', ...args, '--json'], { cwd: dir, env });
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as AccountRow[];
}
const names = (rows: AccountRow[]) => rows.map((row) => `${row.account}${row.default ? '*' : ''}`);

/** Whose timeline a `timeline` run printed. */
const author = (result: RunResult) => /By: .* \(@(\w+)\)/.exec(result.stdout)?.[1];

function tokenFile(dir: string): { tokens: Record<string, unknown> } {
  return JSON.parse(readFileSync(join(dir, '.config', 'tokensmith', 'tokens.json'), 'utf8')) as { tokens: Record<string, unknown> };
}

describe('accounts: several per provider, named after the identity the provider returns', () => {
  it('two accounts of one provider: each its own timeline, switch changes the default, TOKENSMITH_ACCOUNT in one process only, logout --account keeps the other', async () => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'oauth1-pin')]));

    const first = await loginAs(dir, TWITTERAPI);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('Logged in to user as twitterapi');
    // One account: everything as before accounts, no default recorded.
    expect(names(await accounts(dir))).toEqual(['twitterapi*']);
    expect(author(await runBinary(['timeline', 'user', '--count', '1'], { cwd: dir, env }))).toBe('twitterapi');

    const second = await loginAs(dir, CAFE);
    expect(second.stderr).toContain('Logged in to user as cafe_dev');
    // Side by side in the store, each key still bound to the provider's endpoints.
    const keys = Object.keys(tokenFile(dir).tokens);
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(key).toMatch(/#account:(twitterapi|cafe_dev)#endpoints:[0-9a-f]{32}$/);
    // The first account stays the default, so commands that name none keep using it.
    const listed = await accounts(dir, 'user');
    expect(names(listed)).toEqual(['cafe_dev', 'twitterapi*']);
    expect(listed[0]).toEqual(
      expect.objectContaining({ provider: 'user', store: { kind: 'file', path: join(dir, '.config', 'tokensmith', 'tokens.json') } }),
    );

    // Shell completion offers both names for --account (read from the accounts file, no store opened).
    const completed = await runBinary(['__complete', 'accounts', 'user'], { cwd: dir, env });
    expect(completed.stdout.trim().split('\n').sort()).toEqual(['cafe_dev', 'twitterapi']);

    const timeline = (...args: string[]) => runBinary(['timeline', 'user', '--count', '1', ...args], { cwd: dir, env });
    expect(author(await timeline('--account', 'cafe_dev'))).toBe('cafe_dev');
    expect(author(await timeline('--account', 'twitterapi'))).toBe('twitterapi');
    expect(author(await timeline())).toBe('twitterapi');

    const switched = await runBinary(['switch', 'user', 'cafe_dev'], { cwd: dir, env });
    expect(switched).toMatchObject({ code: 0, stdout: '' });
    expect(switched.stderr).toContain('The default account of user is now cafe_dev');
    expect(JSON.parse(readFileSync(join(dir, '.config', 'tokensmith', 'accounts.json'), 'utf8'))).toEqual({
      defaults: { user: 'cafe_dev' },
      known: { user: ['cafe_dev', 'twitterapi'] }, // names only, for shell completion
    });
    expect(author(await timeline())).toBe('cafe_dev');

    // TOKENSMITH_ACCOUNT in one process, the default in another, at the same time; shared state untouched.
    const [overridden, plain] = await Promise.all([
      runBinary(['timeline', 'user', '--count', '1'], { cwd: dir, env: { ...env, TOKENSMITH_ACCOUNT: 'twitterapi' } }),
      timeline(),
    ]);
    expect([author(overridden), author(plain)]).toEqual(['twitterapi', 'cafe_dev']);
    expect(names(await accounts(dir))).toEqual(['cafe_dev*', 'twitterapi']);
    // --account wins over TOKENSMITH_ACCOUNT.
    expect(
      author(
        await runBinary(['timeline', 'user', '--account', 'cafe_dev'], { cwd: dir, env: { ...env, TOKENSMITH_ACCOUNT: 'twitterapi' } }),
      ),
    ).toBe('cafe_dev');

    // status: one row per account.
    const status = JSON.parse((await runBinary(['status', '--json'], { cwd: dir, env })).stdout) as {
      providers: Array<Record<string, unknown>>;
    };
    expect(status.providers.map((row) => [row.provider, row.account, row.default, row.user])).toEqual([
      ['user', 'cafe_dev', true, 'cafe_dev'],
      ['user', 'twitterapi', false, 'twitterapi'],
    ]);

    const logout = await runBinary(['logout', 'user', '--account', 'cafe_dev'], { cwd: dir, env });
    expect(logout.code).toBe(0);
    expect(logout.stderr).toContain('Logged out of user (account cafe_dev)');
    // The other stays, and is the only one: used without naming it; the stale default is gone.
    expect(names(await accounts(dir))).toEqual(['twitterapi*']);
    expect(author(await timeline())).toBe('twitterapi');
    expect(JSON.parse(readFileSync(join(dir, '.config', 'tokensmith', 'accounts.json'), 'utf8'))).toEqual({
      defaults: {},
      known: { user: ['twitterapi'] },
    });

    for (const result of [first, second, switched, logout])
      expect(`${result.stdout}${result.stderr}`).not.toContain(DEMO_CREDENTIALS.oauth1.consumerSecret);
  }, 60_000);

  it('asks which account when there are several and no default; names the accounts when the one asked for is missing; refuses a bad name', async () => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'oauth1-pin')]));
    expect((await loginAs(dir, TWITTERAPI)).code).toBe(0);
    expect((await loginAs(dir, CAFE)).code).toBe(0);
    writeFileSync(join(dir, '.config', 'tokensmith', 'accounts.json'), '{"defaults":{}}\n'); // as if never switched

    const ambiguous = await runBinary(['timeline', 'user'], { cwd: dir, env });
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain(
      'provider user has 2 accounts (cafe_dev, twitterapi) and no default; pass --account NAME, set TOKENSMITH_ACCOUNT=NAME, or run: tokensmith switch user NAME',
    );
    const missing = await runBinary(['timeline', 'user', '--account', 'nobody'], { cwd: dir, env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('provider user has no account nobody (--account); its accounts: cafe_dev, twitterapi');
    const badSwitch = await runBinary(['switch', 'user', 'nobody'], { cwd: dir, env });
    expect(badSwitch.code).toBe(1);
    expect(badSwitch.stderr).toContain('provider user has no account nobody; its accounts: cafe_dev, twitterapi');
    const badName = await runBinary(['timeline', 'user'], { cwd: dir, env: { ...env, TOKENSMITH_ACCOUNT: '../x' } });
    expect(badName.code).toBe(1);
    expect(badName.stderr).toContain('TOKENSMITH_ACCOUNT must be a letter or digit');

    // logout --all empties the provider.
    const all = await runBinary(['logout', 'user', '--all'], { cwd: dir, env });
    expect(all.code).toBe(0);
    expect(all.stderr).toContain('Logged out of user (account cafe_dev)');
    expect(all.stderr).toContain('Logged out of user (account twitterapi)');
    expect(await accounts(dir)).toEqual([]);
    expect(Object.keys(tokenFile(dir).tokens)).toEqual([]);
  }, 60_000);

  it('an OAuth 1.0a token stored under the key of before accounts is the account its screen name names; a second login goes beside it', async () => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'oauth1-pin')]));
    expect((await loginAs(dir, TWITTERAPI)).code).toBe(0);
    // Today's key: the strategy's key and the endpoint binding, no account.
    const path = join(dir, '.config', 'tokensmith', 'tokens.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('#account:twitterapi', ''));
    expect(Object.keys(tokenFile(dir).tokens)[0]).not.toContain('#account:');

    expect(names(await accounts(dir))).toEqual(['twitterapi*']);
    expect(author(await runBinary(['timeline', 'user', '--count', '1'], { cwd: dir, env }))).toBe('twitterapi');
    expect(author(await runBinary(['timeline', 'user', '--count', '1', '--account', 'twitterapi'], { cwd: dir, env }))).toBe('twitterapi');

    expect((await loginAs(dir, CAFE)).code).toBe(0);
    expect(names(await accounts(dir))).toEqual(['cafe_dev', 'twitterapi*']);
    expect(author(await runBinary(['timeline', 'user', '--count', '1'], { cwd: dir, env }))).toBe('twitterapi');
    expect(author(await runBinary(['timeline', 'user', '--count', '1', '--account', 'cafe_dev'], { cwd: dir, env }))).toBe('cafe_dev');

    // Logging in again as the same person stores the account by name and drops the old entry.
    expect((await loginAs(dir, TWITTERAPI)).code).toBe(0);
    expect(Object.keys(tokenFile(dir).tokens).map((key) => /#account:(\w+)/.exec(key)?.[1])).toEqual(
      expect.arrayContaining(['cafe_dev', 'twitterapi']),
    );
    expect(Object.keys(tokenFile(dir).tokens)).toHaveLength(2);
  }, 60_000);
});

describe('accounts: OpenID Connect logins', () => {
  it("an authorization-code login is named after the ID token's preferred_username; --account names another beside it", async () => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'authorization-code')]).replace('users.read,', 'users.read, openid,'));
    const first = await runBinary(['login', 'me', '--no-browser'], { cwd: dir, env, onStderr: approveInBrowser() });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('Logged in to me as twitterapi');
    const second = await runBinary(['login', 'me', '--no-browser', '--account', 'work', '--json'], {
      cwd: dir,
      env,
      onStderr: approveInBrowser(),
    });
    expect(JSON.parse(second.stdout)).toMatchObject({ provider: 'me', account: 'work', loggedIn: true });
    expect(names(await accounts(dir))).toEqual(['twitterapi*', 'work']);
  }, 60_000);
});

describe('accounts: a token file written before accounts (fixture)', () => {
  const FIXTURES = fileURLToPath(new URL('./fixtures/accounts/', import.meta.url));
  const FIXTURE_ENV = { CLIENT_SECRET: 'not-a-real-secret' };
  function fixtureDir(): { dir: string; config: string } {
    const dir = tempDir();
    const config = writeConfig(dir, readFileSync(join(FIXTURES, 'v0-config.yaml'), 'utf8'), 'own-config.yaml');
    mkdirSync(join(dir, '.config', 'tokensmith'), { recursive: true, mode: 0o700 });
    copyFileSync(join(FIXTURES, 'v0-tokens.json'), join(dir, '.config', 'tokensmith', 'tokens.json'));
    return { dir, config };
  }

  it('keeps working: token (quick path and full CLI), accounts, status; a second account goes beside it', async () => {
    const { dir, config } = fixtureDir();
    const token = (extra: NodeJS.ProcessEnv = {}, ...args: string[]) =>
      runLauncher(['-c', config, 'token', 'api', ...args], dir, { ...FIXTURE_ENV, ...extra });
    for (const extra of [{}, { TOKENSMITH_NO_QUICK_PATH: '1' }, { TOKENSMITH_ACCOUNT: 'someone' }])
      expect(await token(extra)).toMatchObject({ code: 0, stdout: 'legacy-token-from-before-accounts\n' });
    const listed = JSON.parse(
      (await runBinary(['-c', config, 'accounts', '--json'], { cwd: dir, env: FIXTURE_ENV })).stdout,
    ) as AccountRow[];
    expect(listed).toEqual([
      expect.objectContaining({ provider: 'api', account: 'default', default: true, store: expect.objectContaining({ kind: 'file' }) }),
    ]);
    const status = JSON.parse((await runBinary(['-c', config, 'status', '--json'], { cwd: dir, env: FIXTURE_ENV })).stdout) as {
      providers: Array<Record<string, unknown>>;
    };
    expect(status.providers).toEqual([expect.objectContaining({ provider: 'api', loggedIn: true })]);
    expect(status.providers[0]).not.toHaveProperty('account'); // a single old entry: the row of before accounts

    const added = await runBinary(['-c', config, 'login', 'api', '--with-token', '--account', 'ci-bot'], {
      cwd: dir,
      env: FIXTURE_ENV,
      stdin: 'token-of-the-ci-bot\n',
    });
    expect(added.code).toBe(0);
    expect(
      names(JSON.parse((await runBinary(['-c', config, 'accounts', '--json'], { cwd: dir, env: FIXTURE_ENV })).stdout) as AccountRow[]),
    ).toEqual(['ci-bot', 'default*']);
    // The quick path answers these itself (the ES module bundle, the full CLI, is never loaded).
    const probe = join(dir, 'report-loaded.cjs');
    writeFileSync(
      probe,
      `process.on('exit', () => require('node:fs').writeSync(2, 'ESM ' + process.moduleLoadList.includes('NativeModule internal/modules/esm/translators') + '\\n'));\n`,
    );
    for (const extra of [{ TOKENSMITH_ACCOUNT: 'ci-bot' }, {}]) {
      const quick = await token(
        { ...extra, NODE_OPTIONS: `--require=${probe}` },
        ...(extra.TOKENSMITH_ACCOUNT ? [] : ['--account', 'ci-bot']),
      );
      expect(quick).toMatchObject({ code: 0, stdout: 'token-of-the-ci-bot\n', stderr: 'ESM false\n' });
    }
    for (const extra of [{}, { TOKENSMITH_NO_QUICK_PATH: '1' }]) {
      expect((await token(extra)).stdout).toBe('legacy-token-from-before-accounts\n');
      expect((await token(extra, '--account', 'ci-bot')).stdout).toBe('token-of-the-ci-bot\n');
      expect((await token({ ...extra, TOKENSMITH_ACCOUNT: 'ci-bot' })).stdout).toBe('token-of-the-ci-bot\n');
    }
  }, 60_000);

  it('100 interleaved switch and token calls, run concurrently, never fail nor read a half-written accounts file', async () => {
    const { dir, config } = fixtureDir();
    for (const account of ['blue', 'green']) {
      const stored = await runBinary(['-c', config, 'login', 'api', '--with-token', '--account', account], {
        cwd: dir,
        env: FIXTURE_ENV,
        stdin: `token-of-${account}\n`,
      });
      expect(stored.code).toBe(0);
    }
    const call = (i: number) =>
      i % 2 === 0
        ? runLauncher(['-c', config, 'switch', 'api', i % 4 === 0 ? 'blue' : 'green'], dir, FIXTURE_ENV)
        : runLauncher(['-c', config, 'token', 'api'], dir, FIXTURE_ENV);
    // Concurrent, 25 processes at a time (a shared machine): switches and tokens interleaved in each wave.
    const results: RunResult[] = [];
    for (let wave = 0; wave < 100; wave += 25) results.push(...(await Promise.all(Array.from({ length: 25 }, (_, i) => call(wave + i)))));
    for (const [i, result] of results.entries()) {
      expect({ i, code: result.code, stderr: i % 2 === 0 ? '' : result.stderr }).toEqual({ i, code: 0, stderr: '' });
      if (i % 2 === 1) expect(['token-of-blue\n', 'token-of-green\n', 'legacy-token-from-before-accounts\n']).toContain(result.stdout);
    }
    // The first account was the old entry, so it stays the default until a switch lands: afterwards only blue or green.
    expect(['blue', 'green']).toContain(
      (JSON.parse(readFileSync(join(dir, '.config', 'tokensmith', 'accounts.json'), 'utf8')) as { defaults: { api: string } }).defaults.api,
    );
  }, 120_000);

  it('concurrent switches of different providers all land (the accounts file is changed under a lock)', async () => {
    const dir = tempDir();
    const providers = Array.from({ length: 6 }, (_, i) => `p${i}`);
    const config = writeConfig(
      dir,
      `store: file\nproviders:\n${providers
        .map(
          (name) =>
            `  ${name}:\n    strategy: client-credentials\n    tokenUrl: http://127.0.0.1:9/oauth/token\n    clientId: ${name}\n    clientSecret: \${CLIENT_SECRET}\n`,
        )
        .join('')}`,
      'own-config.yaml',
    );
    for (const name of providers)
      expect(
        (
          await runBinary(['-c', config, 'login', name, '--with-token', '--account', `bot-${name}`], {
            cwd: dir,
            env: FIXTURE_ENV,
            stdin: 't\n',
          })
        ).code,
      ).toBe(0);
    const switched = await Promise.all(
      providers.map((name) => runLauncher(['-c', config, 'switch', name, `bot-${name}`], dir, FIXTURE_ENV)),
    );
    expect(switched.map((result) => result.code)).toEqual(providers.map(() => 0));
    expect(JSON.parse(readFileSync(join(dir, '.config', 'tokensmith', 'accounts.json'), 'utf8'))).toEqual({
      defaults: Object.fromEntries(providers.map((name) => [name, `bot-${name}`])),
      known: Object.fromEntries(providers.map((name) => [name, [`bot-${name}`]])),
    });
  }, 60_000);
});
