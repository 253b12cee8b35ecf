import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEMO_CREDENTIALS,
  JWT_CLIENTS,
  SANDBOX_CLIENT_KEYS,
  mintCiToken,
  registerAssertionKey,
  startSandbox,
  type Sandbox,
} from '@tokensmith/sandbox';
import { runBinary, tempDir, writeConfig, type RunResult } from './helpers.js';

// Issue 25, the two workload grants through the real binary against the sandbox: a CI job swapping
// its OIDC token (RFC 8693 token exchange), and a service account signing assertions with its key
// (RFC 7523 JWT bearer). No person and no login prompt: `login` just obtains a token; `token`
// caches it; an expired token is obtained again with the subject token re-read / a new assertion.

let clock: number;
let sandbox: Sandbox;
const robot = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ROBOT_PEM = robot.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
/** The base64 body of the PEM: what a leak of the key would show. */
const ROBOT_KEY_BODY = ROBOT_PEM.split('\n')[1]!;

beforeEach(async () => {
  clock = Date.now();
  sandbox = await startSandbox({ now: () => clock });
  await registerAssertionKey(sandbox.state, { issuer: 'deploy-bot', publicKey: robot.publicKey });
});
afterEach(async () => {
  await sandbox.stop();
});

const TRUSTED = 'CI_OIDC_TOKEN,ROBOT_KEY';

function exchangeConfig(extra = ''): string {
  return `store: file
providers:
  api:
    strategy: token-exchange
    tokenUrl: ${sandbox.endpoints.tokenUrl}
    clientId: ${DEMO_CREDENTIALS.oauth2.clientId}
    subjectToken: { env: CI_OIDC_TOKEN }
    audience: sandbox-api
    baseUrl: ${sandbox.url}
${extra}    timeline: { url: ${sandbox.endpoints.timelineUrl}, user: twitterapi }
`;
}

function bearerConfig(extra = ''): string {
  return `store: file
providers:
  robot:
    strategy: jwt-bearer
    issuer: ${sandbox.endpoints.issuer}
    clientId: ${DEMO_CREDENTIALS.oauth2.clientId}
    privateKey: \${ROBOT_KEY}
    claims: { issuer: deploy-bot }
${extra}    timeline: { url: ${sandbox.endpoints.timelineUrl}, user: twitterapi }
`;
}

/** Moves every stored token's expiry into the past (the store file as the CLI wrote it). */
function expireStoredTokens(dir: string): void {
  const file = join(dir, '.config', 'tokensmith', 'tokens.json');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/"expiresAt":\s*\d+/g, `"expiresAt": ${Date.now() - 1000}`));
}

function expectNoSecret(results: RunResult[], secrets: string[]): void {
  for (const result of results) for (const secret of secrets) expect(result.stdout + result.stderr).not.toContain(secret);
}

describe('token-exchange through the binary', () => {
  it('login obtains a token with no prompt, token caches it, an expired one is exchanged again with the subject token re-read; timeline and status work', async () => {
    const dir = tempDir();
    writeConfig(dir, exchangeConfig());
    let ciToken = await mintCiToken(sandbox.state);
    const env = () => ({ CI_OIDC_TOKEN: ciToken, TOKENSMITH_TRUSTED_VARIABLES: TRUSTED });

    const login = await runBinary(['login', 'api'], { cwd: dir, env: env() });
    expect(login.stderr).toBe(login.stderr.replace(/Open|enter the code|PIN/g, ''));
    expect(login.code).toBe(0);
    expect(sandbox.stats.tokenExchanges).toBe(1);

    const first = await runBinary(['token', 'api'], { cwd: dir, env: env() });
    expect(first.code).toBe(0);
    const token = first.stdout.trim();
    expect(token).toMatch(/^wl-/);
    const second = await runBinary(['token', 'api'], { cwd: dir, env: env() });
    expect(second.stdout.trim()).toBe(token);
    expect(sandbox.stats.tokenExchanges).toBe(1);

    const timeline = await runBinary(['timeline', 'api', '--count', '1'], { cwd: dir, env: env() });
    expect(timeline.code).toBe(0);
    expect(timeline.stdout).toMatch(/^Tweet: /);

    const api = await runBinary(['api', 'api', '/2/tweets/search/recent?query=practice&max_results=10'], { cwd: dir, env: env() });
    expect(api.code).toBe(0);
    expect(JSON.parse(api.stdout)).toHaveProperty('meta');
    expect(sandbox.stats.tokenExchanges).toBe(1);

    const status = await runBinary(['status', '--json'], { cwd: dir, env: env() });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('"api"');
    expect(status.stdout).toContain('token-exchange');

    // The CI token the job had at first expired with the stored token; the job has a new one now.
    clock += 3_600_000;
    ciToken = await mintCiToken(sandbox.state);
    expireStoredTokens(dir);
    const renewed = await runBinary(['token', 'api', '--verbose'], { cwd: dir, env: env() });
    expect(renewed.code).toBe(0);
    expect(renewed.stdout.trim()).not.toBe(token);
    expect(renewed.stdout.trim()).toMatch(/^wl-/);
    expect(sandbox.stats.tokenExchanges).toBe(2);
    expectNoSecret([login, timeline, api, status, renewed], [ciToken]);
    expectNoSecret([login, status, timeline, api], [token]);
    expect(renewed.stderr).not.toContain(ciToken);
  });

  it('words the refusals with the field to fix: invalid_grant names subjectToken, invalid_target names audience and resource', async () => {
    const dir = tempDir();
    writeConfig(dir, exchangeConfig());
    const expired = await mintCiToken(sandbox.state, { exp: Math.floor(clock / 1000) - 60 });
    const refused = await runBinary(['token', 'api'], { cwd: dir, env: { CI_OIDC_TOKEN: expired, TOKENSMITH_TRUSTED_VARIABLES: TRUSTED } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('api: the provider refused the grant');
    expect(refused.stderr).toContain('invalid_grant');
    expect(refused.stderr).toContain('check providers.api.subjectToken and providers.api.subjectTokenType');
    expect(refused.stderr).not.toContain('log in again');

    const other = tempDir();
    writeConfig(other, exchangeConfig().replace('audience: sandbox-api', 'audience: elsewhere-api'));
    const ciToken = await mintCiToken(sandbox.state);
    const target = await runBinary(['token', 'api'], {
      cwd: other,
      env: { CI_OIDC_TOKEN: ciToken, TOKENSMITH_TRUSTED_VARIABLES: TRUSTED },
    });
    expect(target.code).toBe(2);
    expect(target.stderr).toContain('invalid_target');
    expect(target.stderr).toContain('check providers.api.audience and providers.api.resource');
    expectNoSecret([refused, target], [expired, ciToken]);
  });

  it('names the subject token source that cannot be read, never a value', async () => {
    const dir = tempDir();
    writeConfig(dir, exchangeConfig());
    const result = await runBinary(['token', 'api'], { cwd: dir, env: { TOKENSMITH_TRUSTED_VARIABLES: TRUSTED } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('subjectToken: the environment variable CI_OIDC_TOKEN is not set');
  });

  it('a working-directory config whose subject token comes from a command stops at the trust gate: the program never runs', async () => {
    const dir = tempDir();
    const marker = join(dir, 'ran');
    writeConfig(
      dir,
      exchangeConfig().replace(
        'subjectToken: { env: CI_OIDC_TOKEN }',
        `subjectToken: { command: [${JSON.stringify(process.execPath)}, -e, ${JSON.stringify(`require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`)}] }`,
      ),
    );
    const result = await runBinary(['token', 'api'], { cwd: dir, env: { TOKENSMITH_TRUSTED_VARIABLES: TRUSTED } });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('runs the program');
    expect(result.stderr).toContain('tokensmith trust');
    expect(existsSync(marker)).toBe(false);

    // Trusted, the command is the subject token's source.
    const ciToken = await mintCiToken(sandbox.state);
    writeConfig(
      dir,
      exchangeConfig().replace(
        'subjectToken: { env: CI_OIDC_TOKEN }',
        `subjectToken: { command: [${JSON.stringify(process.execPath)}, -e, ${JSON.stringify(`process.stdout.write(${JSON.stringify(ciToken)})`)}] }`,
      ),
    );
    expect((await runBinary(['trust'], { cwd: dir, env: { TOKENSMITH_TRUSTED_VARIABLES: TRUSTED } })).code).toBe(0);
    const trusted = await runBinary(['token', 'api'], { cwd: dir, env: { TOKENSMITH_TRUSTED_VARIABLES: TRUSTED } });
    expect(trusted.code).toBe(0);
    expect(trusted.stdout.trim()).toMatch(/^wl-/);
  });
});

describe('jwt-bearer through the binary', () => {
  it('signs an assertion from the configured key, caches the token, signs a new one on expiry; the key is never printed', async () => {
    const dir = tempDir();
    writeConfig(dir, bearerConfig());
    const env = { ROBOT_KEY: ROBOT_PEM, TOKENSMITH_TRUSTED_VARIABLES: TRUSTED };
    const login = await runBinary(['login', 'robot', '--verbose'], { cwd: dir, env });
    expect(login.code).toBe(0);
    expect(sandbox.stats.jwtBearerGrants).toBe(1);
    const first = await runBinary(['token', 'robot'], { cwd: dir, env });
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).toMatch(/^wl-/);
    const again = await runBinary(['token', 'robot'], { cwd: dir, env });
    expect(again.stdout).toBe(first.stdout);
    expect(sandbox.stats.jwtBearerGrants).toBe(1);

    expireStoredTokens(dir);
    const renewed = await runBinary(['token', 'robot', '--verbose'], { cwd: dir, env: { ...env, DEBUG: '*' } });
    expect(renewed.code).toBe(0);
    expect(renewed.stdout.trim()).not.toBe(first.stdout.trim());
    expect(sandbox.stats.jwtBearerGrants).toBe(2);

    const timeline = await runBinary(['timeline', 'robot', '--count', '1'], { cwd: dir, env });
    expect(timeline.code).toBe(0);
    const status = await runBinary(['status'], { cwd: dir, env });
    expect(status.code).toBe(0);
    expectNoSecret([login, first, again, renewed, timeline, status], [ROBOT_KEY_BODY, 'PRIVATE KEY']);
    // The assertion sent under --verbose is masked like any credential.
    expect(renewed.stderr).not.toMatch(/assertion=eyJ/);
  });

  it('an assertion the sandbox refuses (a key it does not know) names the key fields', async () => {
    const dir = tempDir();
    writeConfig(dir, bearerConfig());
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const result = await runBinary(['token', 'robot'], { cwd: dir, env: { ROBOT_KEY: stranger, TOKENSMITH_TRUSTED_VARIABLES: TRUSTED } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid_grant');
    expect(result.stderr).toContain(
      'check providers.robot.privateKey and providers.robot.keyId and providers.robot.claims and providers.robot.assertion',
    );
    expectNoSecret([result], [stranger.split('\n')[1]!]);
  });

  it('a key file path in a working-directory config needs trust', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'robot.pem'), ROBOT_PEM, { mode: 0o600 });
    writeConfig(dir, bearerConfig().replace('privateKey: ${ROBOT_KEY}', `privateKey: ${join(dir, 'robot.pem')}`));
    const result = await runBinary(['token', 'robot'], { cwd: dir, env: { TOKENSMITH_TRUSTED_VARIABLES: TRUSTED } });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`signs with the key file ${join(dir, 'robot.pem')}`);
    const trust = await runBinary(['trust'], { cwd: dir, env: {} });
    expect(trust.code).toBe(0);
    expect(trust.stderr).toContain(`; it signs with ${join(dir, 'robot.pem')}`);
    const trusted = await runBinary(['token', 'robot'], { cwd: dir, env: {} });
    expect(trusted.code).toBe(0);
    expect(trusted.stdout.trim()).toMatch(/^wl-/);
  });
});

describe('init for the workload strategies', () => {
  it.each([
    ['token-exchange', 'export CI_OIDC_TOKEN=..., then run: tokensmith login api', /api\s+token-exchange\s+not logged in/],
    ['jwt-bearer', 'export DEPLOY_BOT_KEY=..., then run: tokensmith login robot', /robot\s+jwt-bearer\s+unresolved: set DEPLOY_BOT_KEY/],
  ])('init --strategy %s writes a starter that validates and names what to export', async (strategy, next, line) => {
    const dir = tempDir();
    const init = await runBinary(['init', '--strategy', strategy], { cwd: dir, env: {} });
    expect(init.code).toBe(0);
    expect(init.stderr).toContain(next);
    const status = await runBinary(['status'], { cwd: dir, env: {} });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(line);
  });
});

describe('token-exchange with JWT client authentication (RFC 7523 2.2) through the binary', () => {
  const ES256 = SANDBOX_CLIENT_KEYS.es256;
  it.each([
    [
      'private_key_jwt',
      (keyPath: string) => [
        `clientId: ${JWT_CLIENTS.privateKeyJwt.clientId}`,
        'authMethod: private_key_jwt',
        `privateKey: ${keyPath}`,
        `keyId: ${ES256.kid}`,
      ],
    ],
    [
      'client_secret_jwt',
      () => [`clientId: ${JWT_CLIENTS.clientSecretJwt.clientId}`, 'authMethod: client_secret_jwt', 'clientSecret: ${JWT_SECRET}'],
    ],
  ] as const)(
    '%s: the exchange authenticates the client with a signed assertion, and no key or secret is printed',
    async (_method, client) => {
      const dir = tempDir();
      const keyPath = join(dir, 'client-key.pem');
      writeFileSync(keyPath, ES256.privateKeyPem, { mode: 0o600 });
      const lines = client(keyPath)
        .map((line) => `    ${line}\n`)
        .join('');
      const config = `store: file
providers:
  api:
    strategy: token-exchange
    tokenUrl: ${sandbox.endpoints.tokenUrl}
${lines}    subjectToken: { env: CI_OIDC_TOKEN }
    audience: sandbox-api
`;
      const configPath = join(dir, 'own.yaml');
      writeFileSync(configPath, config, { mode: 0o600 });
      const env = { CI_OIDC_TOKEN: await mintCiToken(sandbox.state), JWT_SECRET: JWT_CLIENTS.clientSecretJwt.clientSecret };
      const token = await runBinary(['--verbose', '--config', configPath, 'token', 'api'], { cwd: dir, env });
      // --verbose logs the request: the assertion went in the form (masked), no Basic header, no secret.
      expect(token.stderr).toContain('client_assertion');
      expect(token.code).toBe(0);
      expect(token.stdout.trim().length).toBeGreaterThan(10);
      expect(sandbox.stats.tokenExchanges).toBe(1);
      const pemBody = ES256.privateKeyPem.split('\n').filter((line) => line && !line.startsWith('-----'));
      expectNoSecret([token], [...pemBody, JWT_CLIENTS.clientSecretJwt.clientSecret, env.CI_OIDC_TOKEN]);
    },
  );
});

describe('jwt-bearer with JWT client authentication through the binary', () => {
  it('jwt-bearer with authMethod client_secret_jwt: the grant assertion and a client assertion, neither printed', async () => {
    const dir = tempDir();
    const configPath = join(dir, 'own.yaml');
    const config = bearerConfig('').replace(
      `clientId: ${DEMO_CREDENTIALS.oauth2.clientId}`,
      `clientId: ${JWT_CLIENTS.clientSecretJwt.clientId}\n    authMethod: client_secret_jwt\n    clientSecret: \${JWT_SECRET}`,
    );
    writeFileSync(configPath, config, { mode: 0o600 });
    const env = { ROBOT_KEY: ROBOT_PEM, JWT_SECRET: JWT_CLIENTS.clientSecretJwt.clientSecret };
    const token = await runBinary(['--verbose', '--config', configPath, 'token', 'robot'], { cwd: dir, env });
    expect(token.code).toBe(0);
    expect(token.stderr).toContain('client_assertion');
    expectNoSecret([token], [ROBOT_KEY_BODY, JWT_CLIENTS.clientSecretJwt.clientSecret]);
  });
});
