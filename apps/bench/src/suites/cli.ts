import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_CREDENTIALS } from '@tokensmith/sandbox';
import { CLI_BIN } from '../sandbox-process.js';
import { summarize, type Summary } from '../stats.js';

const PROBE = fileURLToPath(new URL('../rss-probe.js', import.meta.url));
/** Runs a Python script and reports its peak RSS the same way rss-probe does. */
const PY_RSS = 'import resource, runpy, sys; runpy.run_path(sys.argv[1], run_name="__main__"); sys.stderr.write("\\nBENCH_MAXRSS_KB=%d\\n" % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)';

/** Wall time (ms) and peak RSS (MiB) of a command run `runs` times. */
function measure(command: string, args: string[], runs: number, env: NodeJS.ProcessEnv, cwd: string): { wall: Summary; rssMiB: number } {
  const walls: number[] = [];
  let rss = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = spawnSync(command, args, { env, cwd, encoding: 'utf8' });
    walls.push(performance.now() - start);
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    const kb = /BENCH_MAXRSS_KB=(\d+)/.exec(result.stderr)?.[1];
    if (kb) rss = Math.max(rss, Number(kb) / 1024);
  }
  return { wall: summarize(walls), rssMiB: rss };
}

/** CLI cold start (`--help`) and `timeline` end to end against a running sandbox; the Python recipe when available. */
export function cliTimes(sandboxUrl: string, runs = 10) {
  const dir = mkdtempSync(join(tmpdir(), 'tokensmith-bench-'));
  writeFileSync(join(dir, 'tokensmith.config.yaml'), `store: memory
providers:
  sandbox:
    strategy: client-credentials
    tokenUrl: ${sandboxUrl}/oauth2/token
    clientId: ${DEMO_CREDENTIALS.app.clientId}
    clientSecret: \${APP_SECRET}
    timeline:
      url: ${sandboxUrl}/1.1/statuses/user_timeline.json
      user: twitterapi
`, { mode: 0o600 });
  const env = { PATH: process.env.PATH ?? '/usr/bin', HOME: dir, APP_SECRET: DEMO_CREDENTIALS.app.clientSecret, CI: 'true' };
  const help = measure(process.execPath, ['--import', PROBE, CLI_BIN, '--help'], runs, env, dir);
  const timeline = measure(process.execPath, ['--import', PROBE, CLI_BIN, 'timeline', '--count', '5'], runs, env, dir);
  // The usual repeat run: the token is in the file store (0600, under HOME), so no token request and no simple-oauth2 load.
  const warmArgs = ['--import', PROBE, CLI_BIN, '--store', 'file', 'timeline', '--count', '5'];
  measure(process.execPath, warmArgs, 1, env, dir);
  const timelineWarm = measure(process.execPath, warmArgs, runs, env, dir);
  const recipe = fileURLToPath(new URL('../../../../packages/sandbox/test/fixtures/twitter_recipe.py', import.meta.url));
  const hasPython = existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', 'import requests_oauthlib']).status === 0;
  const python = hasPython
    ? measure('/usr/bin/python3', ['-c', PY_RSS, recipe], runs, { ...env, OAUTHLIB_INSECURE_TRANSPORT: '1', CLIENT_KEY: DEMO_CREDENTIALS.app.clientId, CLIENT_SECRET: DEMO_CREDENTIALS.app.clientSecret, TOKEN_URL: `${sandboxUrl}/oauth2/token`, RESOURCE_URL: `${sandboxUrl}/1.1/statuses/user_timeline.json` }, dir)
    : undefined;
  return { help, timeline, timelineWarm, python };
}
