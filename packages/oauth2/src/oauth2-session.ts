import * as oidc from 'openid-client';
import {
  createResourceSigner,
  createTokenManager,
  type AuthorizeRequest,
  type BearerCredentials,
  type DPoPKey,
  type GetTokenOptions,
  type LoginOptions,
  type LogoutResult,
  type TokenManager,
} from '@tokensmith/core/kit';
import { configure } from './client-config.js';
import { dpopKeyPair, generateDPoPKey } from './dpop-proof.js';
import type { OAuth2Settings } from './client-options.js';
import { toTokensmithError } from './openid-errors.js';
import type { OAuth2Progress } from './progress.js';
import { refreshTokens, toBearerCredentials } from './refresh.js';
import { revokeTokens } from './revocation.js';
import { resolveServer, type ResolvedServer } from './server-metadata.js';

/**
 * The token lifecycle an OAuth 2 user strategy shares, over one set of {@link OAuth2Settings}:
 * the server resolved once, refresh with rotation under the store lock, the interactive flow
 * single-flight outside it, RFC 7009 logout. A strategy adds only its interactive flow.
 */
export interface OAuth2Session {
  readonly settings: OAuth2Settings;
  readonly tokens: TokenManager<BearerCredentials>;
  /** The authorization server, discovered once (a failed discovery is retried on the next call). */
  server(): Promise<ResolvedServer>;
  /** A fresh openid-client configuration for one operation against `server` (`fetch` overridable, e.g. to add a signal). */
  configure(server: ResolvedServer, overrides?: { fetch?: typeof fetch }): oidc.Configuration;
  /** A token response as credentials, `expiresAt` from the injected clock; `dpopKey` is the key its request was proved with. */
  toCredentials: (response: unknown, dpopKey?: DPoPKey) => BearerCredentials;
  /** A fresh DPoP key for one login when `dpop` is on (RFC 9449); `undefined` otherwise. */
  loginKey(): Promise<DPoPKey | undefined>;
  /** openid-client's options for a token request proved with `key` (its DPoP handle retries once on `use_dpop_nonce`); `{}` without a key. */
  grantOptions(config: oidc.Configuration, key: DPoPKey | undefined): Promise<oidc.DPoPOptions>;
  /** The `TokenProvider` and `InteractiveTokenProvider` methods, to spread into the provider. */
  readonly methods: {
    getToken(options?: GetTokenOptions): Promise<BearerCredentials>;
    authorize(request: AuthorizeRequest, options?: GetTokenOptions): Promise<Record<string, string>>;
    invalidate(): Promise<void>;
    observeResponse(request: AuthorizeRequest, response: Response): boolean;
    login(options?: LoginOptions): Promise<BearerCredentials>;
    logout(): Promise<LogoutResult>;
    peek(): Promise<BearerCredentials | undefined>;
  };
}

/**
 * Creates the shared lifecycle. `interactive` is the strategy's person-in-the-loop flow (the
 * browser, the device code); it returns credentials and stores nothing: the token manager stores
 * them once it resolves.
 *
 * @example
 * ```ts
 * const session = createOAuth2Session(settings, { progress, interactive: (signal) => pollForApproval(signal) });
 * return defineProvider({ strategy: 'device-code', ...session.methods }, settings.description);
 * ```
 */
export function createOAuth2Session(
  settings: OAuth2Settings,
  hooks: { interactive: (signal: AbortSignal | undefined) => Promise<BearerCredentials>; progress: (event: OAuth2Progress) => void },
): OAuth2Session {
  const { client, endpoints, progress } = { ...settings, progress: hooks.progress };
  let serverPromise: Promise<ResolvedServer> | undefined;
  const server = (): Promise<ResolvedServer> => {
    if (!serverPromise) {
      if (endpoints.issuer) progress({ type: 'discovery', message: `Discovering the authorization server at ${endpoints.issuer.origin}` });
      serverPromise = resolveServer(endpoints, client).catch((error: unknown) => {
        serverPromise = undefined;
        throw error;
      });
    }
    return serverPromise;
  };
  const config = (resolved: ResolvedServer, overrides: { fetch?: typeof fetch } = {}) => configure(resolved, { ...client, ...overrides });
  const grantOptions = async (configuration: oidc.Configuration, key: DPoPKey | undefined): Promise<oidc.DPoPOptions> =>
    key ? { DPoP: oidc.getDPoPHandle(configuration, await dpopKeyPair(key)) } : {};
  // Resource requests: a bearer header, or a DPoP proof per request with each origin's nonce.
  const signer = createResourceSigner(client.now);
  const authorize = async (request: AuthorizeRequest, options?: GetTokenOptions): Promise<Record<string, string>> =>
    signer.headers(await tokens.get(options), request);

  const tokens = createTokenManager<BearerCredentials>({
    key: settings.key,
    store: settings.store,
    now: client.now,
    ...(settings.skewMs === undefined ? {} : { skewMs: settings.skewMs }),
    // A refresh runs under the store lock; the interactive login (nothing to refresh) outside it.
    obtain: async ({ current, drop }) => {
      if (!current?.refreshToken) return undefined;
      const resolved = await server();
      progress({ type: 'refresh', message: 'Refreshing the access token' });
      const configuration = config(resolved);
      return refreshTokens(configuration, current, {
        drop,
        now: client.now(),
        tokenParams: settings.tokenParams,
        singleUse: settings.singleUseRefreshTokens,
        dpop: await grantOptions(configuration, current.dpopKey),
      });
    },
    interactive: ({ signal }) => hooks.interactive(signal),
    // A login whose tokens the store refused: revoke them (RFC 7009) rather than leave them live.
    discardUnstored: async (credentials) => (await revokeTokens(config(await server()), credentials, progress)).revocation === 'revoked',
  });

  return {
    settings,
    tokens,
    server,
    configure: config,
    toCredentials: (response, dpopKey) => toBearerCredentials(response, client.now(), dpopKey),
    loginKey: async () => (settings.dpop ? generateDPoPKey(settings.dpop.alg) : undefined),
    grantOptions,
    methods: {
      getToken: (options) => tokens.get(options),
      authorize,
      invalidate: () => tokens.invalidate(),
      observeResponse: (request, response) => signer.observeResponse(request, response),
      login: (options) => tokens.login(({ signal }) => hooks.interactive(signal), options),
      logout: async (): Promise<LogoutResult> => {
        let result: LogoutResult;
        try {
          const current = await tokens.peek();
          result = current ? await revokeTokens(config(await server()), current, progress) : { revocation: 'nothing-stored' };
        } catch (error) {
          const mapped = await toTokensmithError(error, 'token revocation', settings.endpoints.revocationUrl);
          progress({
            type: 'revoke-failed',
            message: `Could not revoke the tokens (${mapped.message}); they are forgotten locally anyway`,
          });
          result = { revocation: 'failed', reason: mapped.message };
        } finally {
          await tokens.drop();
        }
        return result;
      },
      peek: () => tokens.peek(),
    },
  };
}
