import { inspect } from 'node:util';
import { MemoryStore, TokensmithError, createLoggingFetch, type BearerCredentials } from '@tokensmith/core/kit';
import { DEMO_CREDENTIALS, decideOnAuthorizePage, startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { createDeviceCodeProvider, type DeviceCodeInfo, type DeviceCodeOptions, type DeviceCodeProgress } from '../src/index.js';

const SCOPES = ['tweet.read', 'users.read', 'offline.access'];

let clock: number;
let sandbox: Sandbox;
beforeEach(async () => {
  clock = Date.UTC(2026, 0, 1);
  sandbox = await startSandbox({ now: () => clock });
});
afterEach(async () => {
  await sandbox.stop();
});

interface Harness {
  codes: DeviceCodeInfo[];
  events: DeviceCodeProgress[];
  /** Every wait the provider asked for, ms. */
  sleeps: number[];
  /** Bodies the device authorization endpoint sent (to know the device code, for the redaction checks). */
  bodies: string[];
  store: MemoryStore;
}

/**
 * A provider on the sandbox with a fake clock: `sleep` advances it (no real waiting); `afterSleeps`
 * plays the person on the verification page once that many waits have passed.
 */
function provider(options: { decide?: 'approve' | 'deny'; afterSleeps?: number; overrides?: Partial<DeviceCodeOptions> } = {}) {
  const h: Harness = { codes: [], events: [], sleeps: [], bodies: [], store: new MemoryStore() };
  const p = createDeviceCodeProvider({
    issuer: sandbox.endpoints.issuer,
    clientId: DEMO_CREDENTIALS.device.clientId,
    scopes: SCOPES,
    store: h.store,
    now: () => clock,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).endsWith('/oauth2/device_authorization')) h.bodies.push(await response.clone().text());
      return response;
    },
    onCode: (info) => void h.codes.push(info),
    onProgress: (_message, event) => void h.events.push(event),
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new Error('aborted');
      h.sleeps.push(ms);
      clock += ms;
      if (options.decide && h.sleeps.length === (options.afterSleeps ?? 1)) {
        await decideOnAuthorizePage(h.codes.at(-1)!.verificationUriComplete!, options.decide);
      }
    },
    ...options.overrides,
  });
  return { p, h };
}

const timeline = (token: BearerCredentials) =>
  fetch(`${sandbox.endpoints.timelineUrl}?count=1`, { headers: { authorization: `Bearer ${token.accessToken}` } });

describe('device-code against the sandbox (RFC 8628)', () => {
  it('shows the code, polls at the server interval (plus the drift margin) until approved, stores the tokens and calls the timeline', async () => {
    const { p, h } = provider({ decide: 'approve', afterSleeps: 3 });
    const token = await p.login();
    expect(h.codes).toHaveLength(1);
    const [info] = h.codes;
    expect(info).toMatchObject({
      userCode: expect.stringMatching(/^[A-Z]{4}-[A-Z]{4}$/),
      verificationUri: sandbox.endpoints.deviceVerificationUrl,
      interval: 5,
    });
    expect(new URL(info!.verificationUriComplete!).searchParams.get('user_code')).toBe(info!.userCode);
    expect(info!.expiresAt).toBe(Date.UTC(2026, 0, 1) + 600_000);
    // Approved during the 3rd wait: polls 1 and 2 were pending, poll 3 got the tokens. Never early:
    // the interval plus one second against the server's clock and rounding.
    expect(h.sleeps).toEqual([6_000, 6_000, 6_000]);
    expect(sandbox.stats.devicePolls).toBe(3);
    expect(sandbox.stats.deviceSlowDowns).toBe(0);
    expect(token).toMatchObject({ type: 'bearer', refreshToken: expect.any(String), scope: SCOPES });
    expect(await p.peek()).toEqual(token);
    expect((await timeline(token)).status).toBe(200);
    expect(h.events.map((e) => e.type)).toEqual(['discovery', 'device-authorization', 'waiting', 'waiting', 'waiting', 'approved']);
  });

  it('shares one device code and one poll loop between concurrent callers', async () => {
    const { p, h } = provider({ decide: 'approve', afterSleeps: 2 });
    const tokens = await Promise.all([p.getToken(), p.login(), p.getToken(), p.login(), p.getToken()]);
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(h.codes).toHaveLength(1);
    expect(sandbox.stats.deviceAuthorizationRequests).toBe(1);
    expect(sandbox.stats.devicePolls).toBe(2);
    expect(sandbox.stats.deviceSlowDowns).toBe(0);
  });

  it('refreshes after expiry without a person, keeps the rotated refresh token, and logout revokes', async () => {
    const { p, h } = provider({ decide: 'approve' });
    const first = await p.login();
    clock = first.expiresAt! + 1;
    const second = await p.getToken();
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).toEqual(expect.any(String));
    expect(h.codes).toHaveLength(1);
    expect(h.events.some((e) => e.type === 'refresh')).toBe(true);
    expect((await timeline(second)).status).toBe(200);
    await p.logout();
    expect(await p.peek()).toBeUndefined();
    expect((await timeline(second)).status).toBe(401);
    expect(h.events.filter((e) => e.type === 'revoke')).toHaveLength(2);
  });

  it('ends with authorization_denied when the person denies; nothing stored', async () => {
    const { p, h } = provider({ decide: 'deny', afterSleeps: 2 });
    const error = await p.login().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokensmithError);
    expect(error).toMatchObject({ code: 'authorization_denied', message: expect.stringContaining('access_denied') });
    expect((await h.store.entries?.())?.length ?? 0).toBe(0);
    expect(await p.peek()).toBeUndefined();
    expect(sandbox.stats.devicePolls).toBe(2);
  });

  it('ends with device_code_expired, saying to log in again (naming no CLI command), when nobody approves', async () => {
    const { p, h } = provider();
    const error = await p.login().catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'device_code_expired',
      message: expect.stringContaining('log in again'),
      operation: 'device_token',
    });
    expect((error as Error).message).not.toContain('tokensmith');
    // 600 s at 5 s + 1 s margin: polls at 6, 12, ..., 594 s; the next would be at the expiry, so it is not sent.
    expect(sandbox.stats.devicePolls).toBe(99);
    expect(sandbox.stats.deviceSlowDowns).toBe(0);
    expect(h.sleeps.every((ms) => ms === 6_000)).toBe(true);
    expect(await p.peek()).toBeUndefined();
  });

  it('maps the server’s expired_token to device_code_expired too', async () => {
    const { p } = provider({ overrides: { sleep: async (ms) => void (clock += ms + 600_000) } });
    await expect(p.login()).rejects.toMatchObject({ code: 'device_code_expired' });
  });

  it('stops on abort (Ctrl-C) between polls, with aborted, and stores nothing', async () => {
    const controller = new AbortController();
    const { p } = provider({
      overrides: {
        sleep: async (ms, signal) => {
          clock += ms;
          if (sandbox.stats.devicePolls === 2) controller.abort();
          if (signal?.aborted) throw new Error('aborted');
        },
      },
    });
    await expect(p.login({ signal: controller.signal })).rejects.toMatchObject({ code: 'aborted' });
    expect(sandbox.stats.devicePolls).toBe(2);
    expect(await p.peek()).toBeUndefined();
  });

  it('stops a poll in flight on abort (Ctrl-C during a hanging request), not only the wait between polls', async () => {
    sandbox.faults.add({ path: '/oauth2/token', fault: { type: 'hang' }, times: 1 });
    const controller = new AbortController();
    const pollSignals: AbortSignal[] = [];
    const { p } = provider({
      overrides: {
        fetch: (input, init) => {
          if (String(input).endsWith('/oauth2/token')) {
            pollSignals.push(init!.signal!);
            setTimeout(() => controller.abort(), 200);
          }
          return fetch(input, init);
        },
      },
    });
    const started = Date.now();
    await expect(p.login({ signal: controller.signal })).rejects.toMatchObject({ code: 'aborted' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(pollSignals).toHaveLength(1);
    // The request itself was cancelled (it would otherwise hang until its 30 s timeout).
    expect(pollSignals[0]!.aborted).toBe(true);
    expect(await p.peek()).toBeUndefined();
  });

  it('throws login_required from getToken() without onCode, without asking for a code', async () => {
    const { p } = provider({ overrides: { onCode: undefined } });
    await expect(p.getToken()).rejects.toMatchObject({ code: 'login_required', message: expect.stringContaining('log in') });
    expect(sandbox.stats.deviceAuthorizationRequests).toBe(0);
  });

  it('never shows the device code: not in progress, errors, inspect() or JSON (the user code is meant to be shown)', async () => {
    const denied = provider({ decide: 'deny' });
    const error = (await denied.p.login().catch((e: unknown) => e)) as Error;
    const approved = provider({ decide: 'approve' });
    await approved.p.login();
    const deviceCodes = [...denied.h.bodies, ...approved.h.bodies].map((body) => (JSON.parse(body) as { device_code: string }).device_code);
    expect(deviceCodes).toHaveLength(2);
    const seen = [
      error.message,
      inspect(error, { depth: 10 }),
      JSON.stringify(denied.h.events),
      JSON.stringify(approved.h.events),
      JSON.stringify(denied.h.codes),
      JSON.stringify(approved.h.codes),
      inspect(approved.p, { depth: 10 }),
      JSON.stringify(approved.p),
    ].join('\n');
    for (const deviceCode of deviceCodes) expect(seen).not.toContain(deviceCode);
    expect(seen).toContain(approved.h.codes[0]!.userCode);
  });

  it('masks the device code in --verbose request logs (core logging fetch)', async () => {
    const lines: string[] = [];
    const bodies: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).endsWith('/oauth2/device_authorization')) bodies.push(await response.clone().text());
      return response;
    };
    const { p } = provider({
      decide: 'approve',
      afterSleeps: 2,
      overrides: { fetch: createLoggingFetch((line) => void lines.push(line), recording) },
    });
    await p.login();
    const deviceCode = (JSON.parse(bodies[0]!) as { device_code: string }).device_code;
    const polls = lines.filter((line) => line.includes('grant_type=urn'));
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(lines.join('\n')).not.toContain(deviceCode);
    for (const line of polls) expect(line).toMatch(/device_code=(\[redacted\]|%5Bredacted%5D)/);
  });

  it('sends RFC 8707 resource on the device authorization, token and refresh requests', async () => {
    const sent: string[] = [];
    const { p } = provider({
      decide: 'approve',
      overrides: {
        authorizationParams: { resource: `${sandbox.url}/2/` },
        fetch: async (input, init) => {
          sent.push(`${new URL(String(input)).pathname} ${String(init?.body ?? '')}`);
          return fetch(input, init);
        },
      },
    });
    const token = await p.login();
    clock = token.expiresAt! + 1;
    await p.getToken();
    const withResource = sent
      .filter((line) => line.includes(`resource=${encodeURIComponent(`${sandbox.url}/2/`)}`))
      .map((line) => line.split(' ')[0]);
    expect(withResource).toEqual(['/oauth2/device_authorization', '/oauth2/token', '/oauth2/token']);
  });
});
