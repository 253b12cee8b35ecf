import { OAuthResponseError, errorCategory, type TokensmithError } from '@tokensmith/core';
import { strategyAdapter } from '../strategies/index.js';
import { endpointOf, inField, type Explanation, type ProviderScope } from './scope.js';

// Failures of registering a client for a provider without clientId (RFC 7591, or Mastodon's
// /api/v1/apps): a refusal names the config field the refused metadata came from; a server that
// offers no registration gets both ways out. Decided by the error's data (operation, error, status).

/** The config field each refused registration concerns (RFC 7591 3.2.2 codes; Mastodon's refusals are given the same codes). */
const REFUSED_FIELD: Record<string, (scope: ProviderScope) => string> = {
  invalid_redirect_uri: (scope) =>
    `providers.${scope.name}.redirectUri (the redirect URI registered: http://127.0.0.1[:port]/path unless set; the server must accept it)`,
  invalid_client_metadata: (scope) =>
    `providers.${scope.name}.${strategyAdapter(scope.config.strategy).scopeField} (the scopes registered) and providers.${scope.name}.redirectUri`,
  invalid_token: (scope) =>
    `providers.${scope.name}.initialAccessToken (this server registers clients only with a valid initial access token)`,
};

function described(error: TokensmithError): string {
  if (error instanceof OAuthResponseError) return `${error.error}${error.error_description ? `: ${error.error_description}` : ''}`;
  return error.error ?? error.code;
}

/**
 * Explains a failed client registration, naming the field to fix, or (for a server without any
 * registration endpoint) the two ways out: a `clientId` registered by hand, or a server that
 * registers clients (`--instance` for a Mastodon instance).
 *
 * @example
 * ```ts
 * if (error.operation === 'registration') return explainRegistration(error, scope);
 * ```
 */
export function explainRegistration(error: TokensmithError, scope: ProviderScope): Explanation {
  const name = scope.name;
  if (error.error === 'registration_unsupported')
    return {
      message: `${name}: ${error.message}`,
      hint: `add providers.${name}.clientId (and clientSecret) for an app you registered with the provider, or set providers.${name}.issuer to a server that supports registration (for a Mastodon instance: tokensmith login ${name} --instance HOST)`,
      category: errorCategory(error),
    };
  const field = error.error === undefined ? undefined : REFUSED_FIELD[error.error];
  if (field)
    return {
      message: `${name}: the server refused to register tokensmith${inField(endpointOf(scope, error))} (HTTP ${error.status ?? '?'} ${described(error)}); nothing was stored`,
      hint: `check ${field(scope)}`,
      category: errorCategory(error),
    };
  return {
    message: `${name}: registering tokensmith failed: ${error.message}`,
    hint: `check providers.${name}.issuer, or register an app by hand and set providers.${name}.clientId`,
    category: errorCategory(error),
  };
}
