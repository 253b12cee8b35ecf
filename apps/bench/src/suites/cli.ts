import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_CREDENTIALS } from '@tokensmith/sandbox';
import { summarize, type Summary } from '../stats.js';

const PROBE = fileURLToPath(new URL('../rss-probe.js', import.meta.url));
/** The command as users run it: npm links this launcher, which imports the bundle (dist/bin.js). */
export const USER_BIN = fileURLToPath(new URL('../../../cli/bin/tokensmith.js', import.meta.url));
const RECIPE = fileURLToPath(new URL('../../../../packages/sandbox/test/fixtures/twitter_recipe.py', import.meta.url));
/** Runs a Python script and reports its peak RSS and CPU time the same way rss-probe does. */
const PY_RSS =
  'import resource, runpy, sys; runpy.run_path(sys.argv[1], run_name="__main__"); u = resource.getrusage(resource.RUSAGE_SELF); sys.stderr.write("\\nBENCH_MAXRSS_KB=%d\\nBENCH_CPU_US=%d\\n" % (u.ru_maxrss, (u.ru_utime + u.ru_stime) * 1e6))';

/** One command of the comparison. */
interface Contender {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

/** Wall time (ms), child CPU time (user + system, ms) and peak RSS (MiB, the whole process's, see wholeProcessPeakMiB) of one contender. */
export interface StartupFigure {
  wall: Summary;
  cpu: Summary;
  rssMiB: number;
}

/**
 * Runs every contender once per round, `rounds` times, rotating the order each round, so that all
 * of them see the same machine (2 busy cores drift by tens of ms over a minute: whole blocks of
 * one command then another would measure the drift, not the commands). One unmeasured round first
 * (disk cache, the stored token).
 */
function paired<K extends string>(
  contenders: Record<K, Contender>,
  rounds: number,
  cwd: string,
  baseEnv: NodeJS.ProcessEnv,
): Record<K, StartupFigure> {
  const names = Object.keys(contenders) as K[];
  const walls = new Map<K, number[]>(names.map((n) => [n, []]));
  const cpus = new Map<K, number[]>(names.map((n) => [n, []]));
  const rss = new Map<K, number>(names.map((n) => [n, 0]));
  for (let round = -1; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(Math.max(round, 0) + i) % names.length]!;
      const { command, args, env } = contenders[name];
      const start = performance.now();
      const result = spawnSync(command, args, { env: { ...baseEnv, ...env }, cwd, encoding: 'utf8' });
      const wall = performance.now() - start;
      if (result.status !== 0) throw new Error(`${name} exited ${result.status}: ${result.stderr}`);
      if (round < 0) continue;
      walls.get(name)!.push(wall);
      // The child's own CPU (user + system), reported at its exit like its peak RSS: on a shared
      // machine it moves far less than wall time, which includes waiting for a core.
      const cpuUs = /BENCH_CPU_US=(\d+)/.exec(result.stderr)?.[1];
      if (cpuUs) cpus.get(name)!.push(Number(cpuUs) / 1000);
      const kb = /BENCH_MAXRSS_KB=(\d+)/.exec(result.stderr)?.[1];
      if (kb) rss.set(name, Math.max(rss.get(name)!, Number(kb) / 1024));
    }
  }
  // Peak memory as the kernel counts it, the highest of three runs per contender (not timed).
  for (const name of names) {
    for (let run = 0; run < 3; run++) {
      const peak = wholeProcessPeakMiB(contenders[name], cwd, baseEnv);
      if (peak !== undefined) rss.set(name, Math.max(rss.get(name)!, peak));
    }
  }
  return Object.fromEntries(
    names.map((n) => [
      n,
      { wall: summarize(walls.get(n)!), cpu: summarize(cpus.get(n)!.length ? cpus.get(n)! : [Number.NaN]), rssMiB: rss.get(n)! },
    ]),
  ) as Record<K, StartupFigure>;
}

/**
 * Peak RSS (MiB) of a whole process, from the kernel's accounting at its exit (wait4's ru_maxrss,
 * read by a python3 parent): the probe's figure, taken in the `exit` event, misses what happens
 * after it (undici's WebAssembly compile finishing, for one, ~25 MiB). Undefined without python3.
 */
function wholeProcessPeakMiB(contender: Contender, cwd: string, baseEnv: NodeJS.ProcessEnv): number | undefined {
  if (!existsSync('/usr/bin/python3')) return undefined;
  const script =
    'import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)';
  const result = spawnSync('/usr/bin/python3', ['-c', script, contender.command, ...contender.args], {
    env: { ...baseEnv, ...contender.env },
    cwd,
    encoding: 'utf8',
  });
  const [code, kb] = result.stdout.trim().split(' ').map(Number);
  return result.status === 0 && code === 0 && kb !== undefined ? kb / 1024 : undefined;
}

/** Whether Debian's python3-requests-oauthlib is there to run the recipe. */
export function hasPythonRecipe(): boolean {
  return existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', 'import requests_oauthlib']).status === 0;
}

/**
 * The start-up figures, side by side in one paired run against one sandbox: `node -e 0`,
 * `tokensmith --help`, `tokensmith timeline` with the token already in the file store (the usual
 * repeat run), `tokensmith timeline` requesting a new token (memory store), and the classic
 * requests-oauthlib recipe (which requests a new token every run) when Python has it.
 */
export function cliTimes(sandboxUrl: string, rounds = 15) {
  const dir = mkdtempSync(join(tmpdir(), 'tokensmith-bench-'));
  try {
    writeFileSync(
      join(dir, 'tokensmith.config.yaml'),
      `store: file
providers:
  sandbox:
    strategy: client-credentials
    tokenUrl: ${sandboxUrl}/oauth2/token
    clientId: ${DEMO_CREDENTIALS.app.clientId}
    clientSecret: \${APP_SECRET}
    timeline:
      url: ${sandboxUrl}/1.1/statuses/user_timeline.json
      user: twitterapi
`,
      { mode: 0o600 },
    );
    const env = { PATH: process.env.PATH ?? '/usr/bin', HOME: dir, APP_SECRET: DEMO_CREDENTIALS.app.clientSecret, CI: 'true' };
    // The config is in the working directory and names APP_SECRET: trusted once, as a user does
    // (without it every run would refuse the file; the trust check itself is part of each run).
    const trusted = spawnSync(process.execPath, [USER_BIN, 'trust'], { env, cwd: dir, encoding: 'utf8' });
    if (trusted.status !== 0) throw new Error(`tokensmith trust exited ${trusted.status}: ${trusted.stderr}`);
    const node = (args: string[]): Contender => ({ command: process.execPath, args: ['--import', PROBE, ...args] });
    const contenders = {
      nodeBaseline: node(['-e', '0']),
      help: node([USER_BIN, '--help']),
      timelineStored: node([USER_BIN, 'timeline', '--count', '5']),
      timelineNewToken: node([USER_BIN, '--store', 'memory', 'timeline', '--count', '5']),
      ...(hasPythonRecipe()
        ? {
            python: {
              command: '/usr/bin/python3',
              args: ['-c', PY_RSS, RECIPE],
              env: {
                OAUTHLIB_INSECURE_TRANSPORT: '1',
                CLIENT_KEY: DEMO_CREDENTIALS.app.clientId,
                CLIENT_SECRET: DEMO_CREDENTIALS.app.clientSecret,
                TOKEN_URL: `${sandboxUrl}/oauth2/token`,
                RESOURCE_URL: `${sandboxUrl}/1.1/statuses/user_timeline.json`,
              },
            },
          }
        : {}),
    } satisfies Record<string, Contender>;
    const figures = paired(contenders as Record<keyof typeof contenders | 'python', Contender>, rounds, dir, env);
    return { ...figures, python: 'python' in contenders ? figures.python : undefined, rounds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
