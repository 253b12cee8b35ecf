import { chownSync, existsSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { startSandbox, DEMO_CREDENTIALS, type Sandbox } from '@tokensmith/sandbox';
import { run } from '../src/program.js';
import { runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';

// Issue 17, holes 9-11, attacked the way they were found: real files, the built binary, a real sandbox
// socket that counts what it receives.

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

const AWS = 'AWS-SECRET-never-send-7c1e';
/** No allow-listed names: the user has allowed nothing yet. */
const untrusting = { TOKENSMITH_TRUSTED_VARIABLES: '' };

/** A cloned repository's config: the sandbox's app, with its secret read from an unrelated variable. */
function clonedConfig(dir: string, secretRef = '${AWS_SECRET_ACCESS_KEY}'): string {
  return writeConfig(
    dir,
    sandboxConfig([sandboxProvider(sandbox, 'client-credentials', { secretRef, user: 'twitterapi' })], { store: 'memory' }),
  );
}

describe('hole 9: a working-directory config does not silently send environment variables', () => {
  it('without a terminal, fails at once naming the file, the variable and the host, sends nothing, and says to run tokensmith trust', async () => {
    const dir = tempDir();
    clonedConfig(dir);
    const before = sandbox.stats.tokenRequests;
    const result = await runBinary(['timeline', 'app'], { cwd: dir, env: { ...untrusting, AWS_SECRET_ACCESS_KEY: AWS } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${join(dir, 'tokensmith.config.yaml')} (found in the working directory) sends environment variable AWS_SECRET_ACCESS_KEY to ${new URL(sandbox.url).host}`,
    );
    expect(result.stderr).toContain('run: tokensmith trust');
    expect(result.stderr).toContain('--config');
    expect(sandbox.stats.tokenRequests).toBe(before);
    expect(result.stdout + result.stderr).not.toContain(AWS);
  });

  it('tokensmith trust allows the file at its content: then it is used, with the file and variables named on stderr; an edit asks again', async () => {
    const dir = tempDir();
    const path = clonedConfig(dir);
    const env = { ...untrusting, AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.app.clientSecret };
    const trust = await runBinary(['trust'], { cwd: dir, env });
    expect(trust.code).toBe(0);
    expect(trust.stderr).toContain(
      `trusted ${path} at its current content: it may use environment variables AWS_SECRET_ACCESS_KEY with ${new URL(sandbox.url).host}`,
    );
    expect(statSync(join(dir, '.config', 'tokensmith', 'trust.json')).mode & 0o777).toBe(0o600);
    const used = await runBinary(['timeline', 'app', '--count', '1'], { cwd: dir, env });
    expect(used.code).toBe(0);
    expect(used.stderr).toContain(`using ${path} (provider app; environment variables AWS_SECRET_ACCESS_KEY)`);
    expect(used.stdout).toContain('Tweet:');
    writeFileSync(path, readFileSync(path, 'utf8').replace('user: twitterapi', 'user: cafe_dev'));
    const edited = await runBinary(['timeline', 'app'], { cwd: dir, env });
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain('tokensmith trust');
    expect((await runBinary(['trust', '--revoke'], { cwd: dir, env })).stderr).toContain('is no longer trusted');
  });

  it('--config PATH (the user named it) and TOKENSMITH_* variables need no trust', async () => {
    const dir = tempDir();
    const path = clonedConfig(dir);
    const explicit = await runBinary(['--config', path, 'timeline', 'app', '--count', '1'], {
      cwd: dir,
      env: { ...untrusting, AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.app.clientSecret },
    });
    expect(explicit.code).toBe(0);
    const own = tempDir();
    clonedConfig(own, '${TOKENSMITH_APP_SECRET}');
    const prefixed = await runBinary(['timeline', 'app', '--count', '1'], {
      cwd: own,
      env: { ...untrusting, TOKENSMITH_APP_SECRET: DEMO_CREDENTIALS.app.clientSecret },
    });
    expect(prefixed.code).toBe(0);
    expect(prefixed.stderr).toContain('environment variables TOKENSMITH_APP_SECRET');
  });

  it('tokensmith trust --allow-variable allows a name in any config (kept in the user config dir)', async () => {
    const dir = tempDir();
    clonedConfig(dir);
    const env = { ...untrusting, AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.app.clientSecret };
    expect((await runBinary(['trust', '--allow-variable', 'AWS_SECRET_ACCESS_KEY'], { cwd: dir, env })).code).toBe(0);
    expect((await runBinary(['timeline', 'app', '--count', '1'], { cwd: dir, env })).code).toBe(0);
    expect((await runBinary(['trust', '--allow-variable', 'NOT-A-NAME'], { cwd: dir, env })).code).toBe(1);
  });

  it('a file owned by another user needs trust even without variables', async () => {
    const dir = tempDir();
    const path = writeConfig(
      dir,
      sandboxConfig(
        [sandboxProvider(sandbox, 'client-credentials', { secretRef: DEMO_CREDENTIALS.app.clientSecret, user: 'twitterapi' })],
        { store: 'memory' },
      ),
    );
    if (process.getuid?.() !== 0) return; // only root can hand a file to another user here
    chownSync(path, 65534, 65534);
    const result = await runBinary(['timeline', 'app'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is owned by another user');
  });

  it('on a terminal, asks once; "y" records the trust, anything else refuses', async () => {
    const dir = tempDir();
    clonedConfig(dir);
    const ask = async (answer: string) => {
      const stdin = Object.assign(Readable.from([answer]), { isTTY: true });
      const stderr = Object.assign(new PassThrough(), { isTTY: true });
      let err = '';
      stderr.on('data', (c) => (err += String(c)));
      const code = await run(['--store', 'memory', 'timeline', 'app', '--count', '1'], {
        stdout: new PassThrough(),
        stderr,
        stdin,
        env: { XDG_CONFIG_HOME: join(dir, '.config'), NO_COLOR: '1', AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.app.clientSecret },
        cwd: dir,
      });
      return { code, err };
    };
    const refused = await ask('n\n');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('Trust this file (at its current content) and use it? [y/N]');
    expect(refused.err).toContain('not trusted');
    const accepted = await ask('y\n');
    expect(accepted.code).toBe(0);
    expect(existsSync(join(dir, '.config', 'tokensmith', 'trust.json'))).toBe(true);
    const again = await ask('');
    expect(again.code).toBe(0);
    expect(again.err).not.toContain('[y/N]');
  });

  it('providers and status, which send nothing, list an untrusted file without asking', async () => {
    const dir = tempDir();
    clonedConfig(dir);
    const env = { ...untrusting, AWS_SECRET_ACCESS_KEY: AWS };
    expect((await runBinary(['providers'], { cwd: dir, env })).code).toBe(0);
    expect((await runBinary(['status'], { cwd: dir, env })).code).toBe(0);
  });
});

describe('hole 10: init never writes through links and leaves 0600', () => {
  it('init --force refuses a symlinked tokensmith.config.yaml and leaves the target untouched', async () => {
    const dir = tempDir();
    const target = join(dir, 'precious.txt');
    writeFileSync(target, 'keep me\n', { mode: 0o644 });
    symlinkSync(target, join(dir, 'tokensmith.config.yaml'));
    const result = await runBinary(['init', '--force'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is a symbolic link; tokensmith init never writes through links');
    expect(readFileSync(target, 'utf8')).toBe('keep me\n');
    expect(statSync(target).mode & 0o777).toBe(0o644);
  });

  it('plain init does not create the target of a dangling symlink', async () => {
    const dir = tempDir();
    const target = join(dir, 'elsewhere.yaml');
    symlinkSync(target, join(dir, 'tokensmith.config.yaml'));
    const result = await runBinary(['init'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(existsSync(target)).toBe(false);
    expect(lstatSync(join(dir, 'tokensmith.config.yaml')).isSymbolicLink()).toBe(true);
  });

  it('overwriting a 0644 file with --force leaves 0600 and reports the real mode', async () => {
    const dir = tempDir();
    writeConfig(dir, 'old: true\n', 'tokensmith.config.yaml', 0o644);
    const result = await runBinary(['init', '--force'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(statSync(join(dir, 'tokensmith.config.yaml')).mode & 0o777).toBe(0o600);
    expect(result.stderr).toContain('(mode 600)');
    expect(readFileSync(join(dir, 'tokensmith.config.yaml'), 'utf8')).toMatch(/^# tokensmith config/);
  });
});

describe('hole 11: provider names by own property, bounded config depth', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'tokensmith token %s is an unknown provider, exit 1',
    async (name) => {
      const dir = tempDir();
      clonedConfig(dir, '${APP_SECRET}');
      const result = await runBinary(['token', name], { cwd: dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`unknown provider ${name}; configured: app`);
    },
  );

  it('defaultProvider: toString fails validation', async () => {
    const dir = tempDir();
    writeConfig(dir, `defaultProvider: toString\n${sandboxConfig([sandboxProvider(sandbox, 'client-credentials')])}`);
    const result = await runBinary(['token'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('defaultProvider: defaultProvider must be one of the names under providers');
  });

  it('a provider named constructor is refused by name, not silently dropped', async () => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'client-credentials', { name: 'constructor' })]));
    const result = await runBinary(['providers'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('providers.constructor: constructor cannot be a provider name');
  });

  it.each([
    ['JSON', 'tokensmith.config.json', `{"providers": {"a": ${'['.repeat(200_000)}${']'.repeat(200_000)}}}`],
    ['YAML', 'tokensmith.config.yaml', `providers:\n  a: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`],
  ])('a 200,000-deep %s config is a clear config error, exit 1', async (_format, name, text) => {
    const dir = tempDir();
    writeConfig(dir, text, name);
    const result = await runBinary(['providers'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${join(dir, name)} nests deeper than 32 levels`);
    expect(result.stderr).not.toMatch(/RangeError|call stack/);
  });
});
