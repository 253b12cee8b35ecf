import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '@tokensmith/sandbox';
import { fmt } from './stats.js';
import { startSandboxProcess } from './sandbox-process.js';
import { cachedTokenLatency } from './suites/cached-token.js';
import { coldCallers } from './suites/cold-callers.js';
import { authenticatedFetchOverhead } from './suites/authenticated-fetch.js';
import { signingThroughput } from './suites/signing.js';
import { API_PAGES, cliTimes } from './suites/cli.js';
import { cliScaleTimes, STATUS_SIZES } from './suites/cli-scale.js';
import { devicePolling } from './suites/device-polling.js';
import { STARTUP_NOTES } from './notes.js';
import { loadavg } from 'node:os';

interface Row {
  figure: string;
  tokensmith: string;
  baseline: string;
  ratio: string;
  target: string;
  met: boolean | null;
}

const rows: Row[] = [];
let startup: ReturnType<typeof cliTimes> | undefined;
let scaleRounds: number | undefined;
const log = (text: string) => process.stderr.write(`bench: ${text}\n`);
const ratio = (x: number) => `${x.toFixed(2)}x`;
const loadBefore = loadavg();

log('cached getToken() latency ...');
const inProcess = await startSandbox();
const cached = await cachedTokenLatency(inProcess);
rows.push({
  figure: 'cached getToken() median / p99',
  tokensmith: `${fmt(cached.ours.median, 'ns', 0)} / ${fmt(cached.ours.p99, 'ns', 0)}`,
  baseline: `simple-oauth2 expired()+reuse: ${fmt(cached.raw.median, 'ns', 0)} / ${fmt(cached.raw.p99, 'ns', 0)}`,
  ratio: ratio(cached.ours.median / cached.raw.median),
  target: 'median < 2 µs',
  met: cached.ours.median < 2_000,
});

log('1,000 concurrent cold callers ...');
const cold = await coldCallers(inProcess);
rows.push({
  figure: 'token requests for 1,000 cold callers',
  tokensmith: `${cold.ours} request (${fmt(cold.oursMs, 'ms', 0)})`,
  baseline: `simple-oauth2 direct: ${cold.raw} requests (${fmt(cold.rawMs, 'ms', 0)})`,
  ratio: `${cold.raw / Math.max(1, cold.ours)}x fewer`,
  target: 'exactly 1',
  met: cold.ours === 1,
});
await inProcess.stop();

log('device-code polling (RFC 8628) ...');
const polling = await devicePolling();
const virtualPolls = polling.virtual.reduce((sum, run) => sum + run.polls, 0);
const virtualMinimum = polling.virtual.reduce((sum, run) => sum + run.minimumPolls, 0);
const virtualSlowDowns = polling.virtual.reduce((sum, run) => sum + run.slowDowns, 0);
rows.push({
  figure: `device-code polls per approval at the server's 5 s interval (${polling.virtual.length} approvals, ${polling.virtual.map((r) => `${r.approveAfterSeconds} s`).join('/')}, injected clock)`,
  tokensmith: `${virtualPolls} polls (${polling.virtual.map((r) => r.polls).join('/')}), ${virtualSlowDowns} slow_down`,
  baseline: `minimum ceil(t / interval): ${virtualMinimum} (${polling.virtual.map((r) => r.minimumPolls).join('/')})`,
  ratio: ratio(virtualPolls / virtualMinimum),
  target: 'exactly the minimum, 0 slow_down',
  met: polling.virtual.every((r) => r.polls === r.minimumPolls && r.slowDowns === 0),
});
rows.push({
  figure: `  same with real timers (sandbox interval ${polling.real.intervalSeconds} s, approved after ${polling.real.approveAfterSeconds} s)`,
  tokensmith: `${polling.real.polls} polls, ${polling.real.slowDowns} slow_down`,
  baseline: `minimum: ${polling.real.minimumPolls}`,
  ratio: ratio(polling.real.polls / polling.real.minimumPolls),
  target: 'exactly the minimum, 0 slow_down',
  met: polling.real.polls === polling.real.minimumPolls && polling.real.slowDowns === 0,
});

log('OAuth 1.0a signing throughput ...');
const signing = signingThroughput();
rows.push({
  figure: 'OAuth 1.0a signatures/s (same requests)',
  tokensmith: fmt(signing.oursPerSec, '/s', 0),
  baseline: `oauth-1.0a + node:crypto: ${fmt(signing.rawPerSec, '/s', 0)}`,
  ratio: ratio(signing.rawPerSec / signing.oursPerSec),
  target: 'within 1.2x of raw',
  met: signing.rawPerSec / signing.oursPerSec <= 1.2,
});

log('authenticated fetch vs plain fetch (sandbox in its own process) ...');
const sandbox = await startSandboxProcess();
try {
  const af = await authenticatedFetchOverhead(sandbox.url);
  rows.push({
    figure: `${af.total.toLocaleString('en-US')} keep-alive GETs each, interleaved, ${af.concurrency} in flight`,
    tokensmith: fmt(af.oursRps, 'req/s', 0),
    baseline: `plain fetch + fixed header: ${fmt(af.plainRps, 'req/s', 0)}`,
    ratio: ratio(af.overheadVsPlain),
    target: 'within 1.05x',
    met: af.overheadVsPlain <= 1.05,
  });
  rows.push({
    figure: '  client CPU per request',
    tokensmith: fmt(af.cpuUsPerRequest.ours, 'µs', 1),
    baseline: `plain: ${fmt(af.cpuUsPerRequest.plain, 'µs', 1)}; plain + timeout: ${fmt(af.cpuUsPerRequest.plainWithTimeout, 'µs', 1)}`,
    ratio: ratio(af.cpuUsPerRequest.ours / af.cpuUsPerRequest.plain),
    target: '-',
    met: null,
  });
  rows.push({
    figure: '  same, like for like (plain fetch with the same 30 s timeout)',
    tokensmith: fmt(af.oursRps, 'req/s', 0),
    baseline: `plain fetch + header + timeout: ${fmt(af.plainWithTimeoutRps, 'req/s', 0)}`,
    ratio: ratio(af.overheadVsPlainWithTimeout),
    target: 'within 1.05x',
    met: af.overheadVsPlainWithTimeout <= 1.05,
  });

  log('CLI start-up, side by side (paired rounds) ...');
  const cli = cliTimes(sandbox.url);
  startup = cli;
  const ms = (f: { wall: { median: number }; cpu: { median: number } }) =>
    `${fmt(f.wall.median, 'ms', 0)} (CPU ${fmt(f.cpu.median, 'ms', 0)})`;
  const peak = (f: { rssMiB: number }) => `${fmt(f.rssMiB, 'MiB', 0)} peak`;
  const helpRatio = cli.help.wall.median / cli.nodeBaseline.wall.median;
  rows.push({
    figure: 'tokensmith --help vs node -e 0 (cold start)',
    tokensmith: `${ms(cli.help)}, ${peak(cli.help)}`,
    baseline: `node -e 0: ${ms(cli.nodeBaseline)}, ${peak(cli.nodeBaseline)}`,
    ratio: ratio(helpRatio),
    target: '<= 1.3x',
    met: helpRatio <= 1.3,
  });
  const python = cli.python;
  const storedRatio = python ? cli.timelineStored.wall.median / python.wall.median : undefined;
  rows.push({
    figure: 'tokensmith timeline, token already stored (file store)',
    tokensmith: ms(cli.timelineStored),
    baseline: python ? `requests-oauthlib recipe (fetches a token every run): ${ms(python)}` : 'python3-requests-oauthlib not installed',
    ratio: storedRatio === undefined ? '-' : ratio(storedRatio),
    target: '<= 1.0x',
    met: storedRatio === undefined ? null : storedRatio <= 1.0,
  });
  const newRatio = python ? cli.timelineNewToken.wall.median / python.wall.median : undefined;
  rows.push({
    figure: 'tokensmith timeline, new token each run (memory store)',
    tokensmith: `${ms(cli.timelineNewToken)}, ${peak(cli.timelineNewToken)}`,
    baseline: python ? `requests-oauthlib recipe: ${ms(python)}, ${peak(python)}` : 'python3-requests-oauthlib not installed',
    ratio: newRatio === undefined ? '-' : ratio(newRatio),
    target: '<= 1.3x',
    met: newRatio === undefined ? null : newRatio <= 1.3,
  });
  const apiRatio = cli.apiStored.wall.median / cli.timelineStored.wall.median;
  rows.push({
    figure: 'tokensmith api, same endpoint and stored token as timeline',
    tokensmith: `${ms(cli.apiStored)}, ${peak(cli.apiStored)}`,
    baseline: `tokensmith timeline: ${ms(cli.timelineStored)}`,
    ratio: ratio(apiRatio),
    target: 'within 1.1x',
    met: apiRatio <= 1.1,
  });
  // Flat memory: 50 pages written as they arrive hold no more than one page does (a few MiB of
  // slack for the pages' sockets and the paginator).
  const paginateGrowth = cli.apiPaginate.rssMiB - cli.apiStored.rssMiB;
  rows.push({
    figure: `tokensmith api --paginate over ${API_PAGES} sandbox pages (no --slurp)`,
    tokensmith: `${ms(cli.apiPaginate)}, ${peak(cli.apiPaginate)}`,
    baseline: `one page: ${peak(cli.apiStored)}`,
    ratio: `+${fmt(paginateGrowth, 'MiB', 1)}`,
    target: '<= one page + 8 MiB',
    met: paginateGrowth <= 8,
  });
  rows.push({
    figure: 'peak memory, timeline with a stored token',
    tokensmith: peak(cli.timelineStored),
    baseline: `node -e 0: ${peak(cli.nodeBaseline)}`,
    ratio: '-',
    target: '<= 60 MiB',
    met: cli.timelineStored.rssMiB <= 60,
  });

  log('CLI at scale and the stored-token helpers (paired rounds) ...');
  const scale = cliScaleTimes();
  scaleRounds = scale.rounds;
  const unset = 'NODE_EXTRA_CA_CERTS unset';
  const wall = (f: { wall: { median: number } }) => f.wall.median;
  /** What each provider past the first adds to `status`: linear means the same at every size. */
  const perProvider = (n: (typeof STATUS_SIZES)[number]) => (wall(scale[`status${n}`]) - wall(scale.status1)) / (n - 1);
  for (const n of STATUS_SIZES) {
    rows.push({
      figure: `tokensmith status, ${n.toLocaleString('en')} provider${n === 1 ? '' : 's'} each with a stored token (${unset})`,
      tokensmith: ms(scale[`status${n}`]),
      baseline: n === 1 ? `node -e 0: ${ms(scale.nodeBaseline)}` : `1 provider: ${fmt(wall(scale.status1), 'ms', 0)}`,
      ratio: n === 1 ? ratio(wall(scale.status1) / wall(scale.nodeBaseline)) : `${perProvider(n).toFixed(3)} ms/provider`,
      target: n === 2_000 ? 'per provider <= 1.25x the 1,000 row (linear)' : '-',
      met: n === 2_000 ? perProvider(2_000) <= 1.25 * perProvider(1_000) : null,
    });
  }
  const oneOfThousand = wall(scale.token1000) / wall(scale.token1);
  rows.push({
    figure: `tokensmith token <one>, 1,000 providers vs 1, token stored (${unset})`,
    tokensmith: ms(scale.token1000),
    baseline: `1 provider: ${ms(scale.token1)}`,
    ratio: ratio(oneOfThousand),
    target: '<= 1.2x',
    met: oneOfThousand <= 1.2,
  });
  for (const [name, figure] of [
    ['token1', 'tokensmith token <one>, token stored, vs node -e 0'],
    ['tokenHeader', 'tokensmith token <one> --format header, token stored, vs node -e 0'],
    ['credentialGet', 'tokensmith credential get (git helper), token stored, vs node -e 0'],
  ] as const) {
    const helperRatio = wall(scale[name]) / wall(scale.nodeBaseline);
    rows.push({
      figure: `${figure} (${unset})`,
      tokensmith: `${ms(scale[name])}, ${peak(scale[name])}`,
      baseline: `node -e 0: ${ms(scale.nodeBaseline)}`,
      ratio: ratio(helperRatio),
      target: '<= 1.5x',
      met: helperRatio <= 1.5,
    });
  }
} finally {
  await sandbox.stop();
}

const widths = ['figure', 'tokensmith', 'baseline', 'ratio', 'target'].map((key) =>
  Math.max(key.length, ...rows.map((r) => String(r[key as keyof Row]).length)),
);
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} | met |`;
const table = [
  line(['figure', 'tokensmith', 'baseline', 'ratio', 'target']).replace('| met |', '| met |'),
  `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|-----|`,
  ...rows.map((r) =>
    line([r.figure, r.tokensmith, r.baseline, r.ratio, r.target]).replace(
      /\| met \|$/,
      `| ${r.met === null ? ' - ' : r.met ? 'yes' : 'NO '} |`,
    ),
  ),
].join('\n');
const loadAfter = loadavg();
const cpuCount = (await import('node:os')).cpus().length;
const notes = [
  '## Notes',
  '',
  `- Run ${new Date().toISOString()} on Node ${process.version}, ${cpuCount} CPUs; load average ${loadBefore.map((x) => x.toFixed(1)).join(' / ')} at the start and ${loadAfter.map((x) => x.toFixed(1)).join(' / ')} at the end (1/5/15 min). Start-up rows are medians of ${startup?.rounds ?? '-'} paired rounds (${scaleRounds ?? '-'} for the scale and helper rows) (every command once per round, order rotated), each child measured from outside by a python3 parent that reaps it (os.wait4): wall time from spawn to reap, its CPU (user + system) beside it, and its peak memory (the kernel's maxrss, highest of all rounds); nothing is preloaded into the commands. Every start-up figure is measured with NODE_EXTRA_CA_CERTS unset (each contender gets a minimal environment, as on most users' machines): that variable alone adds ~40 ms to every Node process, \`node -e 0\` included.`,
  // A note indented by two spaces is a sub-item of the one before.
  ...STARTUP_NOTES.map((note) => (note.startsWith('  ') ? `  - ${note.trim()}` : `- ${note}`)),
].join('\n');
process.stdout.write(`${table}\n\n${notes}\n`);
const outDir = fileURLToPath(new URL('../results/', import.meta.url));
mkdirSync(outDir, { recursive: true });
const result = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpuCount,
  load: { before: loadBefore, after: loadAfter },
  rows,
  raw: { cached, cold, polling, signing, startup },
};
writeFileSync(`${outDir}latest.json`, JSON.stringify(result, null, 2) + '\n');
writeFileSync(`${outDir}latest.md`, `${table}\n\n${notes}\n`);
log(`wrote ${outDir}latest.json and latest.md`);
