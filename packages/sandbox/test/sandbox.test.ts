import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEMO_CREDENTIALS } from '../src/index.js';
import { basic, sandboxPerTest } from './support/sandbox-per-test.js';

const { clientId, clientSecret } = DEMO_CREDENTIALS.app;
const FORM = { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' };

// These tests run on the real clock; the one about expiry injects its own.
const { sandbox } = sandboxPerTest({ now: Date.now });

async function appToken(): Promise<string> {
  const res = await fetch(sandbox.endpoints.tokenUrl, {
    method: 'POST',
    headers: { ...FORM, authorization: basic(clientId, clientSecret) },
    body: 'grant_type=client_credentials',
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { token_type: string; access_token: string; expires_in?: number };
  expect(body.token_type).toBe('bearer');
  expect(body).not.toHaveProperty('expires_in');
  return body.access_token;
}

describe('sandbox: app-only token endpoint', () => {
  it('listens on 127.0.0.1 only, on an ephemeral port', () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('issues a bearer token without expires_in, and the same one until it is invalidated (like Twitter)', async () => {
    const first = await appToken();
    expect(await appToken()).toBe(first);
    const res = await fetch(sandbox.endpoints.invalidateTokenUrl, {
      method: 'POST',
      headers: { ...FORM, authorization: basic(clientId, clientSecret) },
      body: `access_token=${first}`,
    });
    expect(res.status).toBe(200);
    expect(await appToken()).not.toBe(first);
  });

  it("rejects a wrong secret with 403 and Twitter's error shape", async () => {
    const res = await fetch(sandbox.endpoints.tokenUrl, {
      method: 'POST',
      headers: { ...FORM, authorization: basic(clientId, 'wrong') },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      errors: [{ code: 99, label: 'authenticity_token_error', message: 'Unable to verify your credentials' }],
    });
    expect(sandbox.stats.rejected).toBe(1);
  });

  it('rejects a body without grant_type, a non-form body, and a GET', async () => {
    const noGrant = await fetch(sandbox.endpoints.tokenUrl, {
      method: 'POST',
      headers: { ...FORM, authorization: basic(clientId, clientSecret) },
      body: '',
    });
    expect(noGrant.status).toBe(400);
    const json = await fetch(sandbox.endpoints.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic(clientId, clientSecret) },
      body: '{"grant_type":"client_credentials"}',
    });
    expect(json.status).toBe(400);
    expect((await fetch(sandbox.endpoints.tokenUrl)).status).toBe(405);
  });

  it('decodes form-urlencoded Basic credentials (RFC 6749 2.3.1)', async () => {
    await sandbox.restart({ apps: [{ clientId: 'id with space', clientSecret: "p:s!w'(d)*" }] });
    const encoded = `Basic ${Buffer.from('id+with+space:p%3As%21w%27%28d%29%2A').toString('base64')}`;
    const res = await fetch(sandbox.endpoints.tokenUrl, {
      method: 'POST',
      headers: { ...FORM, authorization: encoded },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(200);
  });

  it('can make app tokens expire for tests (injected clock)', async () => {
    let clock = 1_000_000;
    await sandbox.restart({ appTokenTtlSeconds: 60, now: () => clock });
    const res = await fetch(sandbox.endpoints.tokenUrl, {
      method: 'POST',
      headers: { ...FORM, authorization: basic(clientId, clientSecret) },
      body: 'grant_type=client_credentials',
    });
    const { access_token, expires_in } = (await res.json()) as { access_token: string; expires_in: number };
    expect(expires_in).toBe(60);
    clock += 61_000;
    const timeline = await fetch(`${sandbox.endpoints.timelineUrl}?screen_name=twitterapi`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(timeline.status).toBe(401);
    // After expiry the next token request issues a new, live token (not the dead one again).
    const again = await fetch(sandbox.endpoints.tokenUrl, {
      method: 'POST',
      headers: { ...FORM, authorization: basic(clientId, clientSecret) },
      body: 'grant_type=client_credentials',
    });
    const renewed = (await again.json()) as { access_token: string; expires_in: number };
    expect(renewed.access_token).not.toBe(access_token);
    expect(renewed.expires_in).toBe(60);
  });
});

type TweetJson = {
  created_at: string;
  id_str: string;
  text: string;
  user: unknown;
  in_reply_to_status_id_str: string | null;
  retweeted_status?: unknown;
};

describe('sandbox: user timeline', () => {
  const timeline = (query: string, headers: Record<string, string>) => fetch(`${sandbox.endpoints.timelineUrl}?${query}`, { headers });

  it('rejects a missing bearer with 400 code 215 and an unknown one with 401 code 89', async () => {
    const missing = await timeline('screen_name=twitterapi', {});
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ errors: [{ code: 215, message: 'Bad Authentication data.' }] });
    const unknown = await timeline('screen_name=twitterapi', { authorization: 'Bearer not-a-token' });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual({ errors: [{ code: 89, message: 'Invalid or expired token.' }] });
  });

  it("serves tweets in Twitter's v1.1 shape, with unicode, and honours count, exclude_replies and include_rts", async () => {
    const auth = { authorization: `Bearer ${await appToken()}` };
    const all = (await (await timeline('screen_name=TwitterAPI&count=200', auth)).json()) as TweetJson[];
    expect(all).toHaveLength(6);
    for (const tweet of all) {
      expect(tweet.created_at).toMatch(/^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \+0000 \d{4}$/);
      expect(tweet.id_str).toMatch(/^\d{19}$/);
      expect(tweet.user).toMatchObject({ id: 6253282, id_str: '6253282', name: 'Twitter API', screen_name: 'twitterapi' });
    }
    expect(all.map((t) => t.text).join('\n')).toContain('café ☕ 日本語 🚀');
    expect((await (await timeline('screen_name=twitterapi&count=2', auth)).json()) as unknown[]).toHaveLength(2);
    const noReplies = (await (await timeline('screen_name=twitterapi&exclude_replies=true', auth)).json()) as TweetJson[];
    expect(noReplies.some((t) => t.in_reply_to_status_id_str)).toBe(false);
    const noRts = (await (await timeline('screen_name=twitterapi&include_rts=false', auth)).json()) as TweetJson[];
    expect(noRts.some((t) => t.retweeted_status)).toBe(false);
    expect(noRts).toHaveLength(5);
  });

  it('answers 404 code 34 for an unknown user and reports app-only rate-limit headers (1500 per 15 min)', async () => {
    const auth = { authorization: `Bearer ${await appToken()}` };
    expect((await timeline('screen_name=nobody', auth)).status).toBe(404);
    const res = await timeline('screen_name=twitterapi', auth);
    expect(res.headers.get('x-rate-limit-limit')).toBe('1500');
    expect(Number(res.headers.get('x-rate-limit-remaining'))).toBeGreaterThan(0);
  });
});

describe('sandbox: the classic Python requests-oauthlib recipe', () => {
  it('works unchanged when pointed at the sandbox URLs', async () => {
    const script = fileURLToPath(new URL('./fixtures/twitter_recipe.py', import.meta.url));
    const { stdout } = await promisify(execFile)('/usr/bin/python3', [script], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin',
        OAUTHLIB_INSECURE_TRANSPORT: '1', // the sandbox speaks plain HTTP on loopback
        CLIENT_KEY: clientId,
        CLIENT_SECRET: clientSecret,
        TOKEN_URL: sandbox.endpoints.tokenUrl,
        RESOURCE_URL: sandbox.endpoints.timelineUrl,
      },
      timeout: 15_000,
    });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^Tweet: Hello from the tokensmith sandbox/);
    expect(lines[1]).toMatch(/^On: \w{3} \w{3} \d{2} /);
    expect(lines[2]).toBe('By: Twitter API');
    expect(sandbox.stats.tokenRequests).toBe(1);
    expect(sandbox.stats.rejected).toBe(0);
  });
});
