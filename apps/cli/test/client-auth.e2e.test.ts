import { chmodSync, writeFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import { JWT_CLIENTS, SANDBOX_CLIENT_KEYS, decideOnAuthorizePage, startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { approveInBrowser, runBinary, spawnCli, tempDir, writeConfig, type RunResult } from './helpers.js';

// JWT client authentication (issue 25) through the real binary against the sandbox, which verifies
// every assertion with jose: private_key_jwt and client_secret_jwt for each OAuth 2 strategy
// (client credentials `token`, authorization-code login, device-code login); the key file's
// checks; and the private key, the client secret and the assertions in no output.

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox({ deviceIntervalSeconds: 1 });
});
afterEach(async () => {
  await sandbox.stop();
});

const SECRET = JWT_CLIENTS.clientSecretJwt.clientSecret;
const ES256 = SANDBOX_CLIENT_KEYS.es256;
/** The private JWK of the ES256 test key: its `d` must appear nowhere. */
const ES256_JWK = { ...createPrivateKey(ES256.privateKeyPem).export({ format: 'jwk' }), kid: ES256.kid };
/** Lines of the PEM body, any of which in an output would be a leak. */
const PEM_LINES = ES256.privateKeyPem.split('\n').filter((line) => line && !line.startsWith('-----'));

type Method = 'private_key_jwt' | 'client_secret_jwt';
type Strategy = 'client-credentials' | 'authorization-code' | 'device-code';

/** The client authentication lines of a provider: the key file (0600) or `${CLIENT_SECRET}`. */
function authLines(method: Method, keyPath: string): string[] {
  return method === 'private_key_jwt'
    ? [`clientId: ${JWT_CLIENTS.privateKeyJwt.clientId}`, 'authMethod: private_key_jwt', `privateKey: ${keyPath}`, `keyId: ${ES256.kid}`]
    : [`clientId: ${JWT_CLIENTS.clientSecretJwt.clientId}`, 'authMethod: client_secret_jwt', 'clientSecret: ${CLIENT_SECRET}'];
}

function providerLines(strategy: Strategy): string[] {
  if (strategy === 'client-credentials') return [`tokenUrl: ${sandbox.endpoints.tokenUrl}`];
  const common = [`issuer: ${sandbox.endpoints.issuer}`, 'scopes: [tweet.read, users.read, offline.access]'];
  return strategy === 'authorization-code' ? [...common, 'redirectUri: http://127.0.0.1/callback'] : common;
}

/** A config with one provider `p` and a 0600 key file beside it; returns the config path. */
function setup(dir: string, strategy: Strategy, method: Method, extra: string[] = []): string {
  const keyPath = join(dir, 'client-key.pem');
  writeFileSync(keyPath, ES256.privateKeyPem, { mode: 0o600 });
  const lines = [`strategy: ${strategy}`, ...providerLines(strategy), ...authLines(method, keyPath), ...extra];
  return writeConfig(dir, `store: file\nproviders:\n  p:\n${lines.map((l) => `    ${l}`).join('\n')}\n`, 'config.yaml');
}

const ENV = { CLIENT_SECRET: SECRET };

/** Runs `login p` (device code) and approves the code it prints on the sandbox's /device page. */
async function deviceLogin(dir: string, config: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  const child = spawnCli(['--config', config, 'login', 'p', '--no-browser', '--verbose'], { cwd: dir, env });
  child.stdin.end();
  const out = { stdout: '', stderr: '', approved: false };
  const approve = () => {
    const page = /\(or open (\S+), which has the code filled in\)/.exec(out.stderr)?.[1];
    if (!page || out.approved) return;
    out.approved = true;
    void decideOnAuthorizePage(page, 'approve').catch(() => child.kill());
  };
  child.stdout.on('data', (c) => (out.stdout += String(c)));
  child.stderr.on('data', (c) => {
    out.stderr += String(c);
    approve();
  });
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  return { code, stdout: out.stdout, stderr: out.stderr };
}

/** Obtains a token with `strategy` the way a person or a script would, with --verbose and DEBUG=*. */
async function obtain(dir: string, strategy: Strategy, config: string): Promise<RunResult> {
  const env = { ...ENV, DEBUG: '*' };
  if (strategy === 'client-credentials') return runBinary(['--config', config, 'token', 'p', '--verbose'], { cwd: dir, env });
  if (strategy === 'device-code') return deviceLogin(dir, config, env);
  return runBinary(['--config', config, 'login', 'p', '--no-browser', '--verbose'], { cwd: dir, env, onStderr: approveInBrowser() });
}

function expectNoSecret(...outputs: string[]): void {
  const text = outputs.join('\n');
  for (const line of PEM_LINES) expect(text).not.toContain(line);
  expect(text).not.toContain(String(ES256_JWK.d));
  expect(text).not.toContain(SECRET);
  // No assertion either: a JWT of the client's (header eyJ..., then a payload naming the client).
  expect(text).not.toMatch(/client_assertion=eyJ/);
}

describe('JWT client authentication through the binary', () => {
  const matrix: Array<[Strategy, Method]> = [
    ['client-credentials', 'private_key_jwt'],
    ['client-credentials', 'client_secret_jwt'],
    ['authorization-code', 'private_key_jwt'],
    ['authorization-code', 'client_secret_jwt'],
    ['device-code', 'private_key_jwt'],
    ['device-code', 'client_secret_jwt'],
  ];

  it.each(matrix)(
    '%s with %s obtains a token, and no key, secret or assertion appears in --verbose/DEBUG output or status',
    async (strategy, method) => {
      const dir = tempDir();
      const config = setup(dir, strategy, method);
      const result = await obtain(dir, strategy, config);
      expect({ code: result.code, stderr: result.stderr.slice(-600) }).toEqual({ code: 0, stderr: expect.any(String) });
      if (strategy === 'client-credentials') expect(result.stdout).toMatch(/^A{21}\S+\n$/);
      else expect(result.stderr).toContain('Logged in to p');
      // The request carried an assertion, masked in the log.
      expect(result.stderr).toMatch(/client_assertion=(\[redacted\]|%5Bredacted%5D)/);
      const status = await runBinary(['--config', config, 'status', '--json'], { cwd: dir, env: ENV });
      expect(status.code).toBe(0);
      // status finds the stored tokens under the key the package stored them by (the key's fingerprint for private_key_jwt).
      expect((JSON.parse(status.stdout) as { providers: unknown[] }).providers).toEqual([
        expect.objectContaining({ provider: 'p', loggedIn: true }),
      ]);
      // Logout revokes at the sandbox (RFC 7009; the client authenticated by a new assertion again).
      const logout = await runBinary(['--config', config, 'logout', 'p', '--verbose'], { cwd: dir, env: { ...ENV, DEBUG: '*' } });
      expect(logout.code).toBe(0);
      expect(sandbox.stats.rejected).toBe(0);
      expectNoSecret(result.stdout, result.stderr, status.stdout, status.stderr, logout.stdout, logout.stderr);
    },
  );

  it('signs a fresh assertion (new jti) for every token request: a second client-credentials token request is not a replay', async () => {
    const dir = tempDir();
    const config = setup(dir, 'client-credentials', 'private_key_jwt');
    for (let i = 0; i < 2; i++) {
      // logout forgets the stored token, so each run asks the sandbox, which refuses a seen jti.
      const result = await runBinary(['--config', config, 'token', 'p'], { cwd: dir, env: ENV });
      expect(result.code).toBe(0);
      await runBinary(['--config', config, 'logout', 'p'], { cwd: dir, env: ENV });
    }
    expect(sandbox.stats.rejected).toBe(0);
  });

  it('a key that is not the registered one is refused as invalid_client, with what to check', async () => {
    const dir = tempDir();
    const config = setup(dir, 'client-credentials', 'private_key_jwt', []);
    // The RSA key is registered under another kid: this kid names the ES256 key, so no key matches.
    writeFileSync(join(dir, 'client-key.pem'), SANDBOX_CLIENT_KEYS.rs256.privateKeyPem, { mode: 0o600 });
    const result = await runBinary(['--config', config, 'token', 'p', '--verbose'], { cwd: dir, env: ENV });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid_client');
    expect(result.stderr).toContain('no registered key of this client matches the assertion (check kid and alg)');
    expect(result.stderr).toContain('hint: check providers.p.clientId and providers.p.privateKey and providers.p.keyId');
    expectNoSecret(result.stdout, result.stderr);
  });

  it('refuses a key file others can read, naming the field and the chmod', async () => {
    const dir = tempDir();
    const config = setup(dir, 'device-code', 'private_key_jwt');
    chmodSync(join(dir, 'client-key.pem'), 0o644);
    const result = await runBinary(['--config', config, 'login', 'p', '--no-browser'], { cwd: dir, env: ENV });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('providers.p.privateKey: the key file');
    expect(result.stderr).toContain(`run: chmod 600 ${join(dir, 'client-key.pem')}`);
    expectNoSecret(result.stdout, result.stderr);
  });

  it('takes the key from ${VAR} holding a JWK, and names the missing file otherwise', async () => {
    const dir = tempDir();
    const config = setup(dir, 'client-credentials', 'private_key_jwt');
    writeConfig(
      dir,
      `store: file\nproviders:\n  p:\n    strategy: client-credentials\n    tokenUrl: ${sandbox.endpoints.tokenUrl}\n    clientId: ${JWT_CLIENTS.privateKeyJwt.clientId}\n    authMethod: private_key_jwt\n    privateKey: \${CLIENT_KEY}\n`,
      'config.yaml',
    );
    const fromEnv = await runBinary(['--config', config, 'token', 'p', '--verbose'], {
      cwd: dir,
      env: { CLIENT_KEY: JSON.stringify(ES256_JWK), DEBUG: '*' },
    });
    expect(fromEnv.code).toBe(0);
    expectNoSecret(fromEnv.stdout, fromEnv.stderr);
    const missing = await runBinary(['--config', config, 'token', 'p'], { cwd: dir, env: { CLIENT_KEY: join(dir, 'nope.pem') } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`privateKey: the key file ${join(dir, 'nope.pem')} does not exist`);
  });

  it('a working-directory config naming a key file needs trust first', async () => {
    const dir = tempDir();
    const config = setup(dir, 'client-credentials', 'private_key_jwt');
    writeConfig(dir, (await import('node:fs')).readFileSync(config, 'utf8'));
    const untrusted = await runBinary(['token', 'p'], { cwd: dir, env: ENV });
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toContain(`signs with the key file ${join(dir, 'client-key.pem')}`);
    expect(untrusted.stderr).toContain('tokensmith trust');
    const trusted = await runBinary(['trust'], { cwd: dir, env: ENV });
    expect(trusted.code).toBe(0);
    expect(trusted.stderr).toContain(`it signs with ${join(dir, 'client-key.pem')}`);
    expect((await runBinary(['token', 'p'], { cwd: dir, env: ENV })).code).toBe(0);
  });

  it('reports a config mistake by field: private_key_jwt without privateKey', async () => {
    const dir = tempDir();
    const config = writeConfig(
      dir,
      `providers:\n  p:\n    strategy: client-credentials\n    tokenUrl: ${sandbox.endpoints.tokenUrl}\n    clientId: x\n    authMethod: private_key_jwt\n`,
      'config.yaml',
    );
    const result = await runBinary(['--config', config, 'token', 'p'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("authMethod 'private_key_jwt' needs privateKey");
  });
});
