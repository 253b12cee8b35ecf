import { inspect } from 'node:util';
import { MemoryStore, OAuthResponseError } from '@tokensmith/core/kit';
import { approveAndReadPin as approve, startSandbox, type Sandbox } from '@tokensmith/sandbox';
import { createOAuth1PinProvider, type OAuth1PinProviderOptions } from '../src/index.js';
import { rejection, sandboxClient } from './helpers.js';

const CONSUMER = { consumerKey: 'two-step-key', consumerSecret: 'TWO-STEP-SECRET-5150', name: 'Two-step app' };
let sandbox: Sandbox;
const clock = Date.UTC(2026, 10, 23, 12, 0, 0);
beforeEach(async () => {
  sandbox = await startSandbox({ now: () => clock, consumers: [{ ...CONSUMER }] });
});
afterEach(() => sandbox.stop());

/** A provider as one CLI process builds it; two calls are two processes sharing a store. */
function provider(store: MemoryStore, overrides: Partial<OAuth1PinProviderOptions> = {}) {
  return createOAuth1PinProvider({
    ...sandboxClient(sandbox, CONSUMER, () => clock),
    store,
    promptPin: async () => {
      throw new Error('a two-step login never prompts');
    },
    ...overrides,
  });
}

describe('the two-step OAuth 1.0a login (scripts)', () => {
  it('starts in one process, completes with the PIN in another, and stores through the token manager', async () => {
    const store = new MemoryStore();
    const first = provider(store);
    const pending = await first.startLogin();
    expect(Object.keys(pending).sort()).toEqual(['authorizeUrl', 'oauthToken', 'oauthTokenSecret']);
    expect(pending.authorizeUrl).toBe(`${sandbox.endpoints.authorizeUrl}?oauth_token=${encodeURIComponent(pending.oauthToken)}`);
    expect(await store.entries()).toEqual([]); // nothing stored by step 1

    const saved = JSON.stringify(pending); // what the CLI writes (0600) between the two processes
    const pin = await approve(pending.authorizeUrl);

    const progress: string[] = [];
    const second = provider(store, { onProgress: (m) => progress.push(m) });
    const credentials = await second.completeLogin(JSON.parse(saved), pin);
    expect(credentials).toMatchObject({ type: 'oauth1', extra: { screen_name: expect.any(String) } });
    expect(await second.peek()).toEqual(credentials);
    expect(await provider(store).getToken()).toEqual(credentials); // a third process: no prompt
    expect(progress.join('\n')).not.toContain(pin);
    expect(inspect(progress)).not.toContain(credentials.tokenSecret);
  });

  it('a wrong PIN fails with the server error and stores nothing', async () => {
    const store = new MemoryStore();
    const p = provider(store);
    const pending = await p.startLogin();
    await approve(pending.authorizeUrl);
    const error = await rejection(p.completeLogin(pending, '0000000'));
    expect(error).toBeInstanceOf(OAuthResponseError);
    expect(await store.entries()).toEqual([]);
  });

  it('a pending state past its expiresAt fails with login_required before any request', async () => {
    const store = new MemoryStore();
    let calls = 0;
    const p = provider(store, { fetch: (input, init) => (calls++, fetch(input, init)) });
    const pending = { ...(await p.startLogin()), expiresAt: clock - 1 };
    const error = await rejection(p.completeLogin(pending, '1234567'));
    expect(error.code).toBe('login_required');
    expect(error.message).toContain('start the login again');
    expect(calls).toBe(1); // the request token only
  });
});
