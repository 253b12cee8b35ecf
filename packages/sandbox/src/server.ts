import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { jwtClientRegistrations, verifyClientAssertion } from './client-assertion.js';
import type { AddressInfo } from 'node:net';
import { TIMELINES, type Tweet } from './fixtures.js';
import { applyFault, createFaultInjector, type FaultInjector, type FaultRule } from './faults.js';
import { readRequest, sendJson } from './http-util.js';
import { refusal } from './request-guard.js';
import { installOAuth1 } from './oauth1.js';
import { installOAuth2App } from './oauth2-app.js';
import {
  DEMO_CREDENTIALS,
  type SandboxApp,
  type SandboxConsumer,
  type SandboxOAuth2Client,
  type SandboxState,
  type SandboxStats,
} from './state.js';
import { installTimeline } from './timeline.js';
import { installOtherTimelines, matchPatternRoute } from './timelines-v2-mastodon.js';
import { installApiPractice } from './api-practice.js';
import { installOAuth2User } from './oauth2-user.js';
import { installClientRegistration } from './oauth2-registration.js';
import { installWorkloadGrants } from './oauth2-workload.js';
import { installDPoPAndPar } from './dpop-par-module.js';
import { sandboxEndpoints, type SandboxEndpoints } from './endpoints.js';

export { sandboxEndpoints, type SandboxEndpoints } from './endpoints.js';

/**
 * Options of {@link startSandbox}.
 */
export interface SandboxOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Loopback address to bind: `127.0.0.1` (default) or another 127.x.y.z. */
  host?: string;
  /** Clock, epoch ms (token expiry, timestamps). Default `Date.now`. */
  now?: () => number;
  /** Apps accepted by the client credentials grant. Default: {@link DEMO_CREDENTIALS}.app. */
  apps?: SandboxApp[];
  /** OAuth 1.0a consumers. Default: {@link DEMO_CREDENTIALS}.oauth1. */
  consumers?: SandboxConsumer[];
  /** OAuth 2 authorization code clients. Default: {@link DEMO_CREDENTIALS}.oauth2. */
  oauth2Clients?: SandboxOAuth2Client[];
  /** Lifetime of app-only tokens in seconds; default none (Twitter's tokens carry no expires_in). */
  appTokenTtlSeconds?: number;
  /** Faults to inject from the start (more can be added with `sandbox.faults.add`). */
  faults?: FaultRule[];
  /**
   * Timelines to serve besides (or instead of, same key) {@link TIMELINES}, keyed by screen name;
   * build tweets with `makeTweet` and `twitterUser`.
   */
  timelines?: Record<string, readonly Tweet[]>;
  /**
   * Answer 429 (code 88) when a 15-minute window's requests are used up (900 per user, 1500 per
   * app on the user timeline, as Twitter documents). Default false: the `x-rate-limit-*` headers
   * count down either way, and the bench sends more than a window allows.
   */
  enforceRateLimits?: boolean;
  /** Lifetime of device codes (RFC 8628 `expires_in`) in seconds; default 600. */
  deviceCodeTtlSeconds?: number;
  /** The `interval` device authorizations start with, in seconds; default 5 (RFC 8628 3.2). 0 turns `slow_down` off. */
  deviceIntervalSeconds?: number;
  /**
   * The modules that make up this sandbox, installed in order into its own state; default
   * {@link DEFAULT_SANDBOX_MODULES}. Nothing is shared between two sandboxes of one process.
   */
  modules?: readonly SandboxModule[];
}

/** A module adds endpoints (routes, grants, authenticators) to one sandbox's state. */
export type SandboxModule = (state: SandboxState) => void;

/**
 * A running sandbox.
 */
export interface Sandbox {
  /** Base URL, e.g. `http://127.0.0.1:53127`. */
  url: string;
  /** The endpoint URLs a client config needs. */
  endpoints: SandboxEndpoints;
  /** Request counters (token requests, refreshes, rejections...). */
  stats: SandboxStats;
  /** The sandbox's state, for tests that need to reach in (invalidate tokens, read codes). */
  state: SandboxState;
  /** Fault injection: statuses, delays, hangs, resets, garbage bodies, rate limits, per endpoint. */
  faults: FaultInjector;
  /** Stops listening and closes every connection. */
  stop(): Promise<void>;
}

/**
 * The modules of a default sandbox: app-only tokens, the timelines, the OAuth 2 user grants
 * (authorization code, device code), the workload grants (token exchange, JWT bearer), DPoP and PAR, and OAuth 1.0a. Frozen: pass `modules` to change the set.
 *
 * @example
 * ```ts
 * await startSandbox({ modules: DEFAULT_SANDBOX_MODULES.filter((m) => m !== installOAuth1) });
 * ```
 */
export const DEFAULT_SANDBOX_MODULES: readonly SandboxModule[] = Object.freeze([
  installOAuth2App,
  installTimeline,
  installOtherTimelines,
  installApiPractice,
  installOAuth2User,
  installClientRegistration,
  installWorkloadGrants,
  installDPoPAndPar,
  installOAuth1,
]);

function nonNegative(value: number | undefined, name: string): number | undefined {
  if (value !== undefined && !(Number.isInteger(value) && value >= 0)) throw new Error(`${name} must be a whole number of seconds >= 0`);
  return value;
}

function timelinesOf(extra: Record<string, readonly Tweet[]> = {}): Record<string, readonly Tweet[]> {
  const timelines: Record<string, readonly Tweet[]> = { ...TIMELINES };
  for (const [name, tweets] of Object.entries(extra)) timelines[name.toLowerCase()] = tweets;
  return timelines;
}

function createState(options: SandboxOptions): SandboxState {
  return {
    now: options.now ?? Date.now,
    baseUrl: '',
    apps: options.apps ?? [{ ...DEMO_CREDENTIALS.app }],
    consumers: options.consumers ?? [{ ...DEMO_CREDENTIALS.oauth1 }],
    oauth2Clients: options.oauth2Clients ?? [
      { ...DEMO_CREDENTIALS.oauth2, redirectUris: [...DEMO_CREDENTIALS.oauth2.redirectUris] },
      { ...DEMO_CREDENTIALS.device, redirectUris: [], grantTypes: [...DEMO_CREDENTIALS.device.grantTypes] },
      ...jwtClientRegistrations(),
    ],
    appTokens: new Map(),
    userTokens: new Map(),
    appTokenTtlSeconds: options.appTokenTtlSeconds,
    timelines: timelinesOf(options.timelines),
    enforceRateLimits: options.enforceRateLimits ?? false,
    deviceCodeTtlSeconds: nonNegative(options.deviceCodeTtlSeconds, 'deviceCodeTtlSeconds') ?? 600,
    deviceIntervalSeconds: nonNegative(options.deviceIntervalSeconds, 'deviceIntervalSeconds') ?? 5,
    stats: {
      tokenRequests: 0,
      refreshRequests: 0,
      timelineRequests: 0,
      requestTokenRequests: 0,
      accessTokenRequests: 0,
      deviceAuthorizationRequests: 0,
      devicePolls: 0,
      deviceSlowDowns: 0,
      rejected: 0,
    },
    authenticators: [],
    routes: new Map(),
    extensions: {},
  };
}

async function handle(state: SandboxState, raw: IncomingMessage, res: ServerResponse): Promise<void> {
  const refused = refusal(raw.method ?? 'GET', raw.headers, state.baseUrl);
  if (refused) {
    state.stats.rejected++;
    // The body is not read: drop the connection after answering.
    res.setHeader('connection', 'close');
    sendJson(res, refused.status, { errors: [{ code: refused.status, message: refused.message }] });
    return;
  }
  let req;
  try {
    req = await readRequest(raw, state.baseUrl);
  } catch {
    sendJson(res, 413, { errors: [{ code: 413, message: 'Request body too large.' }] });
    return;
  }
  if ((await applyFault(state, raw, res, req.method, req.url.pathname)) === 'handled') return;
  // A JWT client assertion is verified here, once, because jose is async and the client
  // endpoints' authentication (clientFromRequest) is not.
  const assertion = await verifyClientAssertion(state, req);
  if (assertion) req.clientAssertion = assertion;
  for (const hook of state.requestHooks ?? []) await hook(req, res, state);
  const handler = state.routes.get(`${req.method} ${req.url.pathname}`);
  if (handler) {
    await handler(req, res, state, raw);
    return;
  }
  const pattern = matchPatternRoute(state, req.method, req.url.pathname);
  if (pattern) {
    pattern.route.handle(req, res, state, pattern.params);
    return;
  }
  const otherMethod = [...state.routes.keys()].some((key) => key.endsWith(` ${req.url.pathname}`));
  if (otherMethod) sendJson(res, 405, { errors: [{ code: 405, message: `Method ${req.method} not allowed on ${req.url.pathname}.` }] });
  else sendJson(res, 404, { errors: [{ code: 34, message: 'Sorry, that page does not exist.' }] });
}

/**
 * Starts a strict local OAuth provider on 127.0.0.1: Twitter-style app-only tokens and the v1.1
 * user timeline (plus the OAuth 1.0a and authorization code endpoints as they are installed).
 *
 * @example
 * ```ts
 * import { createClientCredentialsProvider } from '@tokensmith/client-credentials';
 * import { DEMO_CREDENTIALS, startSandbox } from '@tokensmith/sandbox';
 *
 * const sandbox = await startSandbox();
 * const provider = createClientCredentialsProvider({ tokenUrl: sandbox.endpoints.tokenUrl, ...DEMO_CREDENTIALS.app });
 * // ...
 * await sandbox.stop();
 * ```
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  if (!/^127(\.\d{1,3}){3}$/.test(host)) throw new Error(`host must be a 127.x.y.z loopback address, got ${host}`);
  const state = createState(options);
  for (const install of options.modules ?? DEFAULT_SANDBOX_MODULES) install(state);
  const faults = createFaultInjector(state, options.faults);
  const server: Server = createServer((raw, res) => {
    handle(state, raw, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { errors: [{ code: 131, message: 'Internal error.' }] });
      else res.destroy(error as Error);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  state.baseUrl = `http://${host}:${port}`;
  return {
    url: state.baseUrl,
    endpoints: sandboxEndpoints(state.baseUrl),
    stats: state.stats,
    state,
    faults,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
