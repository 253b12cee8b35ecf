// Fault matrix for the two device-grant endpoints on the real sandbox: every fault ends the login
// with one named error, in bounded time, with nothing stored and no device code in the message.
import { MemoryStore, TokensmithError } from '@tokensmith/core/kit';
import { DEMO_CREDENTIALS, startSandbox, type Fault, type Sandbox } from '@tokensmith/sandbox';
import { createDeviceCodeProvider } from '../src/index.js';

let clock: number;
let sandbox: Sandbox;
beforeEach(async () => {
  clock = Date.UTC(2026, 0, 1);
  // A 30 s code: a hanging token endpoint backs off 5 -> 10 -> 20 s and runs out after two polls.
  sandbox = await startSandbox({ now: () => clock, deviceCodeTtlSeconds: 30 });
});
afterEach(async () => {
  await sandbox.stop();
});

const FAULTS: Array<[string, Fault]> = [
  ['hang', { type: 'hang' }],
  ['500', { type: 'status', status: 500, body: 'Internal Server Error' }],
  ['html garbage', { type: 'garbage', kind: 'html' }],
  ['2 MiB body', { type: 'garbage', kind: 'huge' }],
  ['reset', { type: 'reset' }],
];

const EXPECTED: Record<string, Record<string, string>> = {
  '/oauth2/device_authorization': {
    hang: 'timeout',
    '500': 'provider_error',
    'html garbage': 'invalid_token_response',
    '2 MiB body': 'invalid_token_response',
    reset: 'network_error',
  },
  // A request timeout while polling is a connection timeout (RFC 8628 3.5), and a 5xx a busy server:
  // back off, until the code runs out.
  '/oauth2/token': {
    hang: 'device_code_expired',
    '500': 'device_code_expired',
    'html garbage': 'invalid_token_response',
    '2 MiB body': 'invalid_token_response',
    reset: 'network_error',
  },
};

describe.each(Object.keys(EXPECTED))('device-code fault matrix: %s', (path) => {
  it.each(FAULTS)('%s ends in one named error, in bounded time, nothing stored', async (name, fault) => {
    sandbox.faults.add({ path, fault, times: Infinity });
    const bodies: string[] = [];
    const store = new MemoryStore();
    const provider = createDeviceCodeProvider({
      issuer: sandbox.endpoints.issuer,
      clientId: DEMO_CREDENTIALS.device.clientId,
      scopes: ['tweet.read'],
      store,
      timeoutMs: 1_000,
      now: () => clock,
      sleep: async (ms) => void (clock += ms),
      onCode: () => undefined,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (String(input).endsWith('/oauth2/device_authorization') && response.ok && path !== '/oauth2/device_authorization')
          bodies.push(await response.clone().text());
        return response;
      },
    });
    const started = Date.now();
    const error = await provider.login().catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(error).toBeInstanceOf(TokensmithError);
    expect((error as TokensmithError).code).toBe(EXPECTED[path]![name]);
    expect(sandbox.faults.served).toBeGreaterThan(0);
    expect(await provider.peek()).toBeUndefined();
    for (const body of bodies) expect((error as Error).message).not.toContain((JSON.parse(body) as { device_code: string }).device_code);
  });
});
