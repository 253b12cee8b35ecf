import {
  TokensmithError,
  defineProvider,
  requireOptions,
  type BearerCredentials,
  type InteractiveTokenProvider,
} from '@tokensmith/core/kit';
import { createOAuth2Session } from '@tokensmith/oauth2';
import { readAuthorizationCodeOptions, readRedirectUri, type AuthorizationCodeOptions } from './authorization-code-options.js';
import { exchangeCode, startAuthorization, type FlowContext, type PendingAuthorization } from './authorization-flow.js';
import { loginViaListener, loginViaPaste } from './interactive-login.js';

/** Options of {@link AuthorizationCodeProvider.startAuthorization}. */
export interface StartAuthorizationOptions {
  /** Overrides the configured redirect URI for this request (e.g. the port a listener got). */
  redirectUri?: string | URL;
}

/**
 * An authorization code + PKCE {@link InteractiveTokenProvider}, plus the two steps of the flow
 * for callers that run the redirect themselves (a web server).
 *
 * @example
 * ```ts
 * declare const provider: AuthorizationCodeProvider;
 * const pending = await provider.startAuthorization({ redirectUri: 'https://app.example.com/callback' });
 * session.pending = pending; // then redirect the browser to pending.authorizeUrl
 * // ... in the callback route:
 * const token = await provider.completeAuthorization(session.pending, request.url);
 * ```
 */
export interface AuthorizationCodeProvider extends InteractiveTokenProvider<BearerCredentials> {
  readonly strategy: 'authorization-code';
  /** Step 1: a fresh state, PKCE verifier (S256) and nonce (for `openid`), and the URL to send the browser to. */
  startAuthorization(options?: StartAuthorizationOptions): Promise<PendingAuthorization>;
  /** Step 2: checks the callback (state, `iss`, error), exchanges the code, stores and returns the tokens. */
  completeAuthorization(pending: PendingAuthorization, callbackUrl: string | URL): Promise<BearerCredentials>;
}

/**
 * An OAuth 2 authorization code {@link InteractiveTokenProvider} with PKCE (S256, always), `state`
 * (always checked), `nonce` and ID token validation for `openid`, on openid-client v6.
 *
 * `login()` (or `getToken()` with nothing usable stored) opens the browser and receives the code on a
 * one-shot loopback listener (RFC 8252), or asks for the redirected URL (`promptRedirect`). Tokens are
 * refreshed before expiry and after a 401 (`invalidate()`), once however many callers; a refresh
 * response without `refresh_token` keeps the old one; a rejected refresh token (`invalid_grant`)
 * drops the tokens and throws `login_required`. `logout()` revokes (RFC 7009) and always forgets.
 * Refresh, revocation and storage come from `@tokensmith/oauth2`, shared with the device-code strategy.
 *
 * @example
 * ```ts
 * import { spawn } from 'node:child_process';
 * import { createInterface } from 'node:readline/promises';
 * import { createAuthorizationCodeProvider } from '@tokensmith/authorization-code';
 * import { createAuthenticatedFetch } from '@tokensmith/core';
 *
 * const provider = createAuthorizationCodeProvider({
 *   issuer: 'https://auth.example.com',
 *   clientId: 'my-cli',
 *   scopes: ['openid', 'tweet.read', 'offline.access'],
 *   authorizationParams: { prompt: 'consent', resource: 'https://api.example.com' },
 *   openBrowser: (url) => spawn('xdg-open', [url], { stdio: 'ignore' }), // or the `open` package
 *   promptRedirect: async ({ authorizeUrl, signal }) => {
 *     const readline = createInterface({ input: process.stdin, output: process.stderr });
 *     return readline.question(`Open ${authorizeUrl}, then paste where it sent you: `, { signal }).finally(() => readline.close());
 *   },
 * });
 * await provider.login();
 * const api = createAuthenticatedFetch(provider);
 * const res = await api('https://api.example.com/2/users/me');
 * ```
 */
export function createAuthorizationCodeProvider(options: AuthorizationCodeOptions): AuthorizationCodeProvider {
  requireOptions(options, 'createAuthorizationCodeProvider');
  const settings = readAuthorizationCodeOptions(options);

  const interactive = async (signal: AbortSignal | undefined): Promise<BearerCredentials> => {
    if (!settings.openBrowser && !settings.promptRedirect) {
      throw new TokensmithError(
        'login_required',
        'no usable tokens are stored; log in to sign in (this provider has no openBrowser or promptRedirect)',
      );
    }
    await session.server();
    return settings.useListener ? loginViaListener(context, signal) : loginViaPaste(context, signal);
  };
  const session = createOAuth2Session(settings.oauth2, { interactive, progress: settings.progress });
  const context: FlowContext = { session, settings };

  return defineProvider(
    {
      strategy: 'authorization-code' as const,
      ...session.methods,
      startAuthorization: (start = {}) =>
        startAuthorization(
          context,
          start.redirectUri === undefined ? settings.redirectUri : readRedirectUri(start.redirectUri, 'redirectUri'),
        ),
      completeAuthorization: async (pending, callbackUrl) => session.tokens.replace(await exchangeCode(context, pending, callbackUrl)),
    } satisfies AuthorizationCodeProvider,
    settings.oauth2.description,
  );
}
