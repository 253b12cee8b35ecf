import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { MemoryStore, OAuthResponseError, TokensmithError } from '@tokensmith/core/kit';
import { DEMO_CREDENTIALS, mintCiToken, startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { createTokenExchangeProvider, type TokenExchangeOptions } from '../src/index.js';

let clock: number;
let sandbox: Sandbox;
beforeEach(async () => {
  clock = Date.UTC(2026, 0, 1);
  sandbox = await startSandbox({ now: () => clock });
});
afterEach(async () => {
  await sandbox.stop();
});

function provider(env: NodeJS.ProcessEnv, overrides: Partial<TokenExchangeOptions> = {}) {
  const store = new MemoryStore();
  return {
    store,
    provider: createTokenExchangeProvider({
      issuer: sandbox.endpoints.issuer,
      clientId: DEMO_CREDENTIALS.oauth2.clientId,
      subjectToken: { env: 'CI_JWT' },
      audience: 'sandbox-api',
      store,
      now: () => clock,
      env,
      ...overrides,
    }),
  };
}

describe('token exchange against the sandbox', () => {
  it('exchanges the CI token, caches the result, and exchanges again (re-reading the subject token) once it expired', async () => {
    const env = { CI_JWT: await mintCiToken(sandbox.state) };
    const { provider: p } = provider(env);
    const first = await p.getToken();
    expect(first.accessToken).toMatch(/^wl-/);
    expect(first.expiresAt).toBe(clock + 300_000);
    await p.getToken();
    expect(sandbox.stats.tokenExchanges).toBe(1);
    clock += 301_000;
    // The old CI token expired meanwhile: only a re-read source gives a fresh one.
    env.CI_JWT = await mintCiToken(sandbox.state);
    const second = await p.getToken();
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(sandbox.stats.tokenExchanges).toBe(2);
    expect(inspect(p)).not.toContain(env.CI_JWT);
    expect(JSON.stringify(p)).toContain('the environment variable CI_JWT');
  });

  it('reads the subject token from a file (a trailing newline dropped), re-read for each exchange', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'token-exchange-'));
    const file = join(dir, 'ci-token');
    writeFileSync(file, `${await mintCiToken(sandbox.state)}\n`);
    const { provider: p } = provider({}, { subjectToken: { file } });
    expect((await p.getToken()).accessToken).toMatch(/^wl-/);
    writeFileSync(file, '\n');
    clock += 301_000;
    const empty = await p.getToken().catch((error: unknown) => error);
    expect((empty as Error).message).toBe(`subjectToken: the file ${file} is empty: it must hold the token`);
  });

  it('reads the subject token from a command run without a shell', async () => {
    const token = await mintCiToken(sandbox.state);
    const { provider: p } = provider(
      { PATH: process.env.PATH },
      {
        subjectToken: { command: [process.execPath, '-e', `process.stdout.write(${JSON.stringify(token + '\n')})`] },
      },
    );
    expect((await p.getToken()).accessToken).toMatch(/^wl-/);
  });

  it('carries the server refusals as data: invalid_grant for a bad subject token, invalid_target for an unknown audience', async () => {
    const expired = await mintCiToken(sandbox.state, { exp: Math.floor(clock / 1000) - 10 });
    const bad = await provider({ CI_JWT: expired })
      .provider.getToken()
      .catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(OAuthResponseError);
    expect(bad).toMatchObject({ error: 'invalid_grant', status: 400, operation: 'token_request' });
    expect((bad as Error).message).not.toContain(expired);
    const target = await provider({ CI_JWT: await mintCiToken(sandbox.state) }, { audience: 'elsewhere' })
      .provider.getToken()
      .catch((error: unknown) => error);
    expect(target).toMatchObject({ error: 'invalid_target', status: 400 });
  });

  it('names the source when it cannot be read', async () => {
    const missing = await provider({})
      .provider.getToken()
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(TokensmithError);
    expect((missing as Error).message).toBe('subjectToken: the environment variable CI_JWT is not set');
    const failing = await provider({}, { subjectToken: { command: [process.execPath, '-e', 'process.exit(3)'] } })
      .provider.getToken()
      .catch((error: unknown) => error);
    expect((failing as Error).message).toContain('failed (exit code 3)');
    const chatty = await provider({}, { subjectToken: { command: [process.execPath, '-e', "process.stdout.write('x'.repeat(70000))"] } })
      .provider.getToken()
      .catch((error: unknown) => error);
    expect((chatty as Error).message).toContain('printed more than 65536 bytes');
  });

  it('stops a command that runs past its deadline', async () => {
    const slow = await provider(
      {},
      { subjectToken: { command: [process.execPath, '-e', 'setInterval(() => {}, 1000)'] }, commandTimeoutMs: 200 },
    )
      .provider.getToken()
      .catch((error: unknown) => error);
    expect(slow).toMatchObject({ code: 'timeout' });
  });
});
