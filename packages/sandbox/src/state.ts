import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Tweet } from './tweets.js';
import type { SandboxRequest } from './http-util.js';

/** An app registered for client credentials (Twitter app-only). */
export interface SandboxApp {
  clientId: string;
  clientSecret: string;
}
/** A consumer registered for OAuth 1.0a. */
export interface SandboxConsumer {
  consumerKey: string;
  consumerSecret: string;
  name: string;
}
/**
 * A client registered for the OAuth 2 user grants. `clientSecret` absent = public client.
 * `grantTypes` absent = authorization code, device code (RFC 8628) and refresh token.
 */
export interface SandboxOAuth2Client {
  clientId: string;
  clientSecret?: string;
  redirectUris: string[];
  name: string;
  grantTypes?: string[];
  /**
   * JWT client authentication (RFC 7523 2.2) instead of a secret: `private_key_jwt` (assertions
   * signed with a key of `jwks`) or `client_secret_jwt` (MACed with `clientSecret`). Absent: the
   * secret itself (Basic or body), or none for a public client.
   */
  authMethod?: 'private_key_jwt' | 'client_secret_jwt';
  /** The `private_key_jwt` client's public keys (a JWK set). */
  jwks?: { keys: Array<Record<string, unknown>> };
}

/**
 * Freezes a value and everything reachable from it, so that module-level fixtures stay the same
 * for every sandbox of a process.
 *
 * @example
 * ```ts
 * const FIXED = deepFreeze({ user: { name: 'x' } }); // FIXED.user.name = 'y' throws in strict mode
 * ```
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/** The credentials the sandbox accepts out of the box (local demo values, not secrets of anyone). */
export const DEMO_CREDENTIALS = deepFreeze({
  app: { clientId: 'sandbox-app-key', clientSecret: 'sandbox-app-secret-do-not-use-elsewhere' },
  oauth1: {
    consumerKey: 'sandbox-consumer-key',
    consumerSecret: 'sandbox-consumer-secret-do-not-use-elsewhere',
    name: 'tokensmith demo (OAuth 1.0a)',
  },
  oauth2: { clientId: 'sandbox-cli', redirectUris: ['http://127.0.0.1/callback'], name: 'tokensmith demo CLI' },
  /** A public client for the device authorization grant (RFC 8628) only, as a TV or an SSH session would be. */
  device: {
    clientId: 'sandbox-device',
    redirectUris: [],
    name: 'tokensmith demo device',
    grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
  },
  user: { screenName: 'twitterapi', userId: '6253282', password: 'sandbox-password' },
  /**
   * A second person (the `cafe_dev` fixture timeline), who can sign in on the OAuth 1.0a authorize
   * page: two accounts of one provider, each with its own timeline. The OAuth 2 pages know only `user`.
   */
  secondUser: { screenName: 'cafe_dev', userId: '1590000000000000042', password: 'sandbox-password-2' },
} as const);

/** Counters the tests read to prove how many requests reached the sandbox. */
export interface SandboxStats {
  tokenRequests: number;
  refreshRequests: number;
  timelineRequests: number;
  requestTokenRequests: number;
  accessTokenRequests: number;
  /** `POST /oauth2/device_authorization` requests (RFC 8628 3.1). */
  deviceAuthorizationRequests: number;
  /** Token requests with the device code grant: every poll, answered or not. */
  devicePolls: number;
  /** Polls answered `slow_down` (polled before the interval had passed). */
  deviceSlowDowns: number;
  rejected: number;
  /** Tokens issued by the RFC 8693 token exchange grant. */
  tokenExchanges?: number;
  /** Tokens issued by the RFC 7523 JWT bearer grant. */
  jwtBearerGrants?: number;
}

/** What a resource request was authenticated as. */
export type Principal = { kind: 'app'; clientId: string } | { kind: 'user'; clientId: string; screenName: string; scopes: string[] };

/** An authenticator answers for the requests whose Authorization scheme it knows. */
export type Authenticator = (
  req: SandboxRequest,
  state: SandboxState,
) => { ok: true; principal: Principal } | { ok: false; send: (res: ServerResponse) => void } | undefined;

/** A route handler. */
export type Handler = (req: SandboxRequest, res: ServerResponse, state: SandboxState, raw: IncomingMessage) => void | Promise<void>;

/** An issued OAuth 2 user token. `audience`: the RFC 8707 resources it is bound to (absent: any). */
export interface UserToken {
  clientId: string;
  screenName: string;
  scopes: string[];
  expiresAt: number;
  issuedAt?: number;
  audience?: string[];
  /** RFC 9449 6.1 `cnf.jkt`: the thumbprint of the DPoP key the token is bound to (absent: a bearer token). */
  jkt?: string;
}

/** The sandbox's whole memory: registrations, issued tokens, counters. */
export interface SandboxState {
  now: () => number;
  baseUrl: string;
  apps: SandboxApp[];
  consumers: SandboxConsumer[];
  oauth2Clients: SandboxOAuth2Client[];
  /** App-only bearer tokens: token -> client id. Twitter returns the same token until it is invalidated. */
  appTokens: Map<string, string>;
  /** OAuth 2 user access tokens. */
  userTokens: Map<string, UserToken>;
  /** Seconds an app-only token lives; undefined = no expiry, as on Twitter. */
  appTokenTtlSeconds: number | undefined;
  /** Timelines by lower-case screen name (the defaults plus `startSandbox({ timelines })`). */
  timelines: Readonly<Record<string, readonly Tweet[]>>;
  /** Whether the timeline answers 429 (code 88) once a window's requests are used up. */
  enforceRateLimits: boolean;
  /** How long a device code (RFC 8628) lives, in seconds. */
  deviceCodeTtlSeconds: number;
  /** The polling interval a device authorization starts with, in seconds. */
  deviceIntervalSeconds: number;
  stats: SandboxStats;
  authenticators: Authenticator[];
  routes: Map<string, Handler>;
  /** Run before routing, in order (e.g. the async DPoP signature check). */
  requestHooks?: Array<(req: SandboxRequest, res: ServerResponse, state: SandboxState) => Promise<void>>;
  /** Extension data of the OAuth 1.0a and authorization code modules. */
  extensions: Record<string, unknown>;
}

/**
 * A random token of `bytes` bytes, base64url, from node:crypto.
 *
 * @example
 * ```ts
 * randomToken(16, 'code-'); // 'code-Qm9...'
 * ```
 */
export function randomToken(bytes = 32, prefix = ''): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

/**
 * Adds a route, keyed `METHOD path`.
 *
 * @example
 * ```ts
 * addRoute(state, 'GET', '/health', (_req, res) => sendJson(res, 200, { ok: true }));
 * ```
 */
export function addRoute(state: SandboxState, method: string, path: string, handler: Handler): void {
  state.routes.set(`${method} ${path}`, handler);
}
