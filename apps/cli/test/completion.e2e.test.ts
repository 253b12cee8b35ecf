import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, runBinary, tempDir, writeConfig, type RunResult } from './helpers.js';

// Issue 24: `tokensmith completion bash|zsh|fish`. The bash script is tested by running bash: source
// it, check `complete -p tokensmith`, and drive `_tokensmith` through COMP_WORDS/COMP_CWORD as bash
// does on Tab, reading COMPREPLY. Provider names come from the config (the hidden __complete), never
// a secret, and a name carrying shell syntax is never expanded.

const SECRET = 'literal-client-secret-7f3a';
const LAUNCHER = fileURLToPath(new URL('../bin/tokensmith.cjs', import.meta.url));

function runLauncher(launcher: string, argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [launcher, ...argv], {
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin', HOME: cwd, XDG_CONFIG_HOME: join(cwd, '.config'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => (stderr += String(c)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const CONFIG = `providers:
  github:
    strategy: device-code
    clientId: gh-client
    deviceAuthorizationUrl: https://github.com/login/device/code
    tokenUrl: https://github.com/login/oauth/access_token
    scopes: [read:user]
  twitter-app:
    strategy: client-credentials
    tokenUrl: https://api.twitter.com/oauth2/token
    clientId: app
    clientSecret: ${SECRET}
  "bad$(touch pwned)":
    strategy: client-credentials
`;

/** Runs bash with the script sourced and `tokensmith` as a function running the built CLI; returns stdout. */
function driveBash(dir: string, script: string, body: string): string {
  const scriptPath = join(dir, 'tokensmith.bash');
  writeFileSync(scriptPath, script);
  const prelude = `
tokensmith() { "${process.execPath}" "${BIN}" "$@"; }
source "${scriptPath}"
comp() {
  COMP_WORDS=("$@"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMPREPLY=()
  _tokensmith
  printf '%s\\n' "[$*]" "\${COMPREPLY[@]}" "--"
}
`;
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', prelude + body], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin', HOME: dir, XDG_CONFIG_HOME: join(dir, '.config') },
    encoding: 'utf8',
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

/** The replies of each `comp` call, by the words given. */
function replies(output: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const block of output.split('--\n').filter(Boolean)) {
    const [words, ...rest] = block.trimEnd().split('\n');
    out[words!.slice(1, -1)] = rest.filter(Boolean);
  }
  return out;
}

describe('tokensmith completion', () => {
  it("bash: registered with complete -F, completes commands, flags, fixed values and the config's provider names", async () => {
    const dir = tempDir();
    writeConfig(dir, CONFIG);
    writeConfig(dir, CONFIG.replace('github:', 'elsewhere:'), 'other.yaml');
    const script = await runBinary(['completion', 'bash'], { cwd: dir });
    expect(script.code).toBe(0);
    expect(spawnSync('bash', ['-n'], { input: script.stdout }).status).toBe(0);
    const output = driveBash(
      dir,
      script.stdout,
      `complete -p tokensmith
comp tokensmith ''
comp tokensmith ref
comp tokensmith token ''
comp tokensmith status tw
comp tokensmith token --format ''
comp tokensmith --store ''
comp tokensmith status --
comp tokensmith completion ''
comp tokensmith --config other.yaml login ''
comp tokensmith refresh github --s
comp tokensmith token github ''
comp tokensmith exec ''
`,
    );
    expect(output.split('\n')[0]).toBe('complete -F _tokensmith tokensmith');
    const got = replies(output.split('\n').slice(1).join('\n'));
    expect(got['tokensmith ']).toEqual(expect.arrayContaining(['status', 'refresh', 'completion', 'token', 'login', 'logout']));
    expect(got['tokensmith ']).not.toContain('__complete');
    expect(got['tokensmith ref']).toEqual(['refresh']);
    expect(got['tokensmith token ']).toEqual(['github', 'twitter-app']);
    expect(got['tokensmith status tw']).toEqual(['twitter-app']);
    expect(got['tokensmith token --format ']).toEqual(['raw', 'json', 'header', 'env', 'exec-credential']);
    expect(got['tokensmith --store ']).toEqual(['auto', 'keychain', 'file', 'memory']);
    expect(got['tokensmith status --']).toEqual(['--json', '--help']);
    expect(got['tokensmith completion ']).toEqual(['bash', 'zsh', 'fish']);
    expect(got['tokensmith --config other.yaml login ']).toEqual(['elsewhere', 'twitter-app']);
    expect(got['tokensmith refresh github --s']).toEqual(['--scopes']);
    expect(got['tokensmith token github ']).toEqual([]);
    expect(got['tokensmith exec ']).toEqual(['github', 'twitter-app']);
    // The name with shell syntax was neither offered nor run.
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect(output).not.toContain(SECRET);
  });

  it('__complete prints provider names only: never a secret, nothing on stderr; TOKENSMITH_CONFIG is honoured; a broken config prints nothing', async () => {
    const dir = tempDir();
    writeConfig(dir, CONFIG);
    const names = await runBinary(['__complete', 'providers'], { cwd: dir });
    expect(names).toEqual({ code: 0, stdout: 'github\ntwitter-app\n', stderr: '' });
    writeConfig(dir, CONFIG.replace('github:', 'from-env:'), 'env.yaml');
    const fromEnv = await runBinary(['__complete', 'providers'], { cwd: dir, env: { TOKENSMITH_CONFIG: join(dir, 'env.yaml') } });
    expect(fromEnv.stdout).toBe('from-env\ntwitter-app\n');
    writeConfig(dir, 'providers: [unclosed', 'broken.yaml');
    expect(await runBinary(['--config', 'broken.yaml', '__complete', 'providers'], { cwd: dir })).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    // No config file: the built-in demo's names, without starting its sandbox.
    const demo = await runBinary(['__complete', 'providers'], { cwd: tempDir() });
    expect(demo.stdout.split('\n')).toContain('sandbox-app');
    expect(await runBinary(['__complete', 'accounts', 'github'], { cwd: dir })).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('the launcher answers __complete before the CLI loads (an install with only the quick bundles), as the full CLI does', async () => {
    const dir = tempDir();
    writeConfig(dir, 'providers:\n  github:\n    strategy: device-code\n  app:\n    strategy: client-credentials\n', 'plain.yaml');
    const install = tempDir();
    mkdirSync(join(install, 'bin'));
    mkdirSync(join(install, 'dist'));
    copyFileSync(LAUNCHER, join(install, 'bin', 'tokensmith.cjs'));
    for (const file of ['quick-help.cjs', 'help-pages.json', 'quick-token.cjs'])
      copyFileSync(fileURLToPath(new URL(`../dist/${file}`, import.meta.url)), join(install, 'dist', file));
    const quick = join(install, 'bin', 'tokensmith.cjs');
    for (const argv of [
      ['--config', 'plain.yaml', '__complete', 'providers'],
      ['__complete', 'providers'],
    ]) {
      const [answered, full] = await Promise.all([
        runLauncher(quick, argv, dir),
        runLauncher(LAUNCHER, argv, dir, { TOKENSMITH_NO_QUICK_PATH: '1' }),
      ]);
      expect(answered).toEqual(full);
      expect(answered.code).toBe(0);
    }
    expect((await runLauncher(quick, ['-c', 'plain.yaml', '__complete', 'providers'], dir)).stdout).toBe('github\napp\n');
  });

  it('zsh and fish: syntactically valid where the shell exists; otherwise their content registers the function and asks __complete', async () => {
    const dir = tempDir();
    for (const shell of ['zsh', 'fish'] as const) {
      const script = await runBinary(['completion', shell], { cwd: dir });
      expect(script.code).toBe(0);
      expect(script.stdout).toContain('__complete');
      expect(script.stdout).toMatch(shell === 'zsh' ? /compdef _tokensmith tokensmith/ : /^complete -c tokensmith -f$/m);
      expect(script.stdout).toContain(
        shell === 'zsh' ? 'refresh) compadd -- --scopes' : "-n '__fish_seen_subcommand_from refresh' -l scopes -x",
      );
      if (spawnSync(shell, ['--version']).status === 0) {
        const path = join(dir, `tokensmith.${shell}`);
        writeFileSync(path, script.stdout);
        expect(spawnSync(shell, ['-n', path]).status).toBe(0);
      }
    }
    const unknown = await runBinary(['completion', 'powershell'], { cwd: dir });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no completion for powershell: the shell must be one of bash, zsh, fish');
  });
});
