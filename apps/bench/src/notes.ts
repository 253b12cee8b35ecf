// What each start-up idea was measured to do, kept beside the bench so the notes travel with the
// code they describe. Figures: CPU medians (user + system) of 11 paired rounds, every variant of
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
  'Not done, measured only: --help costs 73 ms CPU against 38 ms for `node -e 0` (1.9x, not met). Its entry (153 KB) is 120 KB of commander, then 8 chunks (core, io, hints, config-load) through the ESM loader; meeting 1.3x needs help text that is not built by commander at start-up (precomputed per width, or a formatter tested against commander), not attempted.',
  'Not done: reading the stored token before loading any strategy module. On the stored path the client-credentials chunk (13 KB) loads, and with it node:https and node:tls (its wreck transport imports node:https statically): a few ms, in a package the bench does not own.',
  'Skipped as the brief says: a startup snapshot (--snapshot-blob) cannot ship in an npm bin; V8 compile cache (module.enableCompileCache) needs Node >= 22.1.',
  'New-token row: the client-credentials strategy loads simple-oauth2 and Joi (481 KB chunk); that, not the CLI, is most of the difference to the stored-token row.',
];
