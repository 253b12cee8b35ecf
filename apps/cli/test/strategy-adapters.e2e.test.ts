import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEMO_CREDENTIALS, decideOnAuthorizePage, startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { STRATEGIES_BY_NAME } from '../src/strategies/index.js';
import { SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, spawnCli, tempDir, writeConfig } from './helpers.js';

// The CLI as one adapter per strategy: what the adapters decide, seen through the real binary.

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

/** A client-credentials provider of the sandbox's app, with one more setting. */
function appWith(setting: string): string {
  return sandboxConfig([sandboxProvider(sandbox, 'client-credentials').replace('    timeline:', `    ${setting}\n    timeline:`)]);
}

describe('authMethod: the same words for every OAuth 2 strategy', () => {
  it("client credentials take 'post' (the secret in the request body)", async () => {
    const dir = tempDir();
    writeConfig(dir, appWith('authMethod: post'));
    const env = { ...SANDBOX_ENV, TOKENSMITH_TOKEN_FILE: join(dir, 'tokens.json') };
    const result = await runBinary(['token', 'app'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('deprecated');
  });

  it("still read the old 'body', with a one-line deprecation note naming the field and the fix", async () => {
    const dir = tempDir();
    writeConfig(dir, appWith('authMethod: body'));
    const env = { ...SANDBOX_ENV, TOKENSMITH_TOKEN_FILE: join(dir, 'tokens.json') };
    const result = await runBinary(['token', 'app'], { cwd: dir, env });
    expect(result.code).toBe(0);
    const notes = result.stderr.split('\n').filter((line) => line.includes('deprecated'));
    expect(notes).toEqual([
      "note: providers.app.authMethod 'body' is deprecated: write 'post' (the same client authentication, in the request body)",
    ]);
    expect(result.stderr).not.toContain(SANDBOX_ENV.APP_SECRET);
  });

  it("refuse 'none' for client credentials, saying why", async () => {
    const dir = tempDir();
    writeConfig(dir, appWith('authMethod: none'));
    const result = await runBinary(['token', 'app'], { cwd: dir, env: SANDBOX_ENV });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "providers.app.authMethod: must be 'basic', 'post', 'private_key_jwt' or 'client_secret_jwt' (client credentials always authenticate the client, so 'none' cannot work)",
    );
  });
});

// Counts, in the real binary, how often the token file is opened (the file store opens it for
// each read; writes go through a temp file and a rename), reported on exit.
const COUNT_OPENS = `import { syncBuiltinESMExports } from 'node:module';
import fsp from 'node:fs/promises';
const open = fsp.open;
let opens = 0;
fsp.open = (path, ...rest) => {
  if (String(path) === process.env.TOKENSMITH_TOKEN_FILE) opens++;
  return open(path, ...rest);
};
syncBuiltinESMExports();
process.on('exit', () => process.stderr.write('\\nTOKEN FILE OPENS ' + opens + '\\n'));
`;

describe('status reads the token store once, whatever the number of providers', () => {
  it('finds each provider’s token by its strategy’s store key in one read of the store', async () => {
    const dir = tempDir();
    const many = 40;
    const others = Array.from({ length: many }, (_, i) =>
      sandboxProvider(sandbox, 'client-credentials', { name: `app${i}` }).replace(/clientId: .*/, `clientId: other-client-${i}`),
    );
    writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'client-credentials'), ...others]));
    const probe = join(dir, 'count-opens.mjs');
    writeFileSync(probe, COUNT_OPENS);
    const env = { ...SANDBOX_ENV, TOKENSMITH_TOKEN_FILE: join(dir, 'tokens.json') };
    expect((await runBinary(['token', 'app'], { cwd: dir, env })).code).toBe(0);
    const status = await runBinary(['status', '--json'], {
      cwd: dir,
      env: { ...env, NODE_OPTIONS: `--import=${pathToFileURL(probe).href}` },
    });
    expect(status.code).toBe(0);
    const rows = (JSON.parse(status.stdout) as { providers: Array<{ provider: string; loggedIn: boolean }> }).providers;
    expect(rows).toHaveLength(many + 1);
    expect(rows.filter((row) => row.loggedIn).map((row) => row.provider)).toEqual(['app']);
    const opens = Number(/TOKEN FILE OPENS (\d+)/.exec(status.stderr)?.[1]);
    // One read of the store (a peek per provider opened it once per provider: 41 here).
    expect(opens).toBeGreaterThanOrEqual(1);
    expect(opens).toBeLessThanOrEqual(2);
  }, 60_000);
});

describe('status finds an OAuth 2 user login by the key its strategy stored it under', () => {
  it('a device login with explicit URLs and a grant-shaping authorization parameter shows as logged in', async () => {
    const device = await startSandbox({ deviceIntervalSeconds: 1 });
    try {
      const dir = tempDir();
      writeConfig(
        dir,
        `store: file
providers:
  tv:
    strategy: device-code
    deviceAuthorizationUrl: ${device.endpoints.deviceAuthorizationUrl}
    tokenUrl: ${device.endpoints.tokenUrl}
    clientId: ${DEMO_CREDENTIALS.device.clientId}
    scopes: [tweet.read, users.read, offline.access, tweet.read]
    authorizationParams: { login_hint: someone, prompt: consent }
`,
      );
      const before = JSON.parse((await runBinary(['status', '--json'], { cwd: dir })).stdout) as {
        providers: Array<{ loggedIn: boolean }>;
      };
      expect(before.providers[0]!.loggedIn).toBe(false);
      const child = spawnCli(['login', 'tv', '--json', '--no-browser'], { cwd: dir });
      child.stdin.end();
      let stdout = '';
      const page = new Promise<string>((resolve) =>
        child.stdout.on('data', (chunk) => {
          stdout += String(chunk);
          const event = /^(\{"event":"device_code".*\})$/m.exec(stdout)?.[1];
          if (event) resolve((JSON.parse(event) as { verificationUriComplete: string }).verificationUriComplete);
        }),
      );
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      await decideOnAuthorizePage(await page, 'approve');
      expect(await exited).toBe(0);
      const after = JSON.parse((await runBinary(['status', '--json'], { cwd: dir })).stdout) as {
        providers: Array<{ loggedIn: boolean; refreshable?: boolean }>;
      };
      expect(after.providers[0]).toMatchObject({ loggedIn: true, refreshable: true });
    } finally {
      await device.stop();
    }
  }, 60_000);
});

describe('login asks the adapter which flags it takes', () => {
  it('refuses --pin for a strategy whose login takes no PIN, naming the ones that do', async () => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'client-credentials')]));
    const requests = sandbox.stats.tokenRequests;
    const result = await runBinary(['login', 'app', '--pin', '1234567'], { cwd: dir, env: SANDBOX_ENV });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--pin is only for a login that takes a PIN (strategy oauth1-pin); app uses client-credentials');
    expect(sandbox.stats.tokenRequests).toBe(requests); // refused before anything was built
  });
});

describe('init reads the registry', () => {
  it('`init --help` lists every strategy with its adapter’s help line', async () => {
    const help = await runBinary(['init', '--help'], { cwd: tempDir() });
    expect(help.code).toBe(0);
    for (const [name, adapter] of Object.entries(STRATEGIES_BY_NAME))
      expect(help.stdout).toMatch(new RegExp(`\\n  ${name} +${adapter.help.replace(/[()+.]/g, '\\$&')}\\n`));
  });
});

describe('no strategy is named outside its adapter', () => {
  it('finds no `strategy ===` or `strategy !==` test in apps/cli/src outside strategies/', () => {
    const src = fileURLToPath(new URL('../src/', import.meta.url));
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
    const offenders = files(src)
      .filter((file) => !file.startsWith(join(src, 'strategies')))
      .filter((file) => /strategy (===|!==)/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
