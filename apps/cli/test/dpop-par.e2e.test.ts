import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDPoPProof, generateDPoPKey } from '@tokensmith/oauth2';
import { DEMO_CREDENTIALS, currentNonce, decideOnAuthorizePage, dpopData, parData, startSandbox, type Sandbox } from '@tokensmith/sandbox';
import {
  SANDBOX_ENV,
  approveInBrowser,
  runBinary,
  sandboxConfig,
  sandboxProvider,
  tempDir,
  writeConfig,
  type RunResult,
} from './helpers.js';

// DPoP (RFC 9449) and PAR (RFC 9126) through the real binary against the sandbox, which verifies
// every proof (jose), demands its nonce, refuses replays and binds tokens to the key. The key lives
// in the 0600 token file with the tokens and never appears in any output.

let sandbox: Sandbox;
let dir: string;
const env = { ...SANDBOX_ENV, DEBUG: 'tokensmith*' };
const outputs: RunResult[] = [];
const tokenFile = () => join(dir, '.config', 'tokensmith', 'tokens.json');

interface StoredDPoP {
  accessToken: string;
  refreshToken?: string;
  tokenType?: string;
  dpopKey?: { alg: string; jwk: Record<string, string> };
}

/** Every key half seen in the store, for the final check that none was ever printed. */
const seenKeyParts = new Set<string>();

function storedTokens(): StoredDPoP {
  const file = JSON.parse(readFileSync(tokenFile(), 'utf8')) as { tokens: Record<string, StoredDPoP> } | Record<string, StoredDPoP>;
  const entries = Object.values('tokens' in file && typeof file.tokens === 'object' ? file.tokens : file) as StoredDPoP[];
  const found = entries.find((entry) => entry.dpopKey !== undefined);
  if (!found) throw new Error('no DPoP-bound entry in the token file');
  seenKeyParts.add(found.dpopKey!.jwk.d!).add(found.dpopKey!.jwk.x!);
  return found;
}

async function cli(argv: string[], options: { browser?: boolean } = {}): Promise<RunResult> {
  const result = await runBinary(argv, { cwd: dir, env, ...(options.browser ? { onStderr: approveInBrowser() } : {}) });
  outputs.push(result);
  return result;
}

beforeAll(async () => {
  sandbox = await startSandbox({ deviceIntervalSeconds: 1 });
  dir = tempDir();
  const base = `    baseUrl: ${sandbox.url.replace(/\/$/, '')}\n`;
  writeConfig(
    dir,
    sandboxConfig([
      sandboxProvider(sandbox, 'authorization-code', { name: 'bound' }) + '    dpop: true\n' + base,
      sandboxProvider(sandbox, 'authorization-code', { name: 'pushed' }) + '    par: true\n' + base,
      sandboxProvider(sandbox, 'authorization-code', { name: 'plain' }) + base,
      sandboxProvider(sandbox, 'client-credentials', { name: 'app' }) + '    dpop: true\n' + base,
      `  tv:\n    strategy: device-code\n    issuer: ${sandbox.endpoints.issuer}\n    clientId: ${DEMO_CREDENTIALS.device.clientId}\n` +
        '    scopes: [tweet.read, users.read, offline.access]\n    dpop: true\n' +
        base,
    ]),
  );
});
afterAll(async () => {
  await sandbox.stop();
});

describe('DPoP: login, refresh and api calls in new processes, every proof checked by the sandbox', () => {
  it('a login gets DPoP-bound tokens; the key is stored with them in the 0600 file', async () => {
    // The first token lives 0 s: the next process must refresh it.
    sandbox.state.extensions.userTokenTtlSeconds = 0;
    const login = await cli(['login', 'bound', '--no-browser'], { browser: true });
    expect(login.code).toBe(0);
    const stored = storedTokens();
    expect(stored.tokenType).toBe('DPoP');
    expect(stored.dpopKey).toMatchObject({ alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } });
    expect(statSync(tokenFile()).mode & 0o777).toBe(0o600);
    // The code exchange was asked for a nonce once, then accepted.
    expect(dpopData(sandbox.state).refused.use_dpop_nonce).toBeGreaterThanOrEqual(1);
    expect(dpopData(sandbox.state).accepted).toBeGreaterThanOrEqual(1);
  });

  it('a new process refreshes the expired token with a proof by the stored key, then calls the API with a proof', async () => {
    sandbox.state.extensions.userTokenTtlSeconds = 3600;
    const before = storedTokens();
    const refreshes = sandbox.stats.refreshRequests;
    const nonceRefusals = dpopData(sandbox.state).refused.use_dpop_nonce ?? 0;
    const accepted = dpopData(sandbox.state).accepted;
    const result = await cli(['--verbose', 'api', 'bound', '/2/users/me']);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { data: { username: string } }).data.username).toBe('twitterapi');
    expect(sandbox.stats.refreshRequests).toBeGreaterThan(refreshes);
    // A new process knows no nonce: the token endpoint and the resource server each asked once.
    expect(dpopData(sandbox.state).refused.use_dpop_nonce).toBeGreaterThanOrEqual(nonceRefusals + 2);
    expect(dpopData(sandbox.state).accepted).toBeGreaterThanOrEqual(accepted + 2);
    const after = storedTokens();
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.tokenType).toBe('DPoP');
    expect(after.dpopKey).toEqual(before.dpopKey);
  });

  it('timeline, in another new process, sends DPoP proofs too', async () => {
    const result = await cli(['timeline', 'bound', '--count', '2']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).not.toBe('');
  });

  it('a token stolen from the store, without its key, is refused by the resource endpoint', async () => {
    const { accessToken } = storedTokens();
    const url = `${sandbox.url.replace(/\/$/, '')}/2/users/me`;
    const asBearer = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(asBearer.status).toBe(401);
    expect(asBearer.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_token"/);
    const noProof = await fetch(url, { headers: { authorization: `DPoP ${accessToken}` } });
    expect(noProof.status).toBe(401);
    const otherKey = await generateDPoPKey();
    const proof = createDPoPProof(otherKey, { method: 'GET', url, accessToken, nonce: currentNonce(sandbox.state), now: Date.now() });
    const wrongKey = await fetch(url, { headers: { authorization: `DPoP ${accessToken}`, dpop: proof } });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.headers.get('www-authenticate')).toMatch(/error="invalid_dpop_proof"/);
    expect(await wrongKey.text()).toMatch(/another key/);
  });

  it('with the key, a proof is accepted once; replayed (same jti) it is refused', async () => {
    const { accessToken, dpopKey } = storedTokens();
    const url = `${sandbox.url.replace(/\/$/, '')}/2/users/me`;
    const proof = createDPoPProof(dpopKey!, { method: 'GET', url, accessToken, nonce: currentNonce(sandbox.state), now: Date.now() });
    expect((await fetch(url, { headers: { authorization: `DPoP ${accessToken}`, dpop: proof } })).status).toBe(200);
    const replayed = await fetch(url, { headers: { authorization: `DPoP ${accessToken}`, dpop: proof } });
    expect(replayed.status).toBe(401);
    expect(await replayed.text()).toMatch(/jti replay/);
    // A proof for another URL (htu) or method (htm) is refused too.
    const elsewhere = createDPoPProof(dpopKey!, { method: 'POST', url, accessToken, nonce: currentNonce(sandbox.state), now: Date.now() });
    expect((await fetch(url, { headers: { authorization: `DPoP ${accessToken}`, dpop: elsewhere } })).status).toBe(401);
  });

  it('token prints the bare token; header formats and exec refuse a DPoP-bound one', async () => {
    const token = await cli(['token', 'bound']);
    expect(token.code).toBe(0);
    expect(token.stdout.trim()).toBe(storedTokens().accessToken);
    const header = await cli(['token', 'bound', '--format', 'header']);
    expect(header.code).not.toBe(0);
    expect(header.stderr).toMatch(/DPoP/);
    const exec = await cli(['exec', 'bound', '--', process.execPath, '-e', '0']);
    expect(exec.code).not.toBe(0);
    expect(exec.stderr).toMatch(/DPoP/);
  });

  it('status (text and --json) works and shows no key', async () => {
    const text = await cli(['status']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/bound\b.*DPoP-bound/);
    const json = await cli(['status', '--json']);
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.stdout) as
      Array<{ provider: string; dpopBound?: boolean }> | { providers: Array<{ provider: string; dpopBound?: boolean }> };
    const list = Array.isArray(rows) ? rows : rows.providers;
    expect(list.find((row) => row.provider === 'bound')?.dpopBound).toBe(true);
  });

  it('with another key in the store, the API and the refresh are refused; the error shows no key', async () => {
    const original = readFileSync(tokenFile(), 'utf8');
    const stolen = await generateDPoPKey();
    seenKeyParts.add(stolen.jwk.d!).add(stolen.jwk.x!);
    const file = JSON.parse(original) as { tokens: Record<string, StoredDPoP> };
    for (const entry of Object.values(file.tokens)) if (entry.dpopKey) entry.dpopKey = stolen;
    writeFileSync(tokenFile(), JSON.stringify(file));
    try {
      const result = await cli(['--verbose', 'api', 'bound', '/2/users/me']);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/invalid_dpop_proof|DPoP/);
    } finally {
      writeFileSync(tokenFile(), original);
    }
  });

  it('logout forgets the tokens and the key', async () => {
    const { d } = storedTokens().dpopKey!.jwk;
    const logout = await cli(['logout', 'bound']);
    expect(logout.code).toBe(0);
    expect(readFileSync(tokenFile(), 'utf8')).not.toContain(d!);
  });
});

describe('DPoP with the device authorization grant', () => {
  it('the polls carry proofs (the first one asked for a nonce, never taken for polling too fast); the tokens are bound and work', async () => {
    let approving: Promise<unknown> | undefined;
    const login = await runBinary(['login', 'tv', '--no-browser'], {
      cwd: dir,
      env,
      onStderr: (stderr) => {
        const page = /\(or open (\S+), which has the code filled in\)/.exec(stderr)?.[1];
        if (page && !approving) approving = decideOnAuthorizePage(page, 'approve');
      },
    });
    outputs.push(login);
    await approving;
    expect(login.code).toBe(0);
    expect(sandbox.stats.deviceSlowDowns).toBe(0);
    const bound = Object.values(
      (JSON.parse(readFileSync(tokenFile(), 'utf8')) as { tokens?: Record<string, StoredDPoP> }).tokens ?? {},
    ).filter((entry) => entry.tokenType === 'DPoP');
    expect(bound).toHaveLength(1);
    seenKeyParts.add(bound[0]!.dpopKey!.jwk.d!).add(bound[0]!.dpopKey!.jwk.x!);
    const api = await cli(['api', 'tv', '/2/users/me']);
    expect(api.code).toBe(0);
    expect((JSON.parse(api.stdout) as { data: { username: string } }).data.username).toBe('twitterapi');
    expect((await cli(['logout', 'tv'])).code).toBe(0);
  });
});

describe('DPoP with client credentials (simple-oauth2 sends the proof header)', () => {
  it('the app token is DPoP-bound after a nonce retry at the token endpoint; api calls carry proofs; as Bearer it is refused', async () => {
    const refusals = dpopData(sandbox.state).refused.use_dpop_nonce ?? 0;
    const first = await cli(['--verbose', 'api', 'app', '/2/tweets/search/recent?query=practice&max_results=10']);
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    // One nonce challenge at the token endpoint, one at the resource.
    expect(dpopData(sandbox.state).refused.use_dpop_nonce).toBeGreaterThanOrEqual(refusals + 2);
    const file = JSON.parse(readFileSync(tokenFile(), 'utf8')) as { tokens: Record<string, StoredDPoP> };
    const app = Object.values(file.tokens).find((entry) => entry.tokenType === 'DPoP' && entry.accessToken.startsWith('AAAA'));
    expect(app?.dpopKey?.alg).toBe('ES256');
    seenKeyParts.add(app!.dpopKey!.jwk.d!).add(app!.dpopKey!.jwk.x!);
    // A new process reuses the stored token and key.
    const requests = sandbox.stats.tokenRequests;
    expect((await cli(['api', 'app', '/2/tweets/search/recent?query=practice&max_results=10'])).code).toBe(0);
    expect(sandbox.stats.tokenRequests).toBe(requests);
    const url = `${sandbox.url.replace(/\/$/, '')}/2/tweets/search/recent?query=practice`;
    expect((await fetch(url, { headers: { authorization: `Bearer ${app!.accessToken}` } })).status).toBe(401);
  });
});

describe('PAR', () => {
  it('par: true pushes the request; the browser gets only client_id and a request_uri', async () => {
    const pushed = sandbox.stats.rejected;
    const login = await cli(['login', 'pushed', '--no-browser'], { browser: true });
    expect(login.code).toBe(0);
    const url = /Open this URL to authorize:\n\s+(\S+)/.exec(login.stderr)![1]!;
    const query = new URL(url).searchParams;
    expect([...query.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(query.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    // Single use: the same request_uri again is refused.
    expect((await fetch(url)).status).toBe(400);
    expect(sandbox.stats.rejected).toBeGreaterThan(pushed);
  });

  it('a server that requires PAR gets it without par: true (its metadata says so); a plain authorize request is refused', async () => {
    parData(sandbox.state).required = true;
    try {
      const login = await cli(['login', 'plain', '--no-browser'], { browser: true });
      expect(login.code).toBe(0);
      expect(/Open this URL to authorize:\n\s+(\S+)/.exec(login.stderr)![1]).toContain('request_uri=');
      const direct = await fetch(`${sandbox.url.replace(/\/$/, '')}/oauth2/authorize?response_type=code&client_id=x`);
      expect(direct.status).toBe(400);
    } finally {
      parData(sandbox.state).required = false;
    }
  });
});

describe('secrets', () => {
  it('no DPoP key (private or public half) nor a proof appears in any output (--verbose, DEBUG, errors, status)', () => {
    expect(outputs.length).toBeGreaterThan(8);
    expect(seenKeyParts.size).toBeGreaterThanOrEqual(4);
    const proofStart = Buffer.from('{"typ":"dpop+jwt"').toString('base64url').slice(0, 20);
    for (const { stdout, stderr } of outputs) {
      for (const part of seenKeyParts) expect(stdout + stderr).not.toContain(part);
      // A proof is replayable until its iat is stale: the DEBUG log shows `dpop: [redacted]`.
      expect(stdout + stderr).not.toContain(proofStart);
    }
  });
});
