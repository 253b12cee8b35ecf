import { createClientCredentialsProvider } from '@tokensmith/client-credentials';
import { TokensmithError, type AuthenticatedFetchOptions } from '@tokensmith/core/kit';
import { startSandbox, DEMO_CREDENTIALS, type Fault, type Sandbox } from '@tokensmith/sandbox';
import { fetchTimeline } from '../src/commands/timeline.js';
import { createProgress } from '../src/terminal/io.js';
import { PassThrough, Readable } from 'node:stream';
import type { ProviderConfig } from '../src/config/schema.js';

// Each fault type on each endpoint, against a real socket, with the outcome asserted and a bounded
// time; retries wait through an injected no-op sleep. A hang must end in the client's timeout, so
// those rows use a short one (300 ms); every other row must not depend on how fast a loaded CI
// machine answers (2 busy cores: the first exchange alone, Joi and a cold socket, passed 300 ms), so
// it gets a generous 10 s that only a hang could reach.
const HANG_TIMEOUT_MS = 300;
const ANSWER_TIMEOUT_MS = 10_000;
const quiet = createProgress({ stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from([]), env: {}, cwd: '/' }, true);

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await sandbox.stop();
});

async function timeline(timeoutMs: number) {
  const noWait: AuthenticatedFetchOptions = { sleep: async () => {}, timeoutMs };
  const config: ProviderConfig = {
    strategy: 'client-credentials',
    tokenUrl: sandbox.endpoints.tokenUrl,
    ...DEMO_CREDENTIALS.app,
    timeoutMs,
    timeline: { url: sandbox.endpoints.timelineUrl, format: 'twitter-v1', user: 'twitterapi' },
  };
  const provider = createClientCredentialsProvider({
    tokenUrl: sandbox.endpoints.tokenUrl,
    ...DEMO_CREDENTIALS.app,
    timeoutMs,
  });
  return fetchTimeline('sandbox', config, provider, { count: 2 }, quiet, noWait);
}

type Outcome = { data: true; tokenRequests?: number; faultsServed?: number } | { error: string; code: string; status?: number };

const TOKEN = '/oauth2/token';
const TIMELINE = '/1.1/statuses/user_timeline.json';

const matrix: Array<[string, string, Fault, number, Outcome]> = [
  // token endpoint: never retried (a token POST is not idempotent); each fault is one named error
  ['token', TOKEN, { type: 'status', status: 500 }, 1, { error: 'OAuthResponseError', code: 'provider_error', status: 500 }],
  [
    'token',
    TOKEN,
    { type: 'status', status: 503, body: '<html>maintenance</html>', headers: { 'content-type': 'text/html' } },
    1,
    { error: 'OAuthResponseError', code: 'provider_error', status: 503 },
  ],
  ['token', TOKEN, { type: 'rate-limit' }, 1, { error: 'OAuthResponseError', code: 'provider_error', status: 429 }],
  ['token', TOKEN, { type: 'delay', ms: 50 }, 1, { data: true, tokenRequests: 1 }],
  ['token', TOKEN, { type: 'hang' }, 1, { error: 'TokensmithError', code: 'timeout' }],
  ['token', TOKEN, { type: 'reset' }, 1, { error: 'TokensmithError', code: 'network_error' }],
  ['token', TOKEN, { type: 'garbage', kind: 'html' }, 1, { error: 'TokensmithError', code: 'invalid_token_response' }],
  ['token', TOKEN, { type: 'garbage', kind: 'truncated-json' }, 1, { error: 'TokensmithError', code: 'invalid_token_response' }],
  ['token', TOKEN, { type: 'garbage', kind: 'binary' }, 1, { error: 'TokensmithError', code: 'invalid_token_response' }],
  ['token', TOKEN, { type: 'garbage', kind: 'huge' }, 1, { error: 'TokensmithError', code: 'invalid_token_response' }],
  // timeline (GET, idempotent): transient faults end in data, lasting ones in a named error
  ['timeline', TIMELINE, { type: 'status', status: 503 }, 2, { data: true, faultsServed: 2 }],
  ['timeline', TIMELINE, { type: 'status', status: 500 }, Infinity, { error: 'OAuthResponseError', code: 'provider_error', status: 500 }],
  ['timeline', TIMELINE, { type: 'rate-limit', resetInSeconds: 1 }, 1, { data: true, faultsServed: 1 }],
  [
    'timeline',
    TIMELINE,
    { type: 'rate-limit', resetInSeconds: 3600 },
    1,
    { error: 'OAuthResponseError', code: 'provider_error', status: 429 },
  ],
  ['timeline', TIMELINE, { type: 'delay', ms: 50 }, 1, { data: true }],
  ['timeline', TIMELINE, { type: 'hang' }, 1, { error: 'TokensmithError', code: 'timeout' }],
  ['timeline', TIMELINE, { type: 'reset' }, 1, { data: true, faultsServed: 1 }],
  ['timeline', TIMELINE, { type: 'reset' }, Infinity, { error: 'TokensmithError', code: 'network_error' }],
  [
    'timeline',
    TIMELINE,
    { type: 'status', status: 401, body: '{"errors":[{"code":89,"message":"Invalid or expired token."}]}' },
    1,
    { data: true, tokenRequests: 2 },
  ],
  ['timeline', TIMELINE, { type: 'garbage', kind: 'html' }, 1, { error: 'CliError', code: 'provider' }],
  ['timeline', TIMELINE, { type: 'garbage', kind: 'truncated-json' }, 1, { error: 'CliError', code: 'provider' }],
];

describe('fault matrix (client credentials + timeline, real sandbox socket)', () => {
  it.each(matrix)('%s %s: %j x%s', async (_endpoint, path, fault, times, expected) => {
    sandbox.faults.add({ path, fault, times });
    const started = performance.now();
    const outcome = await timeline(fault.type === 'hang' ? HANG_TIMEOUT_MS : ANSWER_TIMEOUT_MS).then(
      (posts) => ({ posts }),
      (error: unknown) => ({ error }),
    );
    // A bound: a row that waited for a timeout it should not meet, or for a real retry delay, is far above it.
    expect(performance.now() - started).toBeLessThan(3 * ANSWER_TIMEOUT_MS);
    if ('data' in expected) {
      expect('posts' in outcome && outcome.posts.length).toBe(2);
      if (expected.tokenRequests !== undefined) expect(sandbox.stats.tokenRequests).toBe(expected.tokenRequests);
      if (expected.faultsServed !== undefined) expect(sandbox.faults.served).toBe(expected.faultsServed);
      expect(sandbox.stats.timelineRequests).toBe(1);
    } else {
      expect('error' in outcome).toBe(true);
      const error = (outcome as { error: Error & { code?: string; category?: string; status?: number } }).error;
      expect(error.name).toBe(expected.error);
      expect(error.code ?? error.category).toBe(expected.code);
      if (expected.status !== undefined) expect(error.status).toBe(expected.status);
      if (expected.error !== 'CliError') expect(error).toBeInstanceOf(TokensmithError);
      expect(error.message).not.toContain(DEMO_CREDENTIALS.app.clientSecret);
    }
  });
});
