import * as oidc from 'openid-client';
import {
  bearerHeaders,
  createTokenManager,
  optionalFunction,
  defineProvider,
  type BearerCredentials,
  type LogoutResult,
  type ManagedTokenProvider,
} from '@tokensmith/core/kit';
import { readClientOptions, type OAuth2ClientOptions, type OAuth2Settings } from './client-options.js';
import type { TokenSourceOptions } from './token-source.js';
import { configure } from './client-config.js';
import { toTokensmithError, type Operation } from './openid-errors.js';
import type { OAuth2Progress } from './progress.js';
import { toBearerCredentials } from './refresh.js';
import { revokeTokens } from './revocation.js';
import { resolveServer, type ResolvedServer } from './server-metadata.js';

/** One grant that is a single token request with no person: RFC 8693 token exchange, RFC 7523 JWT bearer. */
export interface WorkloadGrant<S extends string> {
  strategy: S;
  /** The `grant_type` URN. */
  grantType: string;
  /** Names the request in errors (and picks their `operation`). */
  operation: Operation;
  /**
   * The grant's own parameters for one request, built afresh each time (a subject token re-read, an
   * assertion signed now). `tokenEndpoint` is the resolved token endpoint (an assertion's `aud`).
   */
  parameters(context: { tokenEndpoint: string; now: number }): Promise<Array<[string, string]>>;
}

/**
 * A {@link ManagedTokenProvider} over a one-request grant with no person: `getToken()` runs the grant
 * when nothing fresh is stored (under the store's lock, once however many callers or processes
 * wait) and again whenever the result expires or is rejected; a refresh token, if the server sends
 * one, is not used (the grant's own input, re-read each time, is the credential). Client
 * authentication comes from `settings` (the same `configure` every OAuth 2 strategy uses).
 *
 * @example
 * ```ts
 * return createWorkloadGrantProvider(settings, {
 *   strategy: 'jwt-bearer',
 *   grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
 *   operation: 'jwt bearer request',
 *   parameters: async () => [['assertion', await readTokenSource({ env: 'ROBOT_ASSERTION' }, 'assertion')]],
 * }, progress);
 * ```
 */
export function createWorkloadGrantProvider<S extends string>(
  settings: OAuth2Settings,
  grant: WorkloadGrant<S>,
  progress: (event: OAuth2Progress) => void = () => {},
): ManagedTokenProvider<BearerCredentials> & { readonly strategy: S } {
  const { client, endpoints } = settings;
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

  const request = async (): Promise<BearerCredentials> => {
    const resolved = await server();
    const config = configure(resolved, client);
    const tokenEndpoint = config.serverMetadata().token_endpoint!;
    const parameters = new URLSearchParams([
      ...(await grant.parameters({ tokenEndpoint, now: client.now() })),
      ...(settings.scopes.length ? [['scope', settings.scopes.join(' ')] as [string, string]] : []),
    ]);
    try {
      const response = await oidc.genericGrantRequest(config, grant.grantType, parameters);
      // A refresh token is not kept: the grant's input is the credential, and it is re-run on expiry.
      const { refreshToken: _unused, ...credentials } = toBearerCredentials(response, client.now());
      return credentials;
    } catch (error) {
      throw await toTokensmithError(error, grant.operation, tokenEndpoint);
    }
  };

  const tokens = createTokenManager<BearerCredentials>({
    key: settings.key,
    store: settings.store,
    now: client.now,
    ...(settings.skewMs === undefined ? {} : { skewMs: settings.skewMs }),
    obtain: () => request(),
  });

  const logout = async (): Promise<LogoutResult> => {
    let result: LogoutResult = { revocation: 'nothing-stored' };
    try {
      const current = await tokens.peek();
      if (current) result = await revokeTokens(configure(await server(), client), current, progress);
    } catch (error) {
      const mapped = await toTokensmithError(error, 'token revocation', endpoints.revocationUrl);
      progress({ type: 'revoke-failed', message: `Could not revoke the token (${mapped.message}); it is forgotten locally anyway` });
      result = { revocation: 'failed', reason: mapped.message };
    } finally {
      await tokens.drop();
    }
    return result;
  };

  return defineProvider(
    {
      strategy: grant.strategy,
      getToken: (options) => tokens.get(options),
      authorize: async (_request, options) => bearerHeaders(await tokens.get(options)),
      invalidate: () => tokens.invalidate(),
      peek: () => tokens.peek(),
      logout,
    },
    settings.description,
  );
}

/** What every workload grant's options take beside the client: how its token sources are read, and progress. */
export interface WorkloadOptions extends OAuth2ClientOptions {
  /** The environment `env` token sources read, and commands run with. */
  env?: NodeJS.ProcessEnv;
  /** A token source command's deadline, ms. */
  commandTimeoutMs?: number;
  /** Progress for a person watching (the exchange, a renewal). */
  onProgress?: (message: string) => void;
}

/**
 * What a workload grant reads from its options before it builds its provider, the same for every
 * such grant: the client settings (token endpoint given or discovered, scopes optional, no
 * authorization parameters: there is no browser), the progress callback, and how its token
 * sources are read.
 *
 * @example
 * ```ts
 * const { settings, onProgress, sourceOptions } = readWorkloadOptions({ tokenUrl: 'https://sts.example.com/token', clientId: 'ci' }, 'token-exchange');
 * ```
 */
export function readWorkloadOptions(
  options: WorkloadOptions,
  strategy: string,
): { settings: OAuth2Settings; onProgress: ((message: string) => void) | undefined; sourceOptions: TokenSourceOptions } {
  const settings = readClientOptions(
    { ...options, authorizationParams: undefined },
    { strategy, endpoint: { option: 'tokenUrl', field: 'token_endpoint', value: options.tokenUrl }, ownedParams: [], scopesOptional: true },
  );
  return {
    settings,
    onProgress: optionalFunction(options, 'onProgress'),
    sourceOptions: {
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.commandTimeoutMs === undefined ? {} : { timeoutMs: options.commandTimeoutMs }),
    },
  };
}
