import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBinary, tempDir, TRUSTED_TEST_VARIABLES, writeConfig, type RunResult } from './helpers.js';

// Issue 24: TOKENSMITH_CONFIG names the config when --config is not given (the flag wins; trust
// rules still apply to a file inside the working directory), in the full CLI and in the launcher's
// quick path; and --version prints the version, Node's version and the platform on one line.

const LAUNCHER = fileURLToPath(new URL('../bin/tokensmith.cjs', import.meta.url));
const dist = (file: string) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));

function runLauncher(launcher: string, argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}, stdin = ''): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [launcher, ...argv], {
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
    child.stdin.end(stdin);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => (stderr += String(c)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** A client-credentials provider whose token endpoint is a closed loopback port: only a stored token can answer. */
const config = (name: string, tokenUrl = 'http://127.0.0.1:9/oauth2/token') => `providers:
  ${name}:
    strategy: client-credentials
    tokenUrl: ${tokenUrl}
    clientId: id
    clientSecret: \${TOKENSMITH_TEST_SECRET}
`;
const ENV = { TOKENSMITH_TEST_SECRET: 'not-a-real-secret' };

describe('TOKENSMITH_CONFIG', () => {
  it('names the config outside the working directory (trusted as --config is); --config wins; a missing file names the variable', async () => {
    const home = tempDir();
    const elsewhere = writeConfig(tempDir(), config('from-env'), 'work.yaml');
    writeConfig(home, config('from-cwd'));
    writeConfig(home, config('from-flag'), 'flag.yaml');
    const env = { ...ENV, TOKENSMITH_CONFIG: elsewhere };
    const listed = JSON.parse((await runBinary(['providers', '--json'], { cwd: home, env })).stdout);
    expect(listed).toMatchObject({ source: elsewhere, origin: 'explicit', providers: [{ provider: 'from-env' }] });
    const flag = JSON.parse((await runBinary(['--config', 'flag.yaml', 'providers', '--json'], { cwd: home, env })).stdout);
    expect(flag.providers[0].provider).toBe('from-flag');
    const missing = await runBinary(['providers'], { cwd: home, env: { TOKENSMITH_CONFIG: join(home, 'nope.yaml') } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`config file ${join(home, 'nope.yaml')} does not exist (check TOKENSMITH_CONFIG)`);
    // Empty counts as unset: the working directory's file.
    const empty = JSON.parse((await runBinary(['providers', '--json'], { cwd: home, env: { ...ENV, TOKENSMITH_CONFIG: '' } })).stdout);
    expect(empty.providers[0].provider).toBe('from-cwd');
  });

  it('a file inside the working directory is trust-checked as the working directory config is', async () => {
    const dir = tempDir();
    writeConfig(dir, config('remote', 'https://auth.example.com/oauth2/token'), 'ci.yaml');
    const result = await runBinary(['token', 'remote'], { cwd: dir, env: { ...ENV, TOKENSMITH_CONFIG: 'ci.yaml' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('tokensmith trust');
    expect(result.stderr).toContain('auth.example.com');
  });

  it('the quick path honours it: a launcher without the full CLI answers token from the stored token', async () => {
    const home = tempDir();
    const path = writeConfig(tempDir(), config('app'), 'work.yaml');
    const env = { ...ENV, TOKENSMITH_CONFIG: path, TOKENSMITH_TOKEN_FILE: join(home, 'tokens.json') };
    expect((await runBinary(['login', 'app', '--with-token'], { cwd: home, env, stdin: 'stored-token-123' })).code).toBe(0);
    // An install with only the launcher and the quick bundles: anything the quick path left to the CLI would fail.
    const install = tempDir();
    mkdirSync(join(install, 'bin'));
    mkdirSync(join(install, 'dist'));
    copyFileSync(LAUNCHER, join(install, 'bin', 'tokensmith.cjs'));
    for (const file of ['quick-help.cjs', 'help-pages.json', 'quick-token.cjs']) copyFileSync(dist(file), join(install, 'dist', file));
    const quick = await runLauncher(join(install, 'bin', 'tokensmith.cjs'), ['token', 'app'], home, env);
    expect(quick).toEqual({ code: 0, stdout: 'stored-token-123\n', stderr: '' });
  });
});

describe('tokensmith --version', () => {
  it('prints the version, Node and the platform on one line, from the CLI and the launcher alike', async () => {
    const dir = tempDir();
    const line = new RegExp(
      `^tokensmith \\d+\\.\\d+\\.\\d+\\S* \\(node ${process.version.replace(/\./g, '\\.')}; ${process.platform}-${process.arch}\\)\\n$`,
    );
    const full = await runBinary(['--version'], { cwd: dir });
    expect(full.code).toBe(0);
    expect(full.stdout).toMatch(line);
    const launched = await runLauncher(LAUNCHER, ['--version'], dir);
    expect(launched).toEqual({ code: 0, stdout: full.stdout, stderr: '' });
  });
});
