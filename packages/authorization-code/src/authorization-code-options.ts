import { TokensmithError, isLoopbackHost, optionalFunction, optionalNumber, requireEndpoint } from '@tokensmith/core/kit';
import {
  progressReporter,
  readClientOptions,
  type OAuth2ClientOptions,
  type OAuth2Progress,
  type OAuth2Settings,
} from '@tokensmith/oauth2';
import { isLoopbackRedirectUri } from './loopback-redirect.js';

/**
 * The redirect URI used when none is configured: loopback, any port (RFC 8252 7.3). Register it
 * with the authorization server as is.
 *
 * @example
 * ```ts
 * createAuthorizationCodeProvider({ ...options, redirectUri: DEFAULT_REDIRECT_URI }); // same as leaving it out
 * ```
 */
export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1/callback';
/**
 * The out-of-band redirect URI (Mastodon, Doorkeeper, older Google): the server shows the code on
 * a page for the person to paste. Accepted as `redirectUri`; the login then always asks through
 * `promptRedirect` (no loopback listener can receive it).
 *
 * @example
 * ```ts
 * createAuthorizationCodeProvider({ ...options, redirectUri: OOB_REDIRECT_URI, promptRedirect });
 * ```
 */
export const OOB_REDIRECT_URI = 'urn:ietf:wg:oauth:2.0:oob';
/**
 * How long the browser (or the person pasting) has to come back, by default (5 min).
 *
 * @example
 * ```ts
 * createAuthorizationCodeProvider({ ...options, callbackTimeoutMs: 2 * DEFAULT_CALLBACK_TIMEOUT_MS });
 * ```
 */
export const DEFAULT_CALLBACK_TIMEOUT_MS = 5 * 60_000;

/** The authorization request parameters the flow sets itself; `authorizationParams` cannot override them. */
export const FLOW_OWNED_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'state',
  'code_challenge',
  'code_challenge_method',
  'nonce',
  'scope',
] as const;

/**
 * What {@link AuthorizationCodeOptions.onProgress} reports; messages never hold a secret.
 *
 * @example
 * ```ts
 * const onProgress: AuthorizationCodeOptions['onProgress'] = (message, event) => {
 *   if (event.type === 'browser-failed') console.error(message);
 * };
 * ```
 */
export interface AuthorizationProgress {
  type:
    | OAuth2Progress['type']
    | 'listening'
    | 'open-browser'
    | 'browser-failed'
    | 'prompt'
    | 'callback'
    | 'ignored-callback'
    | 'exchange'
    | 'par';
  message: string;
  /** The URL to open (on `open-browser`, `browser-failed`, `prompt`). It holds state and the PKCE challenge, never the verifier. */
  authorizeUrl?: string;
  /** The redirect URI the listener serves (on `listening`). */
  redirectUri?: string;
}

/**
 * Options of {@link createAuthorizationCodeProvider}: the shared OAuth 2 options (`issuer` or
 * `authorizationUrl` + `tokenUrl`, `clientId`, `clientSecret`, `authMethod`, `scopes`,
 * `authorizationParams`, `store`, `fetch`, `now`, `timeoutMs`, `refreshSkewSeconds`)
 * plus the browser flow's own.
 */
export interface AuthorizationCodeOptions extends OAuth2ClientOptions {
  /** The authorization endpoint, e.g. `https://twitter.com/i/oauth2/authorize`. */
  authorizationUrl?: string | URL;
  /** Scopes to request. `openid` adds a nonce and ID token validation (needs `issuer`). */
  scopes: string[];
  /**
   * Where the server sends the browser back. Default `http://127.0.0.1/callback`: the loopback
   * listener binds 127.0.0.1 on this port, or an ephemeral one when there is none (the redirect_uri
   * sent then carries it). Use 127.0.0.1, not `localhost` (RFC 8252 7.3, 8.3). No query or fragment.
   */
  redirectUri?: string | URL;
  /** Opens the authorize URL in a browser. When it throws, `promptRedirect` takes over (the listener keeps waiting too). */
  openBrowser?: (authorizeUrl: string) => unknown;
  /**
   * Asks the person for the URL the browser was sent to (or the bare code): used without
   * `openBrowser`, when it fails, with a non-loopback `redirectUri`, or with `redirectMode: 'paste'`.
   * `signal` aborts when the flow ends another way (the listener got the callback, a timeout): stop prompting then.
   * An unusable answer (empty, not a URL or code, another sign-in's state) is asked for again, with
   * `rejected` saying why, until the deadline (at most 10 times).
   */
  promptRedirect?: (info: { authorizeUrl: string; signal: AbortSignal; rejected?: string }) => Promise<string>;
  /**
   * Pushed authorization requests (PAR, RFC 9126): the authorization request goes to the server's
   * `pushed_authorization_request_endpoint` first, and the browser gets only a short-lived
   * `request_uri`. Default: only when the server's metadata says `require_pushed_authorization_requests`.
   */
  par?: boolean;
  /** `'paste'` skips the loopback listener (e.g. over SSH) and always asks through `promptRedirect`. Default `'auto'`. */
  redirectMode?: 'auto' | 'paste';
  /** Progress for a spinner or log. */
  onProgress?: (message: string, event: AuthorizationProgress) => void;
  /** How long to wait for the browser callback or the pasted URL. Default 5 min. */
  callbackTimeoutMs?: number;
  /** @deprecated Use `refreshSkewSeconds`. A token within this many ms of expiry is refreshed. */
  expirySkewMs?: number;
}

/** The browser flow's settings, read once: the shared OAuth 2 settings plus the redirect and the people-facing hooks. */
export interface AuthorizationCodeSettings {
  oauth2: OAuth2Settings;
  redirectUri: URL;
  openBrowser: ((authorizeUrl: string) => unknown) | undefined;
  promptRedirect: AuthorizationCodeOptions['promptRedirect'];
  /** The loopback listener waits for the browser (a loopback redirect URI, a browser to open, not paste mode). */
  useListener: boolean;
  callbackTimeoutMs: number;
  progress: (event: AuthorizationProgress) => void;
  /** `par: true`: push every authorization request (the server's metadata may also require it). */
  par: boolean;
}

function invalid(message: string): TokensmithError {
  return new TokensmithError('invalid_options', message);
}

/**
 * Parses a redirect URI once: absolute, no query or fragment, `127.0.0.1` rather than another
 * loopback name (RFC 8252 7.3, 8.3), https:// or loopback http://.
 *
 * @example
 * ```ts
 * readRedirectUri('http://127.0.0.1:8765/callback', 'redirectUri').port; // '8765'
 * ```
 */
export function readRedirectUri(value: unknown, field: string): URL {
  if (!(value instanceof URL) && (typeof value !== 'string' || value.trim() === ''))
    throw invalid(`${field} must be a URL, e.g. ${DEFAULT_REDIRECT_URI}`);
  // The out-of-band URN: the server shows the code on a page and the person pastes it (no listener).
  if (String(value) === OOB_REDIRECT_URI) return new URL(OOB_REDIRECT_URI);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`${field} must be an absolute URL, e.g. ${DEFAULT_REDIRECT_URI}`);
  }
  if (url.search || url.hash) throw invalid(`${field} must not have a query or fragment`);
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname) && url.hostname !== '127.0.0.1') {
    throw invalid(
      `${field} must use 127.0.0.1, not ${url.hostname}: the listener binds 127.0.0.1 only and servers match loopback redirect URIs literally (RFC 8252 7.3, 8.3)`,
    );
  }
  return requireEndpoint({ [field]: url }, field);
}

/**
 * Reads and checks {@link AuthorizationCodeOptions} once (URLs become `URL` objects, the redirect
 * URI is parsed here and nowhere else). Bad options throw `invalid_options` naming the field.
 *
 * @example
 * ```ts
 * const settings = readAuthorizationCodeOptions({ issuer, clientId: 'cli', scopes: ['read'], openBrowser });
 * settings.useListener; // true
 * ```
 */
export function readAuthorizationCodeOptions(options: AuthorizationCodeOptions): AuthorizationCodeSettings {
  const oauth2 = readClientOptions(options, {
    strategy: 'authorization-code',
    endpoint: { option: 'authorizationUrl', field: 'authorization_endpoint', value: options.authorizationUrl },
    ownedParams: FLOW_OWNED_PARAMS,
  });
  if (oauth2.skewMs === undefined && options.expirySkewMs !== undefined) oauth2.skewMs = optionalNumber(options, 'expirySkewMs', 0);
  const redirectUri = readRedirectUri(options.redirectUri ?? DEFAULT_REDIRECT_URI, 'redirectUri');
  const openBrowser = optionalFunction(options, 'openBrowser');
  const promptRedirect = optionalFunction(options, 'promptRedirect');
  const callbackTimeoutMs = optionalNumber(options, 'callbackTimeoutMs', DEFAULT_CALLBACK_TIMEOUT_MS);
  if (callbackTimeoutMs <= 0) throw invalid('callbackTimeoutMs must be a number > 0');
  const redirectMode = options.redirectMode ?? 'auto';
  if (redirectMode !== 'auto' && redirectMode !== 'paste') throw invalid("redirectMode must be 'auto' or 'paste'");
  const useListener = redirectMode === 'auto' && openBrowser !== undefined && isLoopbackRedirectUri(redirectUri);
  if (!useListener && (openBrowser !== undefined || redirectMode === 'paste') && promptRedirect === undefined) {
    throw invalid(
      redirectMode === 'paste'
        ? "promptRedirect is required with redirectMode 'paste'"
        : 'promptRedirect is required: redirectUri is not http://127.0.0.1[:port]/path, so the redirected URL must be pasted',
    );
  }
  oauth2.description.redirectUri = redirectUri.href;
  if (options.par !== undefined && typeof options.par !== 'boolean') throw invalid('par must be true or false');
  const par = options.par === true;
  if (par) oauth2.description.par = 'on';
  return {
    par,
    oauth2,
    redirectUri,
    openBrowser,
    promptRedirect,
    useListener,
    callbackTimeoutMs,
    progress: progressReporter(optionalFunction(options, 'onProgress')),
  };
}
