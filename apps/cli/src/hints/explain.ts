import { OAuthResponseError, TokensmithError, errorCategory, type ErrorCategory } from '@tokensmith/core';
import type { ProviderConfig } from '../config/schema.js';
import { AUTH_HINTS, REFUSAL_HINTS } from './auth.js';
import { endpointOf, type AnswerExplainer, type CodeHints, type Explanation, type ProviderScope } from './scope.js';
import { explainStore } from './store.js';
import { TRANSPORT_HINTS, explainFailingServer, explainSystemFailure } from './transport.js';
import { USAGE_HINTS, busyPortHint, busyRedirectPortHint, explainMissingEndpoint } from './usage.js';
import type { CliIO } from '../terminal/io.js';
import { addressOf, systemError } from './system-error.js';
import { explainRegistration } from './registration.js';

// The one place a failure becomes a message a person can act on: what failed, which config field to
// check, and the next command. `run()` prints what `explain()` returns; strategies and stores keep
// their precise, secret-free messages, and this layer adds the provider's name and config paths.
// Each family of failures has its module (usage, auth, transport, store); this one picks the
// family, in the order that decides between them. Every choice reads the error's data (code,
// operation, endpoint, status, OAuth error), never its message.

/** The message table: each error code of a provider's failure, and who explains it. */
const BY_CODE: CodeHints = { ...USAGE_HINTS, ...AUTH_HINTS, ...TRANSPORT_HINTS };

const scopes = new WeakMap<CliIO, ProviderScope>();

/** Records which provider this run uses (called when a command picks it). */
export function rememberProvider(io: CliIO, name: string, config: ProviderConfig, storeSetting: string): void {
  scopes.set(io, { name, config, storeSetting });
}

/** The provider this run uses, if a command picked one. */
export function recallProvider(io: CliIO): ProviderScope | undefined {
  return scopes.get(io);
}

/** The explainers of an OAuth error answer, in the order that decides: a wrong path, a failing server, a refusal. */
const ANSWER_HINTS: readonly AnswerExplainer[] = [explainMissingEndpoint, explainFailingServer, ...REFUSAL_HINTS];

function explainAnswer(error: OAuthResponseError, scope: ProviderScope): Explanation {
  const endpoint = endpointOf(scope, error);
  for (const explainer of ANSWER_HINTS) {
    const explained = explainer(error, scope, endpoint);
    if (explained) return explained;
  }
  return {
    message: `${scope.name}: ${error.message}`,
    hint: `check the settings under providers.${scope.name}, or log in again: tokensmith login ${scope.name}`,
    category: errorCategory(error),
  };
}

function explainProvider(error: TokensmithError, scope: ProviderScope): Explanation {
  if (error instanceof OAuthResponseError) return explainAnswer(error, scope);
  const endpoint = endpointOf(scope, error, addressOf(systemError(error)));
  return BY_CODE[error.code]?.(error, scope, endpoint) ?? { message: error.message, category: errorCategory(error) };
}

/**
 * Explains a failure for a person: tokensmith's own errors keep their message and gain the
 * provider's config paths and the next step; a system error is put in words; anything else is
 * summarised in one line (never a stack or a library's raw advice). No secret is ever added: only
 * names, config paths and URLs without query strings.
 *
 * @example
 * ```ts
 * const { message, hint, category } = explain(error, recallProvider(io));
 * ```
 */
export function explain(error: unknown, scope?: ProviderScope): Explanation {
  const store = explainStore(error, scope);
  if (store) return store;
  const sys = systemError(error);
  if (sys?.code === 'EADDRINUSE' && sys.syscall === 'listen') {
    // The login's loopback listener takes its port from the config's redirectUri; the sandbox from --port.
    const login = error instanceof TokensmithError && error.operation === 'authorization';
    return login && scope ? busyRedirectPortHint(sys.port ?? '?', scope.name) : busyPortHint(sys.port ?? '?');
  }
  if (error instanceof TokensmithError) {
    // Registering a client: its own family, whatever the category (a refusal, or no way to register).
    if (scope && error.operation === 'registration') return explainRegistration(error, scope);
    if (scope && errorCategory(error) !== 'usage') return explainProvider(error, scope);
    if (scope && error.code === 'insecure_endpoint') return explainProvider(error, scope);
    return { message: error.message, category: errorCategory(error) };
  }
  if (error instanceof Error && 'category' in error && typeof (error as { category: unknown }).category === 'string') {
    return { message: error.message, category: (error as { category: ErrorCategory }).category };
  }
  if (sys?.code) return explainSystemFailure(sys.code, sys.syscall);
  if (error instanceof Error)
    return {
      message: `unexpected error (${error.name}): ${error.message.split('\n')[0]}`,
      hint: 'run again with --verbose; if it persists, report it',
      category: 'provider',
    };
  return { message: 'unexpected error', category: 'provider' };
}
