import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';

// The start-up budget of a stored-token `tokensmith timeline` (issue 16: faster than the Python
// recipe, under 60 MiB) rests mostly on what it does not load: undici (Node's fetch, ~30 ms of CPU
// and ~35 MiB). A module preloaded into the real binary reports whether undici loaded.
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

const REPORT = `process.on('exit', () => {
  const undici = process.moduleLoadList.some((m) => m.includes('undici'));
  process.stderr.write('\\nLOADED ' + JSON.stringify({ undici }) + '\\n');
});
`;

function loaded(stderr: string): { undici: boolean } {
  const line = /LOADED (\{.*\})/.exec(stderr);
  if (!line) throw new Error(`no report in: ${stderr}`);
  return JSON.parse(line[1]!) as { undici: boolean };
}

describe('the stored-token start-up path', () => {
  it('prints the timeline without loading undici (the request goes over node:http)', async () => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'client-credentials', { user: 'twitterapi' })]));
    const probe = join(dir, 'report-loaded.mjs');
    writeFileSync(probe, REPORT);
    const env = { ...SANDBOX_ENV, NODE_OPTIONS: `--import=${pathToFileURL(probe).href}` };
    const first = await runBinary(['timeline', '--count', '2'], { cwd: dir, env });
    expect(first.code).toBe(0);
    expect(sandbox.stats.tokenRequests).toBe(1);
    const again = await runBinary(['timeline', '--count', '2'], { cwd: dir, env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Tweet:');
    // The second run used the stored token: no new token request, and Node's fetch never loaded.
    expect(sandbox.stats.tokenRequests).toBe(1);
    expect(loaded(again.stderr)).toEqual({ undici: false });
    // The check itself can fail: under --verbose the logging fetch (Node's) is used, and undici loads.
    const verbose = await runBinary(['--verbose', 'timeline', '--count', '2'], { cwd: dir, env });
    expect(verbose.code).toBe(0);
    expect(loaded(verbose.stderr)).toEqual({ undici: true });
  }, 60_000);
});
