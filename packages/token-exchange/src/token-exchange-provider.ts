import { requireOptions, type BearerCredentials, type ManagedTokenProvider } from '@tokensmith/core/kit';
import { createWorkloadGrantProvider, describeTokenSource, readTokenSource, readWorkloadOptions } from '@tokensmith/oauth2';
import { exchangeParameters, readExchangeRequest, tokenExchangeKey } from './exchange-parameters.js';
import type { TokenExchangeOptions } from './token-exchange-options.js';
import { TOKEN_EXCHANGE_GRANT_TYPE } from './token-types.js';

/**
 * A token exchange {@link ManagedTokenProvider} (RFC 8693).
 *
 * @example
 * ```ts
 * const provider: TokenExchangeProvider = createTokenExchangeProvider({ tokenUrl, clientId: 'ci', subjectToken: { env: 'CI_JOB_JWT' } });
 * ```
 */
export interface TokenExchangeProvider extends ManagedTokenProvider<BearerCredentials> {
  readonly strategy: 'token-exchange';
}

/**
 * An OAuth 2 token exchange provider (RFC 8693), the way a CI job swaps its platform's OIDC token
 * for an API token with no stored secret: `getToken()` reads the subject token (and the actor
 * token, if any) from its source, posts them to the token endpoint with `subject_token_type`,
 * `audience`, `resource`, `scope` and `requested_token_type`, and caches the result; once it
 * expires (or the resource rejects it) the exchange runs again with the subject token read afresh.
 * Client authentication is the OAuth 2 strategies' own (`authMethod`). The server's refusals
 * carry their OAuth `error` (`invalid_grant`: the subject token; `invalid_target`: the audience or
 * resource) and `operation: 'token_request'`. No token ever enters a message or `inspect()`.
 *
 * @example
 * ```ts
 * import { createTokenExchangeProvider } from '@tokensmith/token-exchange';
 * import { createAuthenticatedFetch } from '@tokensmith/core';
 *
 * const provider = createTokenExchangeProvider({
 *   tokenUrl: 'https://sts.example.com/oauth2/token',
 *   clientId: 'ci-deployer',
 *   subjectToken: { file: '/var/run/secrets/ci/token' },
 *   subjectTokenType: 'jwt',
 *   audience: 'https://api.example.com',
 * });
 * const api = createAuthenticatedFetch(provider);
 * const res = await api('https://api.example.com/v1/deployments');
 * ```
 */
export function createTokenExchangeProvider(options: TokenExchangeOptions): TokenExchangeProvider {
  requireOptions(options, 'createTokenExchangeProvider');
  const request = readExchangeRequest(options);
  const { settings, onProgress, sourceOptions } = readWorkloadOptions(options, 'token-exchange');
  return createWorkloadGrantProvider(
    {
      ...settings,
      key: tokenExchangeKey(options),
      description: {
        ...settings.description,
        subjectToken: describeTokenSource(request.subjectToken),
        subjectTokenType: request.subjectTokenType,
      },
    },
    {
      strategy: 'token-exchange' as const,
      grantType: TOKEN_EXCHANGE_GRANT_TYPE,
      operation: 'token exchange request',
      parameters: async () => {
        const subjectToken = await readTokenSource(request.subjectToken, 'subjectToken', sourceOptions);
        const actorToken = request.actor ? await readTokenSource(request.actor.source, 'actorToken', sourceOptions) : undefined;
        return exchangeParameters(request, { subjectToken, actorToken });
      },
    },
    (event) => onProgress?.(event.message),
  );
}
