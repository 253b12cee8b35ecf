import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';
import { runInPty } from './pty.js';

// The start-up budget of a stored-token `tokensmith timeline` (issue 16: faster than the Python
// recipe, under 60 MiB) rests mostly on what it does not load: undici (Node's fetch, ~30 ms of CPU
// and ~35 MiB), and the Node built-ins only other runs need (~6 ms together, paired runs):
// node:readline (a prompt), node:child_process (a browser; commander's executable subcommands),
// node:worker_threads (the file store's lock) and node:tls (node:https, a token request's agents).
// A module preloaded into the real binary reports which of them loaded.
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

// The built-ins by their exact names: node:fs/promises loads internal/readline/interface (for
// FileHandle.readLines) in every run, which is not node:readline.
const REPORT = `process.on('exit', () => {
  const list = process.moduleLoadList;
  const builtin = (name) => list.includes('NativeModule ' + name);
  const loaded = {
    undici: list.some((m) => m.includes('undici')),
    readline: builtin('readline'),
    child_process: builtin('child_process'),
    worker_threads: builtin('worker_threads'),
    tls: builtin('tls'),
  };
  process.stderr.write('\\nLOADED ' + JSON.stringify(loaded) + '\\n');
});
`;

type Loaded = Record<'undici' | 'readline' | 'child_process' | 'worker_threads' | 'tls', boolean>;

function loaded(stderr: string): Loaded {
  const line = /LOADED (\{.*\})/.exec(stderr);
  if (!line) throw new Error(`no report in: ${stderr}`);
  return JSON.parse(line[1]!) as Loaded;
}

const NONE: Loaded = { undici: false, readline: false, child_process: false, worker_threads: false, tls: false };

describe('the stored-token start-up path', () => {
  it('prints the timeline without loading undici (the request goes over node:http) or built-ins it does not use', async () => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'client-credentials', { user: 'twitterapi' })]));
    const probe = join(dir, 'report-loaded.mjs');
    writeFileSync(probe, REPORT);
    const env = { ...SANDBOX_ENV, NODE_OPTIONS: `--import=${pathToFileURL(probe).href}` };
    const first = await runBinary(['timeline', '--count', '2'], { cwd: dir, env });
    expect(first.code).toBe(0);
    expect(sandbox.stats.tokenRequests).toBe(1);
    // The check itself can fail: the first run requests a token (node:https's agents, so node:tls)
    // and stores it under the file lock (node:worker_threads, for the lock's thread id).
    expect(loaded(first.stderr)).toEqual({ ...NONE, worker_threads: true, tls: true });
    const again = await runBinary(['timeline', '--count', '2'], { cwd: dir, env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Tweet:');
    // The second run used the stored token: no new token request, and none of them loaded.
    expect(sandbox.stats.tokenRequests).toBe(1);
    expect(loaded(again.stderr)).toEqual(NONE);
    // Under --verbose the logging fetch (Node's) is used, and undici loads (with node:tls and
    // node:worker_threads, its own imports).
    const verbose = await runBinary(['--verbose', 'timeline', '--count', '2'], { cwd: dir, env });
    expect(verbose.code).toBe(0);
    expect(loaded(verbose.stderr)).toMatchObject({ undici: true });
  }, 60_000);

  it('the same report sees node:child_process and node:readline in a run that opens a browser and asks', async () => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig([sandboxProvider(sandbox, 'authorization-code')]));
    const probe = join(dir, 'report-loaded.mjs');
    writeFileSync(probe, REPORT);
    // A launcher that fails (child_process), then the paste prompt on a terminal (readline); Ctrl-C.
    const pty = runInPty(['login', 'me'], {
      cwd: dir,
      env: { BROWSER: 'false', DISPLAY: ':0', NODE_OPTIONS: `--import=${pathToFileURL(probe).href}` },
    });
    await pty.waitFor('paste the URL');
    pty.type('\u0003');
    expect(await pty.exited).toBe(130);
    expect(loaded(pty.text)).toMatchObject({ readline: true, child_process: true });
  }, 60_000);
});
