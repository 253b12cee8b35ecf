import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decideOnAuthorizePage, startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { BIN, SANDBOX_ENV, runBinary, sandboxConfig, sandboxProvider, tempDir, writeConfig } from './helpers.js';

// Issue 23: tokens for other tools, each through the real binary and, where it matters, the real
// tool (git, kubectl) talking to a loopback server that checks the token the sandbox issued.

const run = promisify(execFile);
const HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

/** A user-level config (no trust needed, found from any working directory: git runs helpers in the repository). */
function userSetup(extraProviderLines = ''): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir();
  mkdirSync(join(dir, '.config', 'tokensmith'), { recursive: true });
  writeConfig(
    join(dir, '.config', 'tokensmith'),
    sandboxConfig([sandboxProvider(sandbox, 'client-credentials') + extraProviderLines]),
    'config.yaml',
  );
  return { dir, env: { ...SANDBOX_ENV, TOKENSMITH_TOKEN_FILE: join(dir, 'tokens.json') } };
}

/** The environment git (and the helper it starts) runs with: the test's HOME and global config, no system config, no prompt. */
function gitEnv(dir: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin',
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, '.config'),
    GIT_CONFIG_GLOBAL: join(dir, 'gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    CI: 'true',
    ...env,
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function basicPassword(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1);
}

/** git http-backend (CGI) behind node:http, answering only requests whose Basic password is a live sandbox token. */
function gitServer(projectRoot: string): Server {
  return createServer((req, res) => {
    const password = basicPassword(req);
    if (password === undefined || !sandbox.state.appTokens.has(password)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const cgi = spawn(HTTP_BACKEND, [], {
      env: {
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
        REMOTE_USER: 'git',
        REMOTE_ADDR: '127.0.0.1',
      },
    });
    req.pipe(cgi.stdin);
    const chunks: Buffer[] = [];
    cgi.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    cgi.on('close', () => {
      const output = Buffer.concat(chunks);
      const end = output.indexOf('\r\n\r\n');
      const head = output.subarray(0, end).toString('latin1').split('\r\n');
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head) {
        const at = line.indexOf(':');
        const key = line.slice(0, at).trim();
        const value = line.slice(at + 1).trim();
        if (key.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[key] = value;
      }
      res.writeHead(status, headers).end(output.subarray(end + 4));
    });
  });
}

describe('token --format', () => {
  it('prints raw, json (and --json), header, env and an ExecCredential, with nothing on stderr', async () => {
    const { dir, env } = userSetup();
    const raw = await runBinary(['token', 'app'], { cwd: dir, env });
    expect(raw.code).toBe(0);
    const token = raw.stdout.trim();
    expect(sandbox.state.appTokens.has(token)).toBe(true);
    const header = await runBinary(['token', 'app', '--format', 'header'], { cwd: dir, env });
    expect(header).toEqual({ code: 0, stdout: `Authorization: Bearer ${token}\n`, stderr: '' });
    const envFormat = await runBinary(['token', 'app', '--format', 'env'], { cwd: dir, env });
    expect(envFormat.stdout).toBe(`TOKENSMITH_TOKEN='${token}'\nTOKENSMITH_TOKEN_EXPIRES_AT=''\n`);
    const json = await runBinary(['token', 'app', '--format', 'json'], { cwd: dir, env });
    expect(JSON.parse(json.stdout)).toMatchObject({ provider: 'app', accessToken: token });
    expect((await runBinary(['token', 'app', '--json'], { cwd: dir, env })).stdout).toBe(json.stdout);
    const exec = await runBinary(['token', 'app', '--format', 'exec-credential'], {
      cwd: dir,
      env: { ...env, KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential' }) },
    });
    expect(exec.stderr).toBe('');
    // The ExecCredential shape client-go reads (k8s.io/client-go/pkg/apis/clientauthentication).
    expect(JSON.parse(exec.stdout)).toEqual({
      kind: 'ExecCredential',
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      spec: { interactive: false },
      status: { token },
    });
    // An OAuth 1.0a token signs each request: it cannot be a bare header (logged in as a script does, in two runs).
    const oauth1 = userSetup();
    writeConfig(join(oauth1.dir, '.config', 'tokensmith'), sandboxConfig([sandboxProvider(sandbox, 'oauth1-pin')]), 'config.yaml');
    const start = await runBinary(['login', 'user', '--no-browser'], { cwd: oauth1.dir, env: oauth1.env });
    const { pin } = await decideOnAuthorizePage(/Open this URL to authorize:\n {2}(\S+)/.exec(start.stderr)![1]!, 'approve');
    expect((await runBinary(['login', 'user', '--pin', pin!], { cwd: oauth1.dir, env: oauth1.env })).code).toBe(0);
    const refused = await runBinary(['token', 'user', '--format', 'header'], { cwd: oauth1.dir, env: oauth1.env });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('use tokensmith api user <path>');
    const bad = await runBinary(['token', 'app', '--format', 'xml'], { cwd: dir, env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--format must be one of raw, json, header, env, exec-credential');
  });
});

describe('exec', () => {
  const child = `const v = process.env.MY_TOKEN; process.stdout.write(JSON.stringify({ set: v !== undefined, argv: process.argv.slice(1) })); process.exitCode = 7;`;

  it("puts the token in the child's environment only, and exits with the child's code", async () => {
    const { dir, env } = userSetup();
    const result = await runBinary(['exec', 'app', '--env', 'MY_TOKEN', '--', process.execPath, '-e', child, 'plain-arg'], {
      cwd: dir,
      env,
    });
    expect(result.code).toBe(7);
    expect(result.stderr).toBe('');
    const seen = JSON.parse(result.stdout) as { set: boolean; argv: string[] };
    expect(seen).toEqual({ set: true, argv: ['plain-arg'] });
    const token = (await runBinary(['token', 'app'], { cwd: dir, env })).stdout.trim();
    const check = await runBinary(
      ['exec', 'app', '--', process.execPath, '-e', 'process.exit(process.env.TOKENSMITH_TOKEN === process.argv[1] ? 0 : 9)', token],
      {
        cwd: dir,
        env,
      },
    );
    expect(check.code).toBe(0);
  });

  it('exits 128 + n when the child is killed by signal n; refuses a bad --env name and a missing --', async () => {
    const { dir, env } = userSetup();
    const killed = await runBinary(['exec', 'app', '--', process.execPath, '-e', "process.kill(process.pid, 'SIGTERM')"], {
      cwd: dir,
      env,
    });
    expect(killed.code).toBe(143);
    const badName = await runBinary(['exec', 'app', '--env', '1X', '--', 'true'], { cwd: dir, env });
    expect(badName.code).toBe(1);
    expect(badName.stderr).toContain('--env must be a variable name');
    const noDashes = await runBinary(['exec', 'app', 'true'], { cwd: dir, env });
    expect(noDashes.code).toBe(1);
    expect(noDashes.stderr).toContain('exec needs -- before the command');
  });

  it('passes SIGTERM on to the child', async () => {
    const { dir, env } = userSetup();
    const script = `process.on('SIGTERM', () => { process.stdout.write('got SIGTERM'); process.exit(5); }); process.stdout.write('ready\\n'); setInterval(() => {}, 1000);`;
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const cli = spawn(process.execPath, [BIN, 'exec', 'app', '--', process.execPath, '-e', script], {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: dir, XDG_CONFIG_HOME: join(dir, '.config'), CI: 'true', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      cli.stdout.on('data', (chunk) => {
        stdout += String(chunk);
        if (stdout === 'ready\n') cli.kill('SIGTERM');
      });
      cli.on('close', (code) => resolve({ code, stdout }));
    });
    expect(result).toEqual({ code: 5, stdout: 'ready\ngot SIGTERM' });
  });
});

describe('TOKENSMITH_<NAME>_TOKEN', () => {
  it('is used by token and exec instead of the store, status names it, and it is never stored', async () => {
    const { dir, env } = userSetup();
    const overridden = { ...env, TOKENSMITH_APP_TOKEN: 'from-the-ci-secret' };
    const before = sandbox.stats.tokenRequests;
    expect((await runBinary(['token', 'app', '--format', 'header'], { cwd: dir, env: overridden })).stdout).toBe(
      'Authorization: Bearer from-the-ci-secret\n',
    );
    const exec = await runBinary(['exec', 'app', '--', process.execPath, '-e', 'process.stdout.write(process.env.TOKENSMITH_TOKEN)'], {
      cwd: dir,
      env: overridden,
    });
    expect(exec.stdout).toBe('from-the-ci-secret');
    const status = await runBinary(['status'], { cwd: dir, env: overridden });
    expect(status.stdout).toMatch(/app\s+client-credentials\s+token from TOKENSMITH_APP_TOKEN/);
    expect(sandbox.stats.tokenRequests).toBe(before);
    // timeline sends the override too: a token the sandbox issued works, a made-up one is refused.
    const issued = (
      await runBinary(['token', 'app'], { cwd: dir, env: { ...env, TOKENSMITH_TOKEN_FILE: join(dir, 'other.json') } })
    ).stdout.trim();
    const afterIssue = sandbox.stats.tokenRequests;
    expect(
      (
        await runBinary(['timeline', 'app', '--user', 'twitterapi', '--count', '1'], {
          cwd: dir,
          env: { ...env, TOKENSMITH_APP_TOKEN: issued },
        })
      ).code,
    ).toBe(0);
    expect((await runBinary(['timeline', 'app', '--user', 'twitterapi', '--count', '1'], { cwd: dir, env: overridden })).code).toBe(2);
    expect(sandbox.stats.tokenRequests).toBe(afterIssue);
    expect(existsSync(join(dir, 'tokens.json')) ? readFileSync(join(dir, 'tokens.json'), 'utf8') : '').not.toContain('from-the-ci-secret');
  });
});

describe('login --with-token', () => {
  it('stores a bare token or a token response from stdin, without echoing it, and token then prints it', async () => {
    const { dir, env } = userSetup();
    const bare = await runBinary(['login', 'app', '--with-token', '--expires-in', '3600'], { cwd: dir, env, stdin: 'issued-elsewhere\n' });
    expect(bare.code).toBe(0);
    expect(bare.stdout + bare.stderr).not.toContain('issued-elsewhere');
    expect((await runBinary(['token', 'app'], { cwd: dir, env })).stdout).toBe('issued-elsewhere\n');
    const json = JSON.stringify({ access_token: 'from-json', expires_in: 600, token_type: 'Bearer' });
    expect((await runBinary(['login', 'app', '--with-token'], { cwd: dir, env, stdin: json })).code).toBe(0);
    const printed = JSON.parse((await runBinary(['token', 'app', '--json'], { cwd: dir, env })).stdout) as {
      accessToken: string;
      expiresAt: string;
    };
    expect(printed.accessToken).toBe('from-json');
    expect(Date.parse(printed.expiresAt) - Date.now()).toBeGreaterThan(500_000);
    const empty = await runBinary(['login', 'app', '--with-token'], { cwd: dir, env, stdin: '' });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('no token on standard input');
  });
});

describe('git credential helper', () => {
  it('answers only the hosts a provider lists; store is a no-op; erase forgets only the rejected token', async () => {
    const { dir, env } = userSetup('    gitHosts: [git.example.com]\n    gitUsername: oauth2\n');
    const answer = await runBinary(['credential', 'get'], { cwd: dir, env, stdin: 'protocol=https\nhost=git.example.com\n\n' });
    expect(answer.code).toBe(0);
    expect(answer.stderr).toBe('');
    const token = /^password=(.+)$/m.exec(answer.stdout)?.[1];
    expect(answer.stdout).toBe(`username=oauth2\npassword=${token}\n`);
    expect(sandbox.state.appTokens.has(token!)).toBe(true);
    // Another host, or plain http off loopback: nothing, so git asks its next helper.
    for (const stdin of ['protocol=https\nhost=other.example.com\n\n', 'protocol=http\nhost=git.example.com\n\n']) {
      expect(await runBinary(['credential', 'get'], { cwd: dir, env, stdin })).toEqual({ code: 0, stdout: '', stderr: '' });
    }
    expect(
      await runBinary(['credential', 'store'], { cwd: dir, env, stdin: `protocol=https\nhost=git.example.com\npassword=${token}\n\n` }),
    ).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    // A late erase of another (older) token leaves the stored one in use.
    await runBinary(['credential', 'erase'], { cwd: dir, env, stdin: 'protocol=https\nhost=git.example.com\npassword=an-older-token\n\n' });
    const before = sandbox.stats.tokenRequests;
    expect((await runBinary(['token', 'app'], { cwd: dir, env })).stdout).toBe(`${token}\n`);
    expect(sandbox.stats.tokenRequests).toBe(before);
    // Erasing the stored token makes the next get obtain a new one.
    sandbox.state.appTokens.delete(token!);
    await runBinary(['credential', 'erase'], { cwd: dir, env, stdin: `protocol=https\nhost=git.example.com\npassword=${token}\n\n` });
    const fresh = await runBinary(['credential', 'get'], { cwd: dir, env, stdin: 'protocol=https\nhost=git.example.com\n\n' });
    expect(fresh.stdout).not.toContain(token!);
    expect(sandbox.stats.tokenRequests).toBe(before + 1);
    // No config file at all (the built-in demo): no answer, and no embedded sandbox started.
    const bare = tempDir();
    expect(await runBinary(['credential', 'get'], { cwd: bare, stdin: 'protocol=https\nhost=git.example.com\n\n' })).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    expect(existsSync(join(bare, '.config', 'tokensmith', 'demo'))).toBe(false);
    const unknown = await runBinary(['credential', 'approve'], { cwd: dir, env, stdin: '' });
    expect(unknown.code).toBe(1);
  });

  it('never starts a login: a user provider with nothing stored fails with the command to run', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.config', 'tokensmith'), { recursive: true });
    const provider = sandboxProvider(sandbox, 'authorization-code') + '    gitHosts: [git.example.com]\n';
    writeConfig(join(dir, '.config', 'tokensmith'), sandboxConfig([provider]), 'config.yaml');
    const env = { ...SANDBOX_ENV, TOKENSMITH_TOKEN_FILE: join(dir, 'tokens.json'), CI: '' };
    const answer = await runBinary(['credential', 'get'], { cwd: dir, env, stdin: 'protocol=https\nhost=git.example.com\n\n' });
    expect(answer.code).toBe(2);
    expect(answer.stdout).toBe('');
    expect(answer.stderr).toContain('tokensmith login me');
  });

  it('32 concurrent gets on a cold store make one token request', async () => {
    const { dir, env } = userSetup('    gitHosts: [git.example.com]\n');
    const before = sandbox.stats.tokenRequests;
    const answers = await Promise.all(
      Array.from({ length: 32 }, () =>
        runBinary(['credential', 'get'], { cwd: dir, env, stdin: 'protocol=https\nhost=git.example.com\n\n' }),
      ),
    );
    expect(answers.every((answer) => answer.code === 0 && answer.stderr === '')).toBe(true);
    expect(new Set(answers.map((answer) => answer.stdout)).size).toBe(1);
    expect(sandbox.stats.tokenRequests).toBe(before + 1);
  }, 120_000);

  it('setup-git configures real git: credential fill, then fetch over HTTP, and after a rejection erase + retry gets a fresh token', async () => {
    const work = tempDir();
    const remote = join(work, 'remote.git');
    await run('git', ['init', '-q', '--bare', '-b', 'main', remote]);
    const server = gitServer(work);
    const port = await listen(server);
    try {
      const host = `127.0.0.1:${port}`;
      const { dir, env } = userSetup(`    gitHosts: ['${host}']\n`);
      const gitenv = gitEnv(dir, env);
      const setup = await runBinary(['setup-git', 'app'], { cwd: dir, env: gitenv });
      expect(setup.code).toBe(0);
      expect(setup.stdout).toContain(`set credential.http://${host}.helper to !`);
      expect(readFileSync(join(dir, 'gitconfig'), 'utf8')).toContain(`[credential "http://${host}"]`);

      const filled = await new Promise<string>((resolve, reject) => {
        const git = spawn('git', ['credential', 'fill'], { env: gitenv, cwd: dir });
        let out = '';
        git.stdout.on('data', (chunk) => (out += String(chunk)));
        git.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`git credential fill exited ${code}`))));
        git.stdin.end(`protocol=http\nhost=${host}\n\n`);
      });
      const first = /^password=(.+)$/m.exec(filled)?.[1];
      expect(filled).toContain('username=x-access-token\n');
      expect(sandbox.state.appTokens.has(first!)).toBe(true);

      // Push a commit, then clone it back over HTTP through the token-checking server.
      const source = join(dir, 'source');
      await run('git', ['init', '-q', '-b', 'main', source], { env: gitenv });
      writeFileSync(join(source, 'README'), 'hello\n');
      await run('git', ['-C', source, 'add', 'README'], { env: gitenv });
      await run('git', ['-C', source, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'one'], { env: gitenv });
      await run('git', ['-C', source, 'push', '-q', `http://${host}/remote.git`, 'main'], { env: gitenv });
      await run('git', ['clone', '-q', `http://${host}/remote.git`, join(dir, 'clone')], { env: gitenv });
      expect(readFileSync(join(dir, 'clone', 'README'), 'utf8')).toBe('hello\n');

      // The provider revokes the token: this fetch fails and git erases it; the retry gets a fresh one.
      sandbox.state.appTokens.delete(first!);
      await expect(run('git', ['-C', join(dir, 'clone'), 'fetch', '-q'], { env: gitenv })).rejects.toThrow();
      await run('git', ['-C', join(dir, 'clone'), 'fetch', '-q'], { env: gitenv });
      const second = (await runBinary(['token', 'app'], { cwd: dir, env })).stdout.trim();
      expect(second).not.toBe(first);
      expect(sandbox.state.appTokens.has(second)).toBe(true);
    } finally {
      server.close();
    }
  }, 120_000);
});

describe('kubectl exec plugin', () => {
  it('kubectl runs `tokensmith token --format exec-credential` and sends its token to the API server', async () => {
    if (!existsSync('/usr/bin/kubectl')) {
      console.warn('kubectl is not installed (scripts/setup-test-deps.sh installs kubernetes-client): the kubectl case is skipped');
      return;
    }
    const { dir, env } = userSetup();
    const seen: string[] = [];
    // kubectl sends credentials over TLS only: a throwaway self-signed certificate for 127.0.0.1.
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'api.key'),
      '-out',
      join(dir, 'api.crt'),
    ]);
    const cert = readFileSync(join(dir, 'api.crt'));
    const api = createHttpsServer({ key: readFileSync(join(dir, 'api.key')), cert }, (req, res) => {
      const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
      seen.push(req.url ?? '');
      if (!sandbox.state.appTokens.has(token)) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"kind":"Status","code":401}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'APIVersions', versions: ['v1'] }));
    });
    const port = await listen(api);
    try {
      const kubeconfig = join(dir, 'kubeconfig.json');
      writeFileSync(
        kubeconfig,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [
            { name: 'stub', cluster: { server: `https://127.0.0.1:${port}`, 'certificate-authority-data': cert.toString('base64') } },
          ],
          users: [
            {
              name: 'app',
              user: {
                exec: {
                  apiVersion: 'client.authentication.k8s.io/v1',
                  command: process.execPath,
                  args: [BIN, 'token', 'app', '--format', 'exec-credential'],
                  interactiveMode: 'Never',
                },
              },
            },
          ],
          contexts: [{ name: 'stub', context: { cluster: 'stub', user: 'app' } }],
          'current-context': 'stub',
        }),
      );
      const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfig, 'get', '--raw', '/api'], { env: gitEnv(dir, env), cwd: dir });
      expect(JSON.parse(stdout)).toEqual({ kind: 'APIVersions', versions: ['v1'] });
      expect(seen).toContain('/api');
    } finally {
      api.close();
    }
  }, 60_000);
});
