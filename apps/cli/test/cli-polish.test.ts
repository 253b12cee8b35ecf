import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { parseConfig } from '../src/config/load.js';
import { demoConfigYaml } from '../src/demo/config.js';
import { run } from '../src/program.js';
import { DEMO_CREDENTIALS } from '@tokensmith/sandbox';
import { BIN, runBinary, tempDir, writeConfig } from './helpers.js';

describe('tokensmith sandbox', () => {
  it('runs in the foreground, prints a config another process can use, and stops on SIGTERM', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, [BIN, 'sandbox', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: dir, XDG_CONFIG_HOME: join(dir, '.config') },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    const listening = new Promise<void>((resolve) =>
      child.stderr.on('data', (c) => {
        stderr += String(c);
        if (stderr.includes('listening on')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await listening;
      const config = JSON.parse(stdout) as { store: string; providers: Record<string, { strategy: string }> };
      expect(Object.values(config.providers).map((p) => p.strategy)).toEqual([
        'client-credentials',
        'oauth1-pin',
        'authorization-code',
        'device-code',
      ]);
      // A token file of the sandbox's own, never the user's real tokens.json.
      const demoTokens = join(dir, '.config', 'tokensmith', 'demo', 'sandbox-tokens.json');
      expect(config.store).toBe(`file:${demoTokens}`);
      writeConfig(dir, JSON.stringify(config), 'tokensmith.config.json');
      // A file the person wrote by hand naming a store location is trusted once (issue 26's rule; --write does it itself).
      expect((await runBinary(['trust'], { cwd: dir })).code).toBe(0);
      const timeline = await runBinary(['timeline', '--count', '1'], { cwd: dir });
      expect(timeline.code).toBe(0);
      expect(readFileSync(demoTokens, 'utf8')).toContain('accessToken');
      expect(existsSync(join(dir, '.config', 'tokensmith', 'tokens.json'))).toBe(false);
      const status = JSON.parse((await runBinary(['status', '--json'], { cwd: dir })).stdout) as { store: unknown };
      expect(status.store).toEqual({ kind: 'file', path: demoTokens });
      expect(timeline.stdout).toMatch(/^Tweet: /);
      expect(stderr).toMatch(/sandbox listening on http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(143);
  });

  it('--write PATH --force writes the config 0600 (even over an existing 0644 file), prints the demo login, and a busy --port suggests --port 0', async () => {
    const dir = tempDir();
    const path = join(dir, 'tokensmith.config.yaml');
    writeFileSync(path, 'old', { mode: 0o644 });
    const child = spawn(process.execPath, [BIN, 'sandbox', '--write', path, '--force'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: dir, XDG_CONFIG_HOME: join(dir, '.config') },
    });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    const listening = new Promise<void>((resolve) =>
      child.stderr.on('data', (c) => {
        stderr += String(c);
        if (stderr.includes('Ctrl-C to stop')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await listening;
      expect(stdout).toBe('');
      expect(stderr).toContain(`wrote the config to ${path} (mode 600)`);
      expect(stderr).toContain(`Demo login: username ${DEMO_CREDENTIALS.user.screenName}, password ${DEMO_CREDENTIALS.user.password}`);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(readFileSync(path, 'utf8')).toContain(`store: "file:${join(dir, '.config', 'tokensmith', 'demo', 'sandbox-tokens.json')}"`);
      // The config works from another process, without the literal-secret warning a 0644 file draws.
      const timeline = await runBinary(['timeline', '--count', '1'], { cwd: dir });
      expect(timeline.code).toBe(0);
      expect(timeline.stderr).not.toContain('warning');
      const port = /sandbox listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr)![1]!;
      const busy = await runBinary(['sandbox', '--port', port], { cwd: dir });
      expect(busy.code).toBe(1);
      expect(busy.stderr).toBe(
        `error: port ${port} on 127.0.0.1 is already in use: pick another with --port, or --port 0 for a free one\n`,
      );
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(130);
  });

  it('prints YAML that validates as a config', async () => {
    const yaml = demoConfigYaml('http://127.0.0.1:9', DEMO_CREDENTIALS, 'file:/tmp/demo dir/sandbox-tokens.json');
    const { config } = await parseConfig(yaml, 'sandbox.yaml', {});
    expect(Object.keys(config.providers)).toEqual(['sandbox-app', 'sandbox-oauth1', 'sandbox-oauth2', 'sandbox-device']);
    expect(config.store).toBe('file:/tmp/demo dir/sandbox-tokens.json');
  });
});

describe('colour', () => {
  async function stderrOf(env: NodeJS.ProcessEnv, tty: boolean): Promise<string> {
    const stderr = Object.assign(new PassThrough(), { isTTY: tty });
    let text = '';
    stderr.on('data', (c) => (text += String(c)));
    await run(['timeline', '--count', '0'], { stdout: new PassThrough(), stderr, stdin: Readable.from([]), env, cwd: tempDir() });
    return text;
  }
  it('is used only on a TTY, and never with NO_COLOR', async () => {
    expect(await stderrOf({}, true)).toContain('\u001b[31merror:\u001b[39m');
    expect(await stderrOf({ NO_COLOR: '1' }, true)).toMatch(/^error: /);
    expect(await stderrOf({}, false)).toMatch(/^error: /);
  });
});

describe('spinner', () => {
  it('draws one terminal row at most (a wrapped line cannot be cleared and stays in the scrollback) and clears it on stop', async () => {
    const { createProgress } = await import('../src/terminal/io.js');
    const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 40 });
    let text = '';
    stderr.on('data', (c) => (text += String(c)));
    const progress = createProgress({ stdout: new PassThrough(), stderr, stdin: Readable.from([]), env: {}, cwd: '/' });
    progress.start(`Requesting a request token from ${'http://127.0.0.1:12345/'.repeat(4)}`);
    progress.stop();
    const frames = text.split('\r\u001b[2K').filter(Boolean);
    // eslint-disable-next-line no-control-regex
    const visible = frames[0]!.replace(/\u001b\[[0-9;]*m/g, '');
    expect(visible.length).toBeLessThanOrEqual(40);
    expect(visible.endsWith('…')).toBe(true);
    expect(text.endsWith('\r\u001b[2K')).toBe(true);
  });
});

describe('logout', () => {
  it('says when there is nothing to log out of, instead of "Logged out"', async () => {
    const dir = tempDir();
    const result = await runBinary(['logout', 'sandbox-oauth1'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Not logged in to sandbox-oauth1; nothing to do');
    expect(result.stderr).not.toContain('Logged out');
  });
});

describe('logout of a client-credentials provider', () => {
  it('invalidates the token at invalidateUrl (Twitter oauth2/invalidate_token), so it no longer works', async () => {
    const { startSandbox } = await import('@tokensmith/sandbox');
    const { SANDBOX_ENV, sandboxConfig, sandboxProvider } = await import('./helpers.js');
    const sandbox = await startSandbox();
    try {
      const dir = tempDir();
      const block = sandboxProvider(sandbox, 'client-credentials').replace(
        '    timeline:',
        `    invalidateUrl: ${sandbox.endpoints.invalidateTokenUrl}\n    timeline:`,
      );
      writeConfig(dir, sandboxConfig([block]));
      const token = await runBinary(['token', 'app'], { cwd: dir, env: SANDBOX_ENV });
      expect(token.code).toBe(0);
      expect(sandbox.state.appTokens.has(token.stdout.trim())).toBe(true);
      const logout = await runBinary(['logout', 'app'], { cwd: dir, env: SANDBOX_ENV });
      expect(logout.code).toBe(0);
      expect(logout.stderr).toContain('Logged out of app');
      expect(sandbox.state.appTokens.has(token.stdout.trim())).toBe(false);
    } finally {
      await sandbox.stop();
    }
  });
});
