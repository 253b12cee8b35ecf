import { createServer, type Server } from 'node:net';
import { startSandbox, DEMO_CREDENTIALS, type Fault, type Sandbox } from '@tokensmith/sandbox';
import { SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';

// Issue 13's failure table, through the built binary: each failure says what failed, which config
// field to check and the next step; the exit code comes from the error's category; nothing goes to
// stdout; no secret appears anywhere.

let sandbox: Sandbox;
let busy: Server;
let deadPort: number;
beforeAll(async () => {
  sandbox = await startSandbox();
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  deadPort = (closed.address() as { port: number }).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
});
afterAll(async () => {
  await sandbox.stop();
  await new Promise<void>((resolve) => busy.close(() => resolve()));
});

const REDIS_PASSWORD = 'redis-pass-KNOWN-91f2';
const WRONG_SECRET = 'WRONG-secret-KNOWN-44ab';
const SECRETS = [DEMO_CREDENTIALS.app.clientSecret, DEMO_CREDENTIALS.oauth1.consumerSecret, REDIS_PASSWORD, WRONG_SECRET];

interface Row {
  name: string;
  /** Provider blocks of the config (built when the sandbox runs). */
  providers: () => string[];
  argv: () => string[];
  env?: NodeJS.ProcessEnv;
  fault?: { path: string; fault: Fault };
  code: number;
  fragments: () => string[];
}

const app = (options: Parameters<typeof sandboxProvider>[2] = {}) =>
  sandboxProvider(sandbox, 'client-credentials', { user: 'twitterapi', ...options });
const oauth1 = () => sandboxProvider(sandbox, 'oauth1-pin');

const rows: Row[] = [
  {
    name: 'an unknown --user (Twitter 404 code 34) is "user not found", a usage error',
    providers: () => [app()],
    argv: () => ['timeline', 'app', '--user', 'nobody_here'],
    code: 1,
    fragments: () => ['user @nobody_here not found', 'check the name given to --user or providers.app.timeline.user'],
  },
  {
    name: 'a wrong tokenUrl path (404 from the token endpoint) names providers.app.tokenUrl',
    providers: () => [app({ tokenUrl: `${sandbox.url}/oauth2/tokn` })],
    argv: () => ['timeline', 'app'],
    code: 1,
    fragments: () => ['answered HTTP 404 Not Found', 'check providers.app.tokenUrl'],
  },
  {
    name: 'a wrong client secret (403 code 99 authenticity_token_error) names clientId/clientSecret',
    providers: () => [app()],
    argv: () => ['timeline', 'app'],
    env: { APP_SECRET: WRONG_SECRET },
    code: 2,
    fragments: () => [
      "refused the app's credentials",
      'HTTP 403 authenticity_token_error',
      'check providers.app.clientId and providers.app.clientSecret',
    ],
  },
  {
    name: 'a 401 invalid_client names clientId/clientSecret',
    providers: () => [app()],
    argv: () => ['token', 'app'],
    code: 2,
    fault: {
      path: '/oauth2/token',
      fault: {
        type: 'status',
        status: 401,
        body: '{"error":"invalid_client","error_description":"Client authentication failed"}',
        headers: { 'content-type': 'application/json' },
      },
    },
    fragments: () => ['HTTP 401 invalid_client', 'check providers.app.clientId and providers.app.clientSecret'],
  },
  {
    name: 'a wrong consumer secret (OAuth 1.0a, 401 code 32) names consumerKey/consumerSecret',
    providers: () => [oauth1()],
    argv: () => ['login', 'user', '--no-browser'],
    env: { CONSUMER_SECRET: WRONG_SECRET },
    code: 2,
    fragments: () => ['providers.user.requestTokenUrl', 'check providers.user.consumerKey and providers.user.consumerSecret'],
  },
  {
    name: 'a refused connection names the endpoint and asks whether the server is running',
    providers: () => [app({ tokenUrl: `http://127.0.0.1:${deadPort}/oauth2/token` })],
    argv: () => ['timeline', 'app'],
    code: 3,
    fragments: () => [
      `cannot reach providers.app.tokenUrl = http://127.0.0.1:${deadPort}/oauth2/token: the connection was refused`,
      'is the server running at that address?',
    ],
  },
  {
    name: 'a token endpoint answering 503 is a provider failure: try again later',
    providers: () => [app()],
    argv: () => ['token', 'app'],
    code: 3,
    fault: { path: '/oauth2/token', fault: { type: 'status', status: 503 } },
    fragments: () => ['answered HTTP 503', 'try again later'],
  },
  {
    name: 'Redis down names the URL with the password masked, exit 3',
    providers: () => [app()],
    argv: () => ['--store', `redis://:${REDIS_PASSWORD}@127.0.0.1:${deadPort}/0`, 'token', 'app'],
    code: 3,
    fragments: () => [`redis://:***@127.0.0.1:${deadPort}/0`, 'is Redis running'],
  },
  {
    name: 'sandbox --port on a busy port suggests --port 0',
    providers: () => [app()],
    argv: () => ['sandbox', '--port', String((busy.address() as { port: number }).port)],
    code: 1,
    fragments: () => [`port ${(busy.address() as { port: number }).port} on 127.0.0.1 is already in use`, '--port 0'],
  },
  {
    name: 'an http:// tokenUrl off loopback names providers.app.tokenUrl like the other validation errors',
    providers: () => [app({ tokenUrl: 'http://api.example.com/oauth2/token' })],
    argv: () => ['timeline', 'app'],
    code: 1,
    fragments: () => ['providers.app.tokenUrl: must use https:// (plain http:// is allowed only on loopback'],
  },
  {
    name: 'an unknown provider lists the configured ones',
    providers: () => [app()],
    argv: () => ['token', 'twitter'],
    code: 1,
    fragments: () => ['unknown provider twitter; configured: app'],
  },
];

describe('every failure says what failed, the field to check and the next step (built binary)', () => {
  it.each(rows.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const dir = tempDir();
    writeConfig(dir, sandboxConfig(row.providers(), { store: 'memory' }));
    if (row.fault) sandbox.faults.add({ ...row.fault, times: 1 });
    const result = await runBinary(row.argv(), { cwd: dir, env: { ...SANDBOX_ENV, ...row.env } });
    expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: row.code });
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n');
    expect(lines.filter((line) => line.startsWith('error: '))).toHaveLength(1);
    for (const fragment of row.fragments()) expect(result.stderr).toContain(fragment);
    // The library's own wording never reaches the user bare.
    expect(result.stderr).not.toMatch(/Client request error|maxRetriesPerRequest|Error: listen|ECONNREFUSED|TypeError|RangeError/);
    for (const secret of SECRETS) expect(result.stdout + result.stderr).not.toContain(secret);
  });
});
