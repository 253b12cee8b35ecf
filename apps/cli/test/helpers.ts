import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { DEMO_CREDENTIALS, decideOnAuthorizePage, type Sandbox } from '@tokensmith/sandbox';
import { run } from '../src/program.js';

/** The built binary, as users run it. */
export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A fresh working directory with an isolated HOME/XDG config dir. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tokensmith-cli-'));
}

/** Writes a config file (mode 0600 unless given). */
export function writeConfig(dir: string, text: string, name = 'tokensmith.config.yaml', mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

/**
 * The variable names the sandbox configs reference, allowed as a user would allow them for CI
 * (a working-directory config referencing other names needs `tokensmith trust`; see trust.ts).
 */
export const TRUSTED_TEST_VARIABLES = { TOKENSMITH_TRUSTED_VARIABLES: 'APP_SECRET,CONSUMER_SECRET,CLIENT_SECRET' };

/** Runs the CLI in this process with captured streams (fast; for config and usage paths). */
export async function runInProcess(argv: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; stdin?: string }): Promise<RunResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += String(c)));
  stderr.on('data', (c) => (err += String(c)));
  const code = await run(argv, {
    stdout,
    stderr,
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    env: { XDG_CONFIG_HOME: join(options.cwd, '.config'), ...TRUSTED_TEST_VARIABLES, ...options.env },
    cwd: options.cwd,
  });
  return { code, stdout: out, stderr: err };
}

/** Runs the built binary in a child process, the way a user does. */
export function runBinary(
  argv: string[],
  options: {
    cwd: string;
    env?: NodeJS.ProcessEnv;
    stdin?: string;
    onStderr?: (text: string, child: import('node:child_process').ChildProcess) => void;
  },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(argv, options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => {
      stderr += String(c);
      options.onStderr?.(stderr, child);
    });
    if (options.stdin !== undefined) child.stdin.end(options.stdin);
    else if (!options.onStderr) child.stdin.end();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Starts the built binary as users run it: HOME and XDG config inside `cwd`, CI=true, all pipes. */
export function spawnCli(argv: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  return spawn(process.execPath, [BIN, ...argv], {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin',
      HOME: options.cwd,
      XDG_CONFIG_HOME: join(options.cwd, '.config'),
      CI: 'true',
      ...TRUSTED_TEST_VARIABLES,
      ...options.env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** The environment the sandbox configs' `${ENV}` secret references read (the sandbox's demo values). */
export const SANDBOX_ENV = { APP_SECRET: DEMO_CREDENTIALS.app.clientSecret, CONSUMER_SECRET: DEMO_CREDENTIALS.oauth1.consumerSecret };

type Strategy = 'client-credentials' | 'oauth1-pin' | 'authorization-code';

/** One provider block of a test config against `sandbox`; secrets are `${APP_SECRET}`-style references. */
export function sandboxProvider(
  sandbox: Sandbox,
  strategy: Strategy,
  options: {
    name?: string;
    secretRef?: string;
    tokenUrl?: string;
    issuer?: string;
    clientId?: string;
    timeoutMs?: number;
    user?: string;
  } = {},
): string {
  const lines: Record<Strategy, string[]> = {
    'client-credentials': [
      `tokenUrl: ${options.tokenUrl ?? sandbox.endpoints.tokenUrl}`,
      `clientId: ${DEMO_CREDENTIALS.app.clientId}`,
      `clientSecret: ${options.secretRef ?? '${APP_SECRET}'}`,
    ],
    'oauth1-pin': [
      `consumerKey: ${DEMO_CREDENTIALS.oauth1.consumerKey}`,
      `consumerSecret: ${options.secretRef ?? '${CONSUMER_SECRET}'}`,
      `requestTokenUrl: ${sandbox.endpoints.requestTokenUrl}`,
      `authorizeUrl: ${sandbox.endpoints.authorizeUrl}`,
      `accessTokenUrl: ${sandbox.endpoints.accessTokenUrl}`,
    ],
    'authorization-code': [
      `issuer: ${options.issuer ?? sandbox.endpoints.issuer}`,
      `clientId: ${options.clientId ?? DEMO_CREDENTIALS.oauth2.clientId}`,
      ...(options.secretRef ? [`clientSecret: ${options.secretRef}`] : []),
      'scopes: [tweet.read, users.read, offline.access]',
      'redirectUri: http://127.0.0.1/callback',
    ],
  };
  const name = options.name ?? { 'client-credentials': 'app', 'oauth1-pin': 'user', 'authorization-code': 'me' }[strategy];
  const timeline = `timeline: { url: ${sandbox.endpoints.timelineUrl}${options.user ? `, user: ${options.user}` : ''} }`;
  return (
    [
      `  ${name}:`,
      `    strategy: ${strategy}`,
      ...[...lines[strategy], ...(options.timeoutMs ? [`timeoutMs: ${options.timeoutMs}`] : []), timeline].map((l) => `    ${l}`),
    ].join('\n') + '\n'
  );
}

/** A whole test config from provider blocks. */
export function sandboxConfig(providers: string[], options: { store?: string; defaultProvider?: string } = {}): string {
  return `${options.defaultProvider ? `defaultProvider: ${options.defaultProvider}\n` : ''}store: ${options.store ?? 'file'}\nproviders:\n${providers.join('')}`;
}

/**
 * Plays the browser for an authorization-code login run with `--no-browser`: when the CLI prints the
 * authorize URL, approve on the sandbox's consent page and follow the redirect to the CLI's loopback
 * listener. Pass it as `onStderr`; `started` says whether the URL was seen.
 */
export function approveInBrowser(): ((stderr: string, child: ChildProcess) => void) & { started: boolean } {
  const play = Object.assign(
    (stderr: string, child: ChildProcess) => {
      const url = /Open this URL to authorize:\n\s+(\S+)/.exec(stderr)?.[1];
      if (!url || play.started) return;
      play.started = true;
      void (async () => {
        const decision = await decideOnAuthorizePage(url, 'approve');
        await (await fetch(decision.location!)).text();
      })().catch((error: unknown) => child.kill() && console.error(error));
    },
    { started: false },
  );
  return play;
}
