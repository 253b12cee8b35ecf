import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tokenKey } from '@tokensmith/core/kit';
import { USER_BIN, paired, type Contender, type StartupFigure } from './cli.js';

// The CLI at scale and its helper paths, measured like the other start-up rows (paired rounds, each
// child reaped from outside, a minimal environment: NODE_EXTRA_CA_CERTS unset): `status` with 1 /
// 100 / 1,000 / 2,000 providers each holding a stored token (issue 27 item 14: linear), `token <one>`
// at 1 and at 1,000 providers (item 15: only the provider in use is validated), and the stored-token
// helpers against `node -e 0` (item 16; issue 23: `token --format header`, `credential get`).

/** The provider counts of the status rows. */
export const STATUS_SIZES = [1, 100, 1_000, 2_000] as const;

/** A closed loopback port: nothing here may request a token (a run that tried would fail the round). */
const TOKEN_URL = 'http://127.0.0.1:9/oauth/token';

/** The git host the first provider serves (the `credential get` row). */
const GIT_HOST = 'git.example.test';

/** Provider `p<i>`: client credentials, its own client id and literal secret (the file is 0600). */
function provider(i: number): { name: string; clientId: string; secret: string; text: string } {
  const clientId = `client-${i}`;
  const secret = `bench-secret-${i}`;
  const git = i === 0 ? `\n    gitHosts: [${GIT_HOST}]` : '';
  return {
    name: `p${i}`,
    clientId,
    secret,
    text: `  p${i}:\n    strategy: client-credentials\n    tokenUrl: ${TOKEN_URL}\n    clientId: ${clientId}\n    clientSecret: ${secret}${git}\n`,
  };
}

/**
 * The key the CLI stores provider `p<i>`'s token under: the client-credentials adapter's store key
 * bound to the provider's endpoints (apps/cli/src/stores/endpoint-binding.ts: SHA-256 of the sorted
 * URL-valued settings, here `tokenUrl` alone). Computed here because seeding 2,000 tokens one
 * `login --with-token` at a time would take minutes; {@link checkSeeded} asks `status --json`
 * whether the CLI finds every one, so a drift from the CLI's keys fails the bench, not its figures.
 */
function storedKey(p: { clientId: string; secret: string }): string {
  const key = tokenKey({
    strategy: 'client-credentials',
    endpoints: [TOKEN_URL],
    clientId: p.clientId,
    secret: p.secret,
    scopes: undefined,
  });
  const digest = createHash('sha256')
    .update(JSON.stringify([`tokenUrl=${JSON.stringify(TOKEN_URL)}`]), 'utf8')
    .digest('hex')
    .slice(0, 32);
  return `${key}#endpoints:${digest}`;
}

function seed(dir: string, count: number): { config: string; tokenFile: string } {
  const providers = Array.from({ length: count }, (_, i) => provider(i));
  const config = join(dir, `providers-${count}.yaml`);
  writeFileSync(config, `store: file\nproviders:\n${providers.map((p) => p.text).join('')}`, { mode: 0o600 });
  const now = Date.now();
  const tokens = Object.fromEntries(
    providers.map((p, i) => [
      storedKey(p),
      { type: 'bearer', accessToken: `stored-token-${i}`, expiresAt: now + 86_400_000, obtainedAt: now, scope: [] },
    ]),
  );
  const tokenFile = join(dir, `tokens-${count}.json`);
  writeFileSync(tokenFile, JSON.stringify({ version: 1, tokens }, null, 2), { mode: 0o600 });
  return { config, tokenFile };
}

function checkSeeded(dir: string, count: number, files: { config: string; tokenFile: string }, env: NodeJS.ProcessEnv): void {
  const status = spawnSync(process.execPath, [USER_BIN, '--config', files.config, 'status', '--json'], {
    cwd: dir,
    env: { ...env, TOKENSMITH_TOKEN_FILE: files.tokenFile },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const rows = status.status === 0 ? (JSON.parse(status.stdout) as { providers: Array<{ loggedIn: boolean }> }).providers : [];
  const loggedIn = rows.filter((row) => row.loggedIn).length;
  if (loggedIn !== count)
    throw new Error(`status at ${count} providers found ${loggedIn} stored tokens (exit ${status.status}): ${status.stderr.slice(-500)}`);
}

/** The figures of {@link cliScaleTimes}: each contender's wall/CPU/peak. */
export type ScaleFigures = Record<
  'nodeBaseline' | `status${(typeof STATUS_SIZES)[number]}` | 'token1' | 'token1000' | 'tokenHeader' | 'credentialGet',
  StartupFigure
> & { rounds: number };

/** Runs the scale and helper contenders in one paired run; see the module comment. */
export function cliScaleTimes(rounds = 15): ScaleFigures {
  const dir = mkdtempSync(join(tmpdir(), 'tokensmith-bench-scale-'));
  try {
    const env = { PATH: process.env.PATH ?? '/usr/bin', HOME: dir, CI: 'true' };
    const files = Object.fromEntries(STATUS_SIZES.map((n) => [n, seed(dir, n)])) as Record<
      (typeof STATUS_SIZES)[number],
      ReturnType<typeof seed>
    >;
    for (const n of STATUS_SIZES) checkSeeded(dir, n, files[n], env);
    const cli = (n: (typeof STATUS_SIZES)[number], args: string[], stdin?: string): Contender => ({
      command: process.execPath,
      args: [USER_BIN, '--config', files[n].config, ...args],
      env: { TOKENSMITH_TOKEN_FILE: files[n].tokenFile },
      ...(stdin === undefined ? {} : { stdin }),
    });
    const contenders = {
      nodeBaseline: { command: process.execPath, args: ['-e', '0'] },
      status1: cli(1, ['status']),
      status100: cli(100, ['status']),
      status1000: cli(1_000, ['status']),
      status2000: cli(2_000, ['status']),
      token1: cli(1, ['token', 'p0']),
      token1000: cli(1_000, ['token', 'p0']),
      tokenHeader: cli(1, ['token', 'p0', '--format', 'header']),
      credentialGet: cli(1, ['credential', 'get'], `protocol=https\nhost=${GIT_HOST}\n\n`),
    } satisfies Record<string, Contender>;
    return { ...paired(contenders, rounds, dir, env), rounds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
