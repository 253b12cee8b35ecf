import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, decideOnAuthorizePage, DEMO_CREDENTIALS, type Sandbox } from '@tokensmith/sandbox';
import { runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig, type RunResult } from './helpers.js';

// Known secret values, configured on purpose, plus every token, secret, PIN and code the sandbox
// issues during the run. None may appear in stdout, stderr or the --verbose/DEBUG logs of any
// command or error path. (`tokensmith token` prints the access token by design and is checked
// against the other secrets only.)
const APP_SECRET = 'KNOWN-app-secret-7f3a9c';
const CONSUMER_SECRET = 'KNOWN-consumer-secret-2b8e1d';
const CLIENT_SECRET = 'KNOWN-oauth2-client-secret-5c4f0a';

let sandbox: Sandbox;
const secrets = new Set<string>([APP_SECRET, CONSUMER_SECRET, CLIENT_SECRET]);
const outputs: Array<{ command: string; text: string; allowed?: string }> = [];

/** Everything secret the sandbox has issued so far (request tokens are public: they travel in the authorize URL). */
function harvest(): void {
  const state = sandbox.state;
  for (const token of state.appTokens.keys()) secrets.add(token);
  for (const token of state.userTokens.keys()) secrets.add(token);
  const oauth2 = state.extensions.oauth2User as {
    codes: Map<string, unknown>;
    refreshTokens: Map<string, string>;
    grants: Map<string, { accessTokens: Set<string>; refreshTokens: Set<string> }>;
  };
  for (const code of oauth2.codes.keys()) secrets.add(code);
  for (const token of oauth2.refreshTokens.keys()) secrets.add(token);
  for (const grant of oauth2.grants.values()) for (const token of [...grant.accessTokens, ...grant.refreshTokens]) secrets.add(token);
  const oauth1 = state.extensions.oauth1 as {
    accessTokens: Map<string, { secret: string }>;
    requestTokens: Map<string, { secret?: string; tokenSecret?: string }>;
  };
  for (const [token, record] of oauth1.accessTokens) secrets.add(token).add(record.secret);
  for (const record of oauth1.requestTokens.values()) {
    const secret = record.secret ?? record.tokenSecret;
    if (secret) secrets.add(secret);
  }
}

const ENV = { APP_SECRET, CONSUMER_SECRET, CLIENT_SECRET, DEBUG: 'tokensmith*' };

async function run(command: string, argv: string[], options: Parameters<typeof runBinary>[1], allowed?: string): Promise<RunResult> {
  const result = await runBinary(['--verbose', ...argv], { ...options, env: { ...ENV, ...options.env } });
  outputs.push({ command, text: `${result.stdout}\n${result.stderr}`, ...(allowed ? { allowed } : {}) });
  harvest();
  return result;
}

function config(overrides: { tokenUrl?: string } = {}) {
  return sandboxConfig([
    sandboxProvider(sandbox, 'client-credentials', { user: 'twitterapi', ...overrides }),
    sandboxProvider(sandbox, 'oauth1-pin', { name: 'user1' }),
    sandboxProvider(sandbox, 'authorization-code', { clientId: 'confidential-cli', secretRef: '${CLIENT_SECRET}' }),
  ]);
}

/** Plays the person for either flow; records the PIN or code it saw as secrets. */
function person(action: 'approve' | 'deny', pinToType?: (pin: string | undefined) => string) {
  let started = false;
  return (stderr: string, child: ChildProcess) => {
    const url = /Open this URL to authorize:\n\s+(\S+)/.exec(stderr)?.[1];
    if (!url || started) return;
    if (pinToType && !stderr.includes('PIN: ')) return;
    started = true;
    void (async () => {
      const decision = await decideOnAuthorizePage(url, action);
      if (decision.pin) secrets.add(decision.pin);
      if (pinToType) {
        child.stdin!.end(`${pinToType(decision.pin)}\n`);
        return;
      }
      const code = decision.location ? new URL(decision.location).searchParams.get('code') : null;
      if (code) secrets.add(code);
      await fetch(decision.location!);
    })();
  };
}

/** The scriptable OAuth 1.0a login: step 1 prints the URL, the person approves, step 2 brings the PIN. */
async function twoStepLogin(cwd: { cwd: string }, pinToType: (pin: string) => string, label = '') {
  const start = await run(`login user1 --no-browser${label}`, ['login', 'user1', '--no-browser'], cwd);
  expect(start.code).toBe(0);
  const url = /Open this URL to authorize:\n\s+(\S+)/.exec(start.stderr)![1]!;
  const decision = await decideOnAuthorizePage(url, 'approve');
  secrets.add(decision.pin!);
  return run(`login user1 --pin${label}`, ['login', 'user1', '--pin', pinToType(decision.pin!)], cwd);
}

beforeAll(async () => {
  sandbox = await startSandbox({
    apps: [{ clientId: DEMO_CREDENTIALS.app.clientId, clientSecret: APP_SECRET }],
    consumers: [{ ...DEMO_CREDENTIALS.oauth1, consumerSecret: CONSUMER_SECRET }],
    oauth2Clients: [
      { clientId: 'confidential-cli', clientSecret: CLIENT_SECRET, redirectUris: ['http://127.0.0.1/callback'], name: 'Confidential CLI' },
    ],
  });
});
afterAll(async () => {
  await sandbox.stop();
});

describe('no secret in any output, with --verbose and DEBUG=tokensmith*', () => {
  it('runs every command and error path, then checks every output against every secret', async () => {
    const dir = tempDir();
    writeConfig(dir, config());
    const cwd = { cwd: dir };

    expect((await run('providers', ['providers'], cwd)).code).toBe(0);
    expect((await run('providers --json', ['providers', '--json'], cwd)).code).toBe(0);
    expect((await run('status', ['status'], cwd)).code).toBe(0);
    expect((await run('timeline app', ['timeline', 'app', '--count', '1'], cwd)).code).toBe(0);
    const token = await run('token app', ['token', 'app', '--json'], cwd);
    expect(token.code).toBe(0);
    outputs[outputs.length - 1]!.allowed = (JSON.parse(token.stdout) as { accessToken: string }).accessToken;

    expect((await twoStepLogin(cwd, (pin) => pin)).code).toBe(0);
    expect((await run('timeline user1', ['timeline', 'user1', '--count', '1'], { ...cwd, stdin: '' })).code).toBe(0);
    expect((await run('login me', ['login', 'me', '--no-browser', '--json'], { ...cwd, onStderr: person('approve') })).code).toBe(0);
    expect((await run('timeline me', ['timeline', 'me', '--count', '1'], { ...cwd, stdin: '' })).code).toBe(0);

    const file = join(dir, '.config', 'tokensmith', 'tokens.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"expiresAt":\s*\d+/g, `"expiresAt": ${Date.now() - 1000}`));
    expect((await run('timeline me (refresh)', ['timeline', 'me', '--count', '1'], { ...cwd, stdin: '' })).code).toBe(0);
    expect(sandbox.stats.refreshRequests).toBe(1);
    expect((await run('status --json', ['status', '--json'], cwd)).code).toBe(0);
    sandbox.faults.add({
      path: '/1.1/statuses/user_timeline.json',
      fault: { type: 'status', status: 401, body: '{"errors":[{"code":89,"message":"Invalid or expired token."}]}' },
    });
    expect((await run('timeline app (401, re-auth)', ['timeline', 'app', '--count', '1'], cwd)).code).toBe(0);

    // Error paths.
    expect((await twoStepLogin(cwd, (pin) => (pin === '1111111' ? '2222222' : '1111111'), ' (wrong PIN)')).code).toBe(2);
    expect((await run('login me (denied)', ['login', 'me', '--no-browser'], { ...cwd, onStderr: person('deny') })).code).toBe(2);
    expect(
      (
        await run('timeline app (wrong secret)', ['--store', 'memory', 'timeline', 'app'], {
          ...cwd,
          env: { APP_SECRET: 'KNOWN-wrong-secret-0d9e' },
        })
      ).code,
    ).toBe(2);
    secrets.add('KNOWN-wrong-secret-0d9e');
    const down = await startSandbox();
    const deadUrl = down.endpoints.tokenUrl;
    await down.stop();
    const dead = tempDir();
    writeConfig(dead, config({ tokenUrl: deadUrl }));
    expect((await run('timeline app (unreachable)', ['--store', 'memory', 'timeline', 'app'], { cwd: dead })).code).toBe(3);
    const literal = tempDir();
    writeConfig(literal, config({ tokenUrl: 'not a url' }).replace('${APP_SECRET}', APP_SECRET), 'tokensmith.config.yaml', 0o644);
    expect((await run('config error with a literal secret', ['timeline', 'app'], { cwd: literal })).code).toBe(1);
    expect((await run('missing env var', ['timeline', 'app'], { cwd: dir, env: { APP_SECRET: '' } })).code).toBe(1);
    writeFileSync(file, `{"version": 1, "tokens": {"corrupt": "${APP_SECRET}`);
    expect((await run('corrupt token file', ['timeline', 'app'], cwd)).code).toBe(1);
    expect((await run('logout (corrupt file reset)', ['logout', 'app'], cwd)).code).toBe(0);
    expect((await run('logout me', ['logout', 'me'], cwd)).code).toBe(0);
    expect((await run('logout user1', ['logout', 'user1'], cwd)).code).toBe(0);
    expect((await run('init', ['init', '--strategy', 'authorization-code'], { cwd: tempDir() })).code).toBe(0);

    // The run produced what it claims: tokens of every kind were issued and logged requests were made.
    expect(secrets.size).toBeGreaterThan(12);
    expect(outputs.some((o) => o.text.includes('tokensmith:http → POST'))).toBe(true);
    expect(outputs.some((o) => o.text.includes('Bearer [redacted]'))).toBe(true);
    expect(outputs.some((o) => o.text.includes('OAuth [redacted]'))).toBe(true);

    const leaks: string[] = [];
    for (const output of outputs) {
      for (const secret of secrets) {
        if (secret === output.allowed) continue;
        if (output.text.includes(secret))
          leaks.push(`${output.command}: leaks a secret of ${secret.length} chars starting ${secret.slice(0, 4)}`);
      }
    }
    expect(leaks).toEqual([]);
  }, 180_000);
});
