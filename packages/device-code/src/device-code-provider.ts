import {
  TokensmithError,
  defineProvider,
  optionalFunction,
  requireOptions,
  sleep as timerSleep,
  type BearerCredentials,
  type InteractiveTokenProvider,
} from '@tokensmith/core/kit';
import { createOAuth2Session, progressReporter, readClientOptions } from '@tokensmith/oauth2';
import { requestDeviceAuthorization } from './device-authorization.js';
import type { DeviceCodeOptions, DeviceCodeProgress } from './device-code-options.js';
import { pollForApproval } from './token-polling.js';

/**
 * A device authorization grant {@link InteractiveTokenProvider} (RFC 8628).
 *
 * @example
 * ```ts
 * const provider: DeviceCodeProvider = createDeviceCodeProvider({ issuer, clientId, onCode: (info) => console.error(info.userCode) });
 * await provider.login();
 * ```
 */
export interface DeviceCodeProvider extends InteractiveTokenProvider<BearerCredentials> {
  readonly strategy: 'device-code';
}

/**
 * An OAuth 2 device authorization grant provider (RFC 8628), the way `gh auth login` signs in: no
 * browser on this machine, no listener. `login()` (or `getToken()` with nothing usable stored)
 * asks the server for a device code, hands the user code and verification URI to `onCode`, then
 * polls the token endpoint at the server's interval (+5 s on `slow_down`, doubled after a
 * connection timeout or a 5xx/429, whose `Retry-After` is honoured up to a minute) until the person approves on any device. It ends with
 * `authorization_denied` (denied), `device_code_expired` (the code expired; run the login again),
 * `login_required` (`invalid_grant`) or `aborted` (the signal). Concurrent callers share one login.
 *
 * Refresh (with rotation: a response without `refresh_token` keeps the old one), `invalid_grant`
 * on refresh (tokens dropped, `login_required`), RFC 7009 revocation on `logout()` and storage are
 * exactly the authorization-code strategy's: both come from `@tokensmith/oauth2`.
 *
 * @example
 * ```ts
 * import { createDeviceCodeProvider } from '@tokensmith/device-code';
 * import { createAuthenticatedFetch } from '@tokensmith/core';
 * import { FileStore } from '@tokensmith/store-file';
 *
 * const provider = createDeviceCodeProvider({
 *   issuer: 'https://auth.example.com',
 *   clientId: 'my-cli',
 *   scopes: ['read', 'offline_access'],
 *   store: new FileStore(),
 *   onCode: ({ userCode, verificationUri }) => console.error(`Open ${verificationUri} and enter ${userCode}`),
 * });
 * await provider.login({ signal: AbortSignal.timeout(15 * 60_000) });
 * const api = createAuthenticatedFetch(provider);
 * ```
 */
export function createDeviceCodeProvider(options: DeviceCodeOptions): DeviceCodeProvider {
  requireOptions(options, 'createDeviceCodeProvider');
  const settings = readClientOptions(options, {
    strategy: 'device-code',
    endpoint: { option: 'deviceAuthorizationUrl', field: 'device_authorization_endpoint', value: options.deviceAuthorizationUrl },
    ownedParams: ['client_id', 'scope'],
    scopesOptional: true,
  });
  const onCode = optionalFunction(options, 'onCode');
  const sleep = optionalFunction(options, 'sleep') ?? timerSleep;
  const progress = progressReporter<DeviceCodeProgress>(optionalFunction(options, 'onProgress'));
  const { client } = settings;
  const authorizationParams: Array<[string, string]> = [
    ...(settings.scopes.length ? [['scope', settings.scopes.join(' ')] as [string, string]] : []),
    ...settings.authorizationParams,
  ];

  const session = createOAuth2Session(settings, {
    progress,
    interactive: async (signal) => {
      if (!onCode)
        throw new TokensmithError(
          'login_required',
          'no usable tokens are stored; log in to sign in (this provider has no onCode to show a code)',
        );
      const server = await session.server();
      // The caller's signal also stops a request in flight, not only the wait between polls.
      // The last response's headers are kept for a busy server's Retry-After, which openid-client's
      // errors do not carry.
      let lastResponseHeaders: Headers | undefined;
      const fetchWithSignal: typeof fetch = async (input, init) => {
        lastResponseHeaders = undefined;
        const response = await client.fetch(
          input,
          signal ? { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal } : init,
        );
        lastResponseHeaders = response.headers;
        return response;
      };
      const config = session.configure(server, { fetch: fetchWithSignal });
      // DPoP (RFC 9449): one key per login, proved on every poll, stored with the tokens.
      const dpopKey = await session.loginKey();
      progress({ type: 'device-authorization', message: 'Requesting a device code' });
      const authorization = await requestDeviceAuthorization(config, authorizationParams, client.now);
      await onCode({ ...authorization.info });
      progress({
        type: 'waiting',
        message: 'Waiting for approval on the verification page',
        expiresAt: authorization.info.expiresAt,
        interval: authorization.info.interval,
      });
      return pollForApproval(
        {
          config,
          tokenParams: settings.tokenParams,
          now: client.now,
          sleep,
          signal,
          progress,
          toCredentials: (response) => session.toCredentials(response, dpopKey),
          dpop: await session.grantOptions(config, dpopKey),
          lastResponseHeaders: () => lastResponseHeaders,
        },
        authorization,
      );
    },
  });

  return defineProvider({ strategy: 'device-code' as const, ...session.methods } satisfies DeviceCodeProvider, settings.description);
}
