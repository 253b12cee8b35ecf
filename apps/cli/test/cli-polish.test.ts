import { spawn } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import { parseConfig } from '../src/config-load.js';
import { demoConfigYaml } from '../src/demo-config.js';
import { run } from '../src/program.js';
import { DEMO_CREDENTIALS } from '@tokensmith/sandbox';
import { BIN, runBinary, tempDir, writeConfig } from './helpers.js';

describe('tokensmith sandbox', () => {
  it('runs in the foreground, prints a config another process can use, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'sandbox', '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    const listening = new Promise<void>((resolve) => child.stderr.on('data', (c) => { stderr += String(c); if (stderr.includes('listening on')) resolve(); }));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await listening;
      const config = JSON.parse(stdout) as { providers: Record<string, { strategy: string }> };
      expect(Object.values(config.providers).map((p) => p.strategy)).toEqual(['client-credentials', 'oauth1-pin', 'authorization-code']);
      const dir = tempDir();
      writeConfig(dir, JSON.stringify(config), 'tokensmith.config.json');
      const timeline = await runBinary(['timeline', '--count', '1'], { cwd: dir });
      expect(timeline.code).toBe(0);
      expect(timeline.stdout).toMatch(/^Tweet: /);
      expect(stderr).toMatch(/sandbox listening on http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('prints YAML that validates as a config', async () => {
    const yaml = demoConfigYaml('http://127.0.0.1:9', DEMO_CREDENTIALS);
    const { config } = await parseConfig(yaml, 'sandbox.yaml', {});
    expect(Object.keys(config.providers)).toEqual(['sandbox-app', 'sandbox-oauth1', 'sandbox-oauth2']);
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
