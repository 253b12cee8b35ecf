import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DEMO_CREDENTIALS,
  SANDBOX_FOLLOWER_COUNT,
  decideOnAuthorizePage,
  makeTweet,
  startSandbox,
  twitterUser,
  type Sandbox,
  type Tweet,
} from '@tokensmith/sandbox';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInPty } from './pty.js';
import {
  BIN,
  SANDBOX_ENV,
  TRUSTED_TEST_VARIABLES,
  runBinary,
  sandboxConfig,
  sandboxProvider,
  tempDir,
  writeConfig,
  approveInBrowser,
} from './helpers.js';

// `tokensmith api` through the real binary against the sandbox: each strategy calls an endpoint
// (OAuth 1.0a's form POST checked by the sandbox's own signature verifier), each pagination scheme
// reads every item exactly once with and without --slurp, --jq filters with jq itself, another
// origin is refused before any request, and each failure gives its message and exit code.

const writer = twitterUser({ id: 4242n, name: 'Prolific', screen_name: 'prolific' });
const TWEETS: Tweet[] = Array.from({ length: 23 }, (_, i) => makeTweet(i + 1, writer, `practice tweet number ${i + 1}`, {}, i + 1));

let sandbox: Sandbox;
let dir: string;
const env = SANDBOX_ENV;

beforeAll(async () => {
  sandbox = await startSandbox({ timelines: { prolific: TWEETS } });
  dir = tempDir();
  const base = `    baseUrl: ${sandbox.url.replace(/\/$/, '')}\n`;
  writeConfig(
    dir,
    sandboxConfig([
      sandboxProvider(sandbox, 'client-credentials') + base,
      sandboxProvider(sandbox, 'oauth1-pin') + base,
      sandboxProvider(sandbox, 'authorization-code') + base,
    ]),
  );
  const start = await runBinary(['login', 'user', '--no-browser'], { cwd: dir, env });
  const { pin } = await decideOnAuthorizePage(/Open this URL to authorize:\n {2}(\S+)/.exec(start.stderr)![1]!, 'approve');
  expect((await runBinary(['login', 'user', '--pin', pin!], { cwd: dir, env })).code).toBe(0);
  const login = await runBinary(['login', 'me', '--no-browser'], { cwd: dir, env, onStderr: approveInBrowser() });
  expect(login.code).toBe(0);
});
afterAll(async () => {
  await sandbox.stop();
});
afterEach(() => sandbox.faults.clear());

const api = (...argv: string[]) => runBinary(['api', ...argv], { cwd: dir, env });
const lines = (stdout: string) => stdout.split('\n').filter((line) => line !== '');

describe('tokensmith api: each strategy calls its API', () => {
  it('client credentials (app-only) GETs X v2 search; piped, the body is written as received', async () => {
    const result = await api('app', '/2/tweets/search/recent?query=practice&max_results=10');
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as { data: Array<{ text: string }>; meta: { result_count: number } };
    expect(body.meta.result_count).toBe(10);
    expect(body.data.every((tweet) => tweet.text.includes('practice'))).toBe(true);
    expect(result.stdout + result.stderr).not.toContain(DEMO_CREDENTIALS.app.clientSecret);
  });

  it('OAuth 1.0a POSTs a form to /1.1/statuses/update.json, accepted by the sandbox signature check', async () => {
    const status = 'Hello Ladies + Gentlemen, a signed OAuth request! (100% ~*)';
    const result = await api('user', '/1.1/statuses/update.json', '--form', '-f', `status=${status}`, '-F', 'trim_user=true');
    expect(result.stderr).not.toContain('error');
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { text: string }).text).toBe(status);
    expect(result.stdout + result.stderr).not.toContain(DEMO_CREDENTIALS.oauth1.consumerSecret);
  });

  it('authorization code (user context) GETs /2/users/me; -i prints the status line and headers first', async () => {
    const result = await api('me', '/2/users/me', '-i');
    expect(result.code).toBe(0);
    const [head, body] = result.stdout.split('\n\n');
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\n/);
    expect(head).toMatch(/\ncontent-type: application\/json/);
    expect((JSON.parse(body!) as { data: { username: string } }).data.username).toBe('twitterapi');
  });
});

describe('tokensmith api: bodies', () => {
  it('--input - streams stdin as the JSON body (OAuth 1.0a user context, the JSON not signed)', async () => {
    const result = await runBinary(['api', 'user', '/2/tweets', '--input', '-'], { cwd: dir, env, stdin: '{"text":"from stdin"}' });
    expect(result.stderr).not.toContain('error');
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { data: { text: string } }).data.text).toBe('from stdin');
  });

  it('--input with a file that cannot be read is a usage error before any request', async () => {
    const result = await api('user', '/2/tweets', '--input', 'missing.json');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--input missing.json: cannot read the file (ENOENT)');
  });

  it('-F key=@file reads the value from a file into the JSON body', async () => {
    writeFileSync(join(dir, 'tweet.txt'), 'from a file');
    const result = await api('user', '/2/tweets', '-F', 'text=@tweet.txt');
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { data: { text: string } }).data.text).toBe('from a file');
  });

  it('on a terminal: JSON indented and coloured, other text with its escape sequences made visible', async () => {
    sandbox.faults.add({ path: '/2/tweets/search/recent', fault: { type: 'status', status: 200, body: '{"a":[1]}' } });
    const json = runInPty(['api', 'app', '/2/tweets/search/recent?query=x'], { cwd: dir, env });
    expect(await json.exited).toBe(0);
    expect(json.text).toContain('{\n  "a": [\n    1\n  ]\n}');
    expect(json.screen).toContain('\u001b[1;34m"a"');
    sandbox.faults.add({
      path: '/2/tweets/search/recent',
      fault: { type: 'status', status: 200, body: 'plain \u001b]0;pwned\u0007 text', headers: { 'content-type': 'text/plain' } },
    });
    const text = runInPty(['api', 'app', '/2/tweets/search/recent?query=x'], { cwd: dir, env });
    expect(await text.exited).toBe(0);
    expect(text.screen).toContain('plain \\x1b]0;pwned\\x07 text');
    expect(text.screen).not.toContain('\u001b]0;');
  });

  it('with one argument, the path goes to the default provider (the demo: no config file, baseUrl set)', async () => {
    const empty = tempDir();
    const result = await runBinary(['api', '/2/users/6253282/tweets', '--paginate', '--jq', '.data | length'], { cwd: empty });
    expect(result.stderr).toContain('built-in demo');
    expect(result.code).toBe(0);
    expect(lines(result.stdout).every((line) => /^\d+$/.test(line))).toBe(true);
  });
});

describe('tokensmith api --paginate: every item exactly once', () => {
  const schemes = [
    {
      scheme: 'x-v2',
      path: '/2/users/4242/tweets?max_results=5',
      pages: 5,
      items: (page: unknown) => (page as { data: Array<{ id: string }> }).data.map((t) => t.id),
    },
    {
      scheme: 'x-v1-cursor',
      path: '/1.1/followers/ids.json?screen_name=prolific&count=100',
      pages: 3,
      items: (page: unknown) => (page as { ids: number[] }).ids.map(String),
    },
    {
      scheme: 'link',
      path: '/api/v1/accounts/4242/statuses?limit=5',
      pages: 6,
      items: (page: unknown) => (page as Array<{ id: string }>).map((s) => s.id),
    },
  ] as const; // Mastodon links a next page until one comes back empty: 23 statuses by 5 are 6 pages
  const expected = { 'x-v2': TWEETS.length, 'x-v1-cursor': SANDBOX_FOLLOWER_COUNT, link: TWEETS.length };

  it.each(schemes)('$scheme: one line per page when piped, and one array with --slurp', async ({ scheme, path, pages, items }) => {
    const each = await api('app', path, '--paginate');
    expect(each.code).toBe(0);
    const perPage = lines(each.stdout).map((line) => JSON.parse(line) as unknown);
    expect(perPage).toHaveLength(pages);
    const ids = perPage.flatMap(items);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(expected[scheme]);

    const slurp = await api('app', path, '--paginate', '--slurp');
    expect(slurp.code).toBe(0);
    const array = JSON.parse(slurp.stdout) as unknown[];
    expect(array).toHaveLength(pages);
    expect(array.flatMap(items)).toEqual(ids);
  });

  it("OAuth 1.0a signs each page's query (the cursor included): with --paginate the -f/-F fields go to the query", async () => {
    const result = await api(
      'user',
      '/1.1/followers/ids.json',
      '-X',
      'GET',
      '-f',
      'screen_name=prolific',
      '-F',
      'count=100',
      '--paginate',
      '--slurp',
    );
    expect(result.code).toBe(0);
    const ids = (JSON.parse(result.stdout) as Array<{ ids: number[] }>).flatMap((page) => page.ids);
    expect(new Set(ids).size).toBe(SANDBOX_FOLLOWER_COUNT);
  });

  it('--max-pages bounds the pages and says more remain', async () => {
    const result = await api('app', '/2/users/4242/tweets?max_results=5', '--paginate', '--max-pages', '2');
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toHaveLength(2);
    expect(result.stderr).toContain('Stopped after 2 pages (--max-pages 2); more pages remain.');
  });
});

describe('tokensmith api --jq', () => {
  it('filters each page with jq: strings raw, one per line', async () => {
    const result = await api('app', '/2/users/4242/tweets?max_results=5', '--paginate', '--jq', '.data[].text');
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual(TWEETS.map((_, i) => `practice tweet number ${i + 1}`));
  });

  it('filters the slurped array, other values as JSON', async () => {
    const result = await api('app', '/2/users/4242/tweets?max_results=5', '--paginate', '--slurp', '--jq', 'map(.data | length)');
    expect(result.stdout).toBe('[5,5,5,5,3]\n');
  });

  it('a bad filter is a usage error naming jq', async () => {
    const result = await api('app', '/2/tweets/search/recent?query=practice', '--jq', '.[');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: --jq \.\[: jq: error: syntax error/);
  });
});

describe('tokensmith api: the origin check', () => {
  let other: Server;
  let hits = 0;
  beforeAll(async () => {
    other = createServer((_req, res) => {
      hits++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => other.close(() => resolve())));

  it('refuses a URL on another origin before any request (exit 1)', async () => {
    const port = (other.address() as AddressInfo).port;
    for (const provider of ['app', 'user', 'me']) {
      const result = await api(provider, `http://127.0.0.1:${port}/2/users/me`);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`http://127.0.0.1:${port} is not ${provider}'s API`);
      expect(result.stderr).toContain(`providers.${provider}.allowedOrigins`);
    }
    expect(hits).toBe(0);
  });

  it('follows a redirect to another origin without the credentials', async () => {
    const port = (other.address() as AddressInfo).port;
    const seen: Array<string | undefined> = [];
    other.removeAllListeners('request');
    other.on('request', (req, res) => {
      seen.push(req.headers.authorization);
      res.setHeader('content-type', 'application/json');
      res.end('{"moved":true}');
    });
    sandbox.faults.add({
      path: '/2/users/me',
      fault: { type: 'status', status: 302, body: '', headers: { location: `http://127.0.0.1:${port}/elsewhere` } },
    });
    const result = await api('me', '/2/users/me');
    expect(result.stdout).toBe('{"moved":true}');
    expect(seen).toEqual([undefined]);
  });

  it('takes a full URL on baseUrl itself', async () => {
    const result = await api('me', `${sandbox.url.replace(/\/$/, '')}/2/users/me`, '--jq', '.data.username');
    expect(result.stdout).toBe('twitterapi\n');
  });
});

describe('tokensmith api: failures explain themselves', () => {
  it('insufficient_scope names the scope and the login to run (exit 2), and prints the body', async () => {
    const result = await api('me', '/api/v1/notifications');
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ error: 'This action is outside the authorized scopes' });
    expect(result.stderr).toContain('needs the scope read:notifications');
    expect(result.stderr).toContain('tokensmith login me');
  });

  it('app-only on POST /2/tweets names a user-context provider from the config (exit 2)', async () => {
    const result = await api('app', '/2/tweets', '-f', 'text=hello');
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('unsupported-authentication');
    expect(result.stderr).toContain('app authenticates as the app alone. Call it with user (tokensmith api user ...)');
  });

  it("X's client-not-enrolled names the project setting (exit 2)", async () => {
    const problem = {
      client_id: '1',
      detail:
        'When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.',
      reason: 'client-not-enrolled',
      title: 'Client Forbidden',
      type: 'https://api.twitter.com/2/problems/client-forbidden',
      required_enrollment: 'Appropriate Level of API Access',
    };
    sandbox.faults.add({ path: '/2/users/me', fault: { type: 'status', status: 403, body: JSON.stringify(problem) } });
    const result = await api('me', '/2/users/me');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('HTTP 403 (client-not-enrolled)');
    expect(result.stderr).toContain('attach the app to a Project');
  });

  it('401 even after a fresh token says the login is gone (exit 2)', async () => {
    sandbox.faults.add({ path: '/2/users/me', fault: { type: 'status', status: 401, body: '{"title":"Unauthorized"}' }, times: Infinity });
    const result = await api('app', '/2/users/me');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('HTTP 401 even with a fresh token: the login for app is gone');
  });

  it('429 shows when the window resets and why that is known (exit 3)', async () => {
    sandbox.faults.add({ path: '/2/users/me', fault: { type: 'rate-limit', resetInSeconds: 900, retryAfter: false } });
    const result = await api('me', '/2/users/me');
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/HTTP 429: rate limited; the window resets at \S+Z \(in 1[45] min, from x-rate-limit-reset\)/);
  });

  it('5xx after the retries is a provider error (exit 3)', async () => {
    sandbox.faults.add({ path: '/2/users/me', fault: { type: 'status', status: 503, body: 'down' }, times: Infinity });
    const result = await api('me', '/2/users/me');
    expect(result.stderr).not.toContain('ERR_INVALID_STATE');
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('down\n');
    expect(result.stderr).toContain('HTTP 503: the server failed');
  });

  it('another 4xx is exit 1 with the body', async () => {
    const result = await api('app', '/2/users/4242/tweets?max_results=500');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('max_results');
  });
});

describe('tokensmith api and a closed stdout', () => {
  it('`| head -1` ends quietly with exit 0', async () => {
    const script = `set -o pipefail; "${process.execPath}" "${BIN}" api app '/1.1/followers/ids.json?screen_name=prolific&count=5' --paginate | head -1`;
    const child = spawn('bash', ['-c', script], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '/usr/bin',
        HOME: dir,
        XDG_CONFIG_HOME: `${dir}/.config`,
        CI: 'true',
        ...TRUSTED_TEST_VARIABLES,
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => (stderr += String(c)));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/error|EPIPE/i);
    expect(code).toBe(0);
    expect(lines(stdout)).toHaveLength(1);
  });
});
