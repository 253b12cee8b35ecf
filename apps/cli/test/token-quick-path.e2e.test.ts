import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBinary, tempDir, TRUSTED_TEST_VARIABLES, writeConfig, type RunResult } from './helpers.js';

// `tokensmith token` with a stored, fresh token is answered by the launcher's CommonJS quick path
// (src/quick/token.ts, dist/quick-token.cjs) before the CLI loads; anything it is not sure of goes
// to the full CLI. Held to the full CLI here: for each case, the launcher's stdout, stderr and exit
// code with the quick path and without it (TOKENSMITH_NO_QUICK_PATH=1, a switch for this test only)
// are the same. Tokens are seeded with `login --with-token` and their times edited in the token
// file; the token endpoint is a closed loopback port, so a case the quick path must leave to the CLI
// (expiring, expired, missing) fails the same deterministic way in both.

/** The command as users run it: the committed launcher, which asks the quick path first. */
const LAUNCHER = fileURLToPath(new URL('../bin/tokensmith.cjs', import.meta.url));

function runLauncher(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}, stdin?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LAUNCHER, ...argv], {
      cwd,
      env: {
        PATH: process.env.PATH ?? '/usr/bin',
        HOME: cwd,
        XDG_CONFIG_HOME: join(cwd, '.config'),
        CI: 'true',
        ...TRUSTED_TEST_VARIABLES,
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end(stdin ?? '');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => (stderr += String(c)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** A closed loopback port: a token request fails at once, the same way every time. */
const CLOSED_TOKEN_URL = 'http://127.0.0.1:9/oauth/token';

const CONFIG = `store: file
providers:
  api:
    strategy: client-credentials
    tokenUrl: ${CLOSED_TOKEN_URL}
    clientId: app-1
    clientSecret: \${CLIENT_SECRET}
    gitHosts: [git.example.test]
  other:
    strategy: client-credentials
    tokenUrl: ${CLOSED_TOKEN_URL}
    clientId: app-2
    clientSecret: \${CLIENT_SECRET}
`;

const ENV = { CLIENT_SECRET: 'not-a-real-secret' };

/** Sets the stored token's times (the only entry of the file) relative to now. */
function setTokenTimes(dir: string, times: { expiresInMs: number | undefined; lifetimeMs: number }): void {
  const path = join(dir, '.config', 'tokensmith', 'tokens.json');
  const file = JSON.parse(readFileSync(path, 'utf8')) as { tokens: Record<string, Record<string, unknown>> };
  const now = Date.now();
  for (const token of Object.values(file.tokens)) {
    if (times.expiresInMs === undefined) delete token.expiresAt;
    else token.expiresAt = now + times.expiresInMs;
    token.obtainedAt = now + (times.expiresInMs ?? 0) - times.lifetimeMs;
  }
  writeFileSync(path, JSON.stringify(file, null, 2));
}

async function seededDir(): Promise<{ dir: string; config: string }> {
  const dir = tempDir();
  const config = writeConfig(dir, CONFIG, 'own-config.yaml');
  const login = await runBinary(['-c', config, 'login', 'api', '--with-token', '--expires-in', '3600'], {
    cwd: dir,
    env: ENV,
    stdin: 'stored-token-value\n',
  });
  expect(login.code).toBe(0);
  return { dir, config };
}

/** Runs the same command with the quick path and without; both must answer alike. */
async function expectSameAsFullCli(argv: string[], dir: string, env: NodeJS.ProcessEnv = {}, stdin?: string): Promise<RunResult> {
  const quick = await runLauncher(argv, dir, { ...ENV, ...env }, stdin);
  const full = await runLauncher(argv, dir, { ...ENV, ...env, TOKENSMITH_NO_QUICK_PATH: '1' }, stdin);
  expect({ argv, stdin, ...quick }).toEqual({ argv, stdin, ...full });
  return quick;
}

const FORMATS: string[][] = [
  [],
  ['--format', 'raw'],
  ['--format=json'],
  ['--json'],
  ['--format', 'header'],
  ['--format', 'env'],
  ['--format', 'exec-credential'],
];

describe('token: the quick path answers as the full CLI does', () => {
  it('a fresh stored token, in every format, with --config before or after and --store file', async () => {
    const { dir, config } = await seededDir();
    for (const format of FORMATS) {
      const result = await expectSameAsFullCli(['-c', config, 'token', 'api', ...format], dir);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('stored-token-value');
    }
    const viaFlagAfter = await expectSameAsFullCli(['token', 'api', '--config', config, '--store', 'file'], dir);
    expect(viaFlagAfter.stdout).toBe('stored-token-value\n');
    // A token with no expiry never expires (Twitter app-only): fresh.
    setTokenTimes(dir, { expiresInMs: undefined, lifetimeMs: 0 });
    expect((await expectSameAsFullCli(['-c', config, 'token', 'api'], dir)).stdout).toBe('stored-token-value\n');
  }, 120_000);

  it('expiring (inside the skew), expired, missing, another provider, unknown names and flags: the CLI decides', async () => {
    const { dir, config } = await seededDir();
    setTokenTimes(dir, { expiresInMs: 10_000, lifetimeMs: 3_600_000 }); // inside the 30 s skew
    expect((await expectSameAsFullCli(['-c', config, 'token', 'api'], dir)).code).not.toBe(0);
    setTokenTimes(dir, { expiresInMs: -1_000, lifetimeMs: 3_600_000 });
    expect((await expectSameAsFullCli(['-c', config, 'token', 'api', '--format', 'header'], dir)).code).not.toBe(0);
    setTokenTimes(dir, { expiresInMs: 3_600_000, lifetimeMs: 3_600_000 });
    for (const argv of [
      ['-c', config, 'token', 'other'], // no token stored for it
      ['-c', config, 'token'], // two providers, no default
      ['-c', config, 'token', 'nope'],
      ['-c', config, 'token', 'api', '--format', 'yaml'],
      ['-c', config, 'token', 'api', '--json', '--format', 'raw'],
      ['-c', config, 'token', 'api', '--no-browser'],
      ['-c', config, 'token', 'api', '--store', 'memory'],
      ['-c', config, 'token', 'api', 'extra'],
      ['-c', join(dir, 'missing.yaml'), 'token', 'api'],
    ])
      await expectSameAsFullCli(argv, dir);
    // The override stands in for the store.
    const overridden = await expectSameAsFullCli(['-c', config, 'token', 'api'], dir, { TOKENSMITH_API_TOKEN: 'from-env' });
    expect(overridden.stdout).toBe('from-env\n');
    // A variable the config needs, unset: the CLI's error.
    expect((await expectSameAsFullCli(['-c', config, 'token', 'api'], dir, { CLIENT_SECRET: '' })).code).not.toBe(0);
  }, 120_000);

  it('a working-directory config: trusted, the same "using" line; untrusted, the trust gate', async () => {
    const { dir } = await seededDir();
    // The same settings in the working directory (loopback URLs, an allowed variable: no trust needed).
    writeConfig(dir, CONFIG);
    const trusted = await expectSameAsFullCli(['token', 'api'], dir);
    expect(trusted.stdout).toBe('stored-token-value\n');
    expect(trusted.stderr).toMatch(/^using .*tokensmith\.config\.yaml \(provider api; environment variables CLIENT_SECRET\)\n$/);
    // A variable outside the allow-list: the file needs trust, and nothing is printed but the refusal.
    const untrusted = await expectSameAsFullCli(['token', 'api'], dir, { TOKENSMITH_TRUSTED_VARIABLES: '' });
    expect(untrusted.code).not.toBe(0);
    expect(untrusted.stdout).toBe('');
  }, 120_000);
});

describe('token with many providers: only the provider in use is walked (issue 27 item 15)', () => {
  /** A provider nested deeper than any config may be (by indentation: the YAML fast path reads it), with a variable outside the trust allow-list. */
  const DEEP_PROVIDER = `  deep:\n    strategy: client-credentials\n    clientSecret: \${NOT_ALLOWED_SECRET}\n${Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i + 2)}level${i}:`).join('\n')} leaf\n`;

  it('a broken provider nobody named stops neither path; providers and status still check the whole file', async () => {
    const { dir, config } = await seededDir();
    writeFileSync(config, CONFIG + DEEP_PROVIDER);
    for (const format of [[], ['--format', 'header']]) {
      const result = await expectSameAsFullCli(['-c', config, 'token', 'api', ...format], dir);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('stored-token-value');
    }
    const git = await expectSameAsFullCli(['-c', config, 'credential', 'get'], dir, {}, 'protocol=https\nhost=git.example.test\n\n');
    expect(git.stdout).toContain('password=stored-token-value\n');
    // The provider itself, and the commands that list every provider: the depth error, as before.
    for (const argv of [['token', 'deep'], ['providers'], ['status']]) {
      const result = await runLauncher(['-c', config, ...argv], dir, ENV);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('nests deeper than 32 levels');
    }
  }, 120_000);

  it('the trust rule still reads the whole file: a variable only an unused provider references needs trust', async () => {
    const { dir } = await seededDir();
    // The first two providers alone need no trust (see above); the third references a variable outside the allow-list.
    writeConfig(
      dir,
      `${CONFIG}  third:\n    strategy: client-credentials\n    tokenUrl: ${CLOSED_TOKEN_URL}\n    clientId: app-3\n    clientSecret: \${NOT_ALLOWED_SECRET}\n`,
    );
    const untrusted = await expectSameAsFullCli(['token', 'api'], dir, { NOT_ALLOWED_SECRET: 'x' });
    expect(untrusted.code).not.toBe(0);
    expect(untrusted.stdout).toBe('');
    expect(untrusted.stderr).toContain('NOT_ALLOWED_SECRET');
  }, 120_000);
});

describe('token with many providers: the quick path reads the provider in use alone (issue 27, the 1,000 vs 1 row)', () => {
  // 40 providers and 40 stored tokens: past the 4 KB below which both files are parsed whole.
  const many = (count: number) =>
    Array.from(
      { length: count },
      (_, i) =>
        `  p${i}:\n    strategy: client-credentials\n    tokenUrl: ${CLOSED_TOKEN_URL}\n    clientId: p-${i}\n    clientSecret: \${CLIENT_SECRET}\n`,
    ).join('');

  /** Puts `count` other entries before the stored one in the token file, `extra` among them. */
  function crowdTokenFile(dir: string, count: number, extra: Record<string, unknown> = {}): void {
    const path = join(dir, '.config', 'tokensmith', 'tokens.json');
    const file = JSON.parse(readFileSync(path, 'utf8')) as { version: number; tokens: Record<string, unknown> };
    const others = Object.fromEntries(
      Array.from({ length: count }, (_, i) => [
        `v2:client-credentials:p-${i}@127.0.0.1:9:x#`,
        { type: 'bearer', accessToken: `other-${i}`, expiresAt: Date.now() + 3_600_000 },
      ]),
    );
    writeFileSync(path, JSON.stringify({ version: 1, tokens: { ...others, ...extra, ...file.tokens } }, null, 2));
  }

  it('the provider in use, by name or as defaultProvider, among 40 providers and 40 stored tokens', async () => {
    const { dir, config } = await seededDir();
    crowdTokenFile(dir, 40);
    for (const text of [
      `${CONFIG}${many(40)}`,
      `${CONFIG.replace('providers:\n', `providers:\n${many(40)}`)}`,
      `defaultProvider: api\n${CONFIG}${many(40)}`,
    ]) {
      writeFileSync(config, text);
      for (const argv of [
        ['token', 'api'],
        ['token', 'api', '--format', 'header'],
        ['token', 'p3'],
        ['token', 'nope'],
      ])
        await expectSameAsFullCli(['-c', config, ...argv], dir);
    }
    expect((await expectSameAsFullCli(['-c', config, 'token'], dir)).stdout).toBe('stored-token-value\n');
  }, 120_000);

  it('what the readers of one provider or one key decline, the whole file answers: the same output', async () => {
    const { dir, config } = await seededDir();
    const key = Object.keys(
      (JSON.parse(readFileSync(join(dir, '.config', 'tokensmith', 'tokens.json'), 'utf8')) as { tokens: object }).tokens,
    )[0]!;
    // The stored key inside another entry's value and as a nested member name: the lookup declines.
    // (Usable credentials with extra fields: an unreadable entry draws the store's warning, which only the quick path prints.)
    crowdTokenFile(dir, 40, {
      'note#': { type: 'bearer', accessToken: 'other', copy: key, nested: { [key]: { type: 'bearer', accessToken: 'not-this-one' } } },
    });
    for (const text of [
      `${CONFIG}${many(40)}  anchored:\n    clientId: &id shared\n`, // an anchor: the whole file is parsed
      `${CONFIG}${many(40)}  typo:\n     clientId: one-space-too-many\n`, // an indentation typo elsewhere: the same error
      `${CONFIG}${many(40)}`,
    ]) {
      writeFileSync(config, text);
      await expectSameAsFullCli(['-c', config, 'token', 'api'], dir);
    }
    expect((await expectSameAsFullCli(['-c', config, 'token', 'api'], dir)).stdout).toBe('stored-token-value\n');
  }, 120_000);
});

describe('credential get: the quick path answers git as the full CLI does', () => {
  const ask = (host: string, protocol = 'https') => `protocol=${protocol}\nhost=${host}\npath=org/repo.git\n\n`;

  it('a served host with a fresh token; unserved hosts, other actions, bad input and an expiring token: the CLI decides, with all of stdin', async () => {
    const { dir, config } = await seededDir();
    const served = await expectSameAsFullCli(['-c', config, 'credential', 'get'], dir, {}, ask('git.example.test'));
    expect(served.code).toBe(0);
    expect(served.stdout).toMatch(/^username=x-access-token\npassword=stored-token-value\npassword_expiry_utc=\d+\n$/);
    for (const [argv, stdin] of [
      [['-c', config, 'credential', 'get'], ask('elsewhere.example')],
      [['-c', config, 'credential', 'get'], ask('git.example.test', 'http')],
      [['-c', config, 'credential', 'get'], 'not a key value line\n'],
      [['-c', config, 'credential', 'get'], ''],
      [['-c', config, 'credential', 'store'], `${ask('git.example.test').trimEnd()}\npassword=stored-token-value\n\n`],
      [['-c', config, 'credential', 'erase'], `${ask('git.example.test').trimEnd()}\npassword=an-older-token\n\n`],
      [['-c', config, 'credential', 'get', '--store', 'memory'], ask('git.example.test')],
    ] as const)
      await expectSameAsFullCli([...argv], dir, {}, stdin);
    const overridden = await expectSameAsFullCli(
      ['-c', config, 'credential', 'get'],
      dir,
      { TOKENSMITH_API_TOKEN: 'from-env' },
      ask('git.example.test'),
    );
    expect(overridden.stdout).toContain('password=from-env\n');
    setTokenTimes(dir, { expiresInMs: 10_000, lifetimeMs: 3_600_000 });
    expect((await expectSameAsFullCli(['-c', config, 'credential', 'get'], dir, {}, ask('git.example.test'))).code).not.toBe(0);
  }, 120_000);
});

describe('token and credential get: the stored-token path loads only what it uses', () => {
  // Node's own record of the built-in modules it loaded: the ES module translators load only when
  // the CLI's ES module bundle (commander, the strategy packages, openid-client, simple-oauth2) is
  // imported; node:net and node:http only with the network code.
  const probe = `process.on('exit', () => {
  const list = process.moduleLoadList;
  const loaded = (name) => list.includes('NativeModule ' + name);
  // Straight to fd 2: process.stderr on a pipe would itself load node:net.
  require('node:fs').writeSync(2, 'LOADED ' + JSON.stringify({ esModuleBundle: loaded('internal/modules/esm/translators'), net: loaded('net'), http: loaded('http'), https: loaded('https'), tls: loaded('tls'), child_process: loaded('child_process'), fsPromises: loaded('fs/promises') }) + '\\n');
});
`;
  const loaded = (stderr: string) => JSON.parse(/LOADED (\{.*\})/.exec(stderr)![1]!) as Record<string, boolean>;
  // fs/promises: the first asynchronous file operation starts libuv's thread pool (~3 ms); the quick
  // bundle reads the token file through src/quick/fs-promises-sync.ts instead.
  const NONE = { esModuleBundle: false, net: false, http: false, https: false, tls: false, child_process: false, fsPromises: false };

  it('answers from the token file without the ES module bundle or the network code; the full CLI loads them', async () => {
    const { dir, config } = await seededDir();
    const probeFile = join(dir, 'report-loaded.cjs');
    writeFileSync(probeFile, probe);
    const env = { ...ENV, NODE_OPTIONS: `--require=${probeFile}` };
    for (const format of [[], ['--format', 'header']]) {
      const quick = await runLauncher(['-c', config, 'token', 'api', ...format], dir, env);
      expect(quick.code).toBe(0);
      expect(quick.stdout).toContain('stored-token-value');
      expect(loaded(quick.stderr)).toEqual(NONE);
    }
    const git = await runLauncher(['-c', config, 'credential', 'get'], dir, env, 'protocol=https\nhost=git.example.test\n\n');
    expect(git.stdout).toContain('password=stored-token-value\n');
    expect(loaded(git.stderr)).toEqual(NONE);
    // The check can fail: the full CLI's run of the same command loads the bundle.
    const full = await runLauncher(['-c', config, 'token', 'api'], dir, { ...env, TOKENSMITH_NO_QUICK_PATH: '1' });
    expect(full.stdout).toBe('stored-token-value\n');
    expect(loaded(full.stderr)).toMatchObject({ esModuleBundle: true });
  }, 60_000);
});
