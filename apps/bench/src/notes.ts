// What each start-up idea was measured to do, kept beside the bench so the notes travel with the
// code they describe. The first four ideas' figures: CPU medians (user + system) of 11 paired rounds, every variant of
// the bundle built from its commit and run side by side against one sandbox on the 2-core CI
// machine at load average ~14 (so wall times were too noisy to quote); peak memory is the whole
// process's (kernel maxrss, highest of 3 runs). Baselines in the same rounds: `node -e 0` 38 ms,
// the requests-oauthlib recipe 151 ms.
/** One note per idea, printed under the table in results/latest.md. */
export const STARTUP_NOTES: string[] = [
  'Ideas measured one by one (stored-token timeline / new-token timeline, CPU ms; peak MiB of the stored-token run):',
  '  before: 217 / 279 ms, 91 MiB.',
  "  valibot imported by name (config-validate.ts) instead of `await import('valibot')`, so esbuild keeps 28 KB of it, not 183 KB: 199 / 261 ms (-18 / -18), 90 MiB. Kept.",
  "  no undici on the CLI's own request: core's authenticated fetch builds request headers as a record (touching the global Headers, Request or fetch loads undici), and the timeline call goes over node:http (apps/cli/src/node-http-fetch.ts; anything it does not cover goes to the global fetch): 154 / 236 ms (-45 / -25), 56 MiB (-34: undici's llhttp WebAssembly alone is ~25 MiB, and it finishes compiling after the exit event, which is why the earlier probe reported 64). Kept.",
  '  YAML fast path (yaml-fast-path.ts: plain nested mappings, simple quotes, integers, flow sequences of words, comments; anything else, and every error, goes to the yaml package, 262 KB): 141 / 219 ms (-13 / -17), 54 MiB. Kept.',
  '  after: 141 / 219 ms and 54 MiB: the stored-token run now costs less CPU than the recipe (151 ms), which requests a new token every run.',
  '--help and --version without commander (apps/cli/src/quick-help.ts): the build captures every help page from commander itself (src/help-capture.ts, dist/help-pages.json) with only the two width-dependent steps (an item beside its term, a wrapped description) left to a small renderer (help-pages.ts) that test/help-pages.test.ts holds equal to commander at 21 widths on every page; the entry is now 4 KB instead of 153 KB. Paired wall medians of 15-20 rounds at load ~1: --help 1.73-1.80x `node -e 0` before, 1.04-1.14x after. Kept.',
  "New-token row: simple-oauth2's grant built from its own modules without its entry point (packages/client-credentials/src/simple-oauth2-grant.ts), so Joi (~480 KB, ~50 ms of a process) never loads; its options are the ones its Joi schema returns, held equal by a test. Paired wall medians, 15 rounds at load ~1: 1.25x the recipe before, 1.02-1.03x after. Kept.",
  'Not done: reading the stored token before loading any strategy module. On the stored path the client-credentials chunk loads, and with it node:https and node:tls (wreck imports node:https statically): a few ms; the row is met without it.',
  'Measured and dropped: a V8 code cache for the simple-oauth2 chunk (vm.Script cachedData, written after the first run): no gain (122 vs 125 ms wall), because Joi cost execution (building its schemas), not compilation. A startup snapshot (--snapshot-blob) cannot ship in an npm bin; module.enableCompileCache needs Node >= 22.1.',
];
