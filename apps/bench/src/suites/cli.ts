import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_CREDENTIALS } from '@tokensmith/sandbox';
import { summarize, type Summary } from '../stats.js';

/** The command as users run it: npm links this launcher (it answers --help itself, else imports dist/bin.js). */
export const USER_BIN = fileURLToPath(new URL('../../../cli/bin/tokensmith.cjs', import.meta.url));
/** Debian's python3: the recipe's interpreter (with python3-requests-oauthlib) and the rounds' parent. */
const PYTHON = '/usr/bin/python3';
const RECIPE = fileURLToPath(new URL('../../../../packages/sandbox/test/fixtures/twitter_recipe.py', import.meta.url));

/**
 * Runs the rounds from a python3 parent that reaps each child with os.wait4, so every figure is the
 * kernel's own for that one process, measured from outside: wall time from spawn to reap, CPU
 * (user + system) and peak RSS from its rusage. Nothing is preloaded into the commands measured (a
 * preloaded ES module would start Node's ES module loader in `node -e 0` too, and hide that cost).
 * Reads {contenders, order, cwd} as JSON on stdin; writes {name: {wall, cpu, maxrssKb}}.
 */
const ROUNDS_RUNNER = `
import json, os, subprocess, sys, time
job = json.load(sys.stdin)
out = {name: {"wall": [], "cpu": [], "maxrssKb": 0} for name in job["contenders"]}
for measured, name in job["order"]:
    c = job["contenders"][name]
    start = time.perf_counter()
    given = c.get("stdin")
    child = subprocess.Popen(c["argv"], env=c["env"], cwd=job["cwd"], stdin=subprocess.DEVNULL if given is None else subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if given is not None:
        child.stdin.write(given.encode())
        child.stdin.close()
    stderr = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.stderr.write("%s exited %d: %s" % (name, child.returncode, stderr.decode(errors="replace")[-2000:]))
        sys.exit(1)
    if measured:
        out[name]["wall"].append(wall * 1000)
        out[name]["cpu"].append((usage.ru_utime + usage.ru_stime) * 1000)
        out[name]["maxrssKb"] = max(out[name]["maxrssKb"], usage.ru_maxrss)
json.dump(out, sys.stdout)
`;

/** Follower ids per page in the `api --paginate` row: the sandbox's 250 ids make 50 pages. */
const API_PAGE_SIZE = 5;
/** Pages the `api --paginate` row reads. */
export const API_PAGES = 250 / API_PAGE_SIZE;

/** One command of the comparison. */
export interface Contender {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Written to its stdin (a git credential request); none: stdin is /dev/null. */
  stdin?: string;
}

/** Wall time (ms), CPU time (user + system, ms) and peak RSS (MiB, the kernel's maxrss, highest of all rounds) of one contender. */
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
export function paired<K extends string>(
  contenders: Record<K, Contender>,
  rounds: number,
  cwd: string,
  baseEnv: NodeJS.ProcessEnv,
): Record<K, StartupFigure> {
  if (!existsSync(PYTHON))
    throw new Error(`the start-up rows are measured from a ${PYTHON} parent, which is missing: run bash scripts/setup-test-deps.sh`);
  const names = Object.keys(contenders) as K[];
  const order: Array<[boolean, K]> = [];
  for (let round = -1; round < rounds; round++)
    for (let i = 0; i < names.length; i++) order.push([round >= 0, names[(Math.max(round, 0) + i) % names.length]!]);
  const job = {
    cwd,
    order,
    contenders: Object.fromEntries(
      names.map((n) => [
        n,
        {
          argv: [contenders[n].command, ...contenders[n].args],
          env: { ...baseEnv, ...contenders[n].env },
          stdin: contenders[n].stdin ?? null,
        },
      ]),
    ),
  };
  const result = spawnSync(PYTHON, ['-c', ROUNDS_RUNNER], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 16 << 20 });
  if (result.status !== 0) throw new Error(`start-up rounds failed: ${result.stderr}`);
  const figures = JSON.parse(result.stdout) as Record<K, { wall: number[]; cpu: number[]; maxrssKb: number }>;
  return Object.fromEntries(
    names.map((n) => [n, { wall: summarize(figures[n].wall), cpu: summarize(figures[n].cpu), rssMiB: figures[n].maxrssKb / 1024 }]),
  ) as Record<K, StartupFigure>;
}

/** Whether Debian's python3-requests-oauthlib is there to run the recipe. */
export function hasPythonRecipe(): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import requests_oauthlib']).status === 0;
}

/**
 * The start-up figures, side by side in one paired run against one sandbox: `node -e 0`,
 * `tokensmith --help`, `tokensmith timeline` with the token already in the file store (the usual
 * repeat run), `tokensmith timeline` requesting a new token (memory store), and the classic
 * requests-oauthlib recipe (which requests a new token every run) when Python has it; and
 * `tokensmith api` on the timeline's endpoint with the same stored token, and over 50 pages.
 */
export function cliTimes(sandboxUrl: string, rounds = 25) {
  const dir = mkdtempSync(join(tmpdir(), 'tokensmith-bench-'));
  try {
    writeFileSync(
      join(dir, 'tokensmith.config.yaml'),
      `store: file
providers:
  sandbox:
    strategy: client-credentials
    baseUrl: ${sandboxUrl}
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
    const node = (args: string[]): Contender => ({ command: process.execPath, args });
    const contenders = {
      nodeBaseline: node(['-e', '0']),
      help: node([USER_BIN, '--help']),
      timelineStored: node([USER_BIN, 'timeline', '--count', '5']),
      timelineNewToken: node([USER_BIN, '--store', 'memory', 'timeline', '--count', '5']),
      // The same endpoint and token as timelineStored, through `tokensmith api` (body piped as received).
      apiStored: node([USER_BIN, 'api', '/1.1/statuses/user_timeline.json?screen_name=twitterapi&count=5']),
      // 250 follower ids at count=5: 50 pages, written as they arrive (no --slurp): memory must stay flat.
      apiPaginate: node([USER_BIN, 'api', `/1.1/followers/ids.json?screen_name=twitterapi&count=${API_PAGE_SIZE}`, '--paginate']),
      ...(hasPythonRecipe()
        ? {
            python: {
              command: PYTHON,
              args: [RECIPE],
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
