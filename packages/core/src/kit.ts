// `@tokensmith/core/kit`: what strategy and store authors build with (the token lifecycle, option
// parsing, transport, redaction), on top of everything the public entry point exports.
export * from './index.js';
export { isFresh, tokenIdentity, DEFAULT_EXPIRY_SKEW_MS } from './credentials.js';
export { parseOAuthError } from './errors.js';
export { redactBody, redactValue, redactHeaders, REDACTED, SECRET_FIELD_PATTERN } from './redact.js';
export { KeyedMutex, tokenKey } from './token-store.js';
export { createTokenManager } from './token-manager.js';
export type { TokenManager, TokenManagerOptions, ObtainToken, InteractiveFlow } from './token-manager.js';
export { abortable, timeoutSignal, abortError, DEFAULT_TIMEOUT_MS } from './signals.js';
export { requireOptions, requireString, optionalString, requireEndpoint, optionalNumber, optionalFunction, isLoopbackHost } from './options.js';
export { parseTokenResponse } from './token-response.js';
export { defineProvider, bearerHeaders } from './define-provider.js';
export { retryPolicy, backoffDelay, rateLimitDelay, isRetryableNetworkError, sleep, IDEMPOTENT_METHODS, RETRYABLE_STATUSES } from './retry-policy.js';
export type { RetryPolicy } from './retry-policy.js';
export { isCredentials, errorCode, storeError, storeUnavailable } from './store-kit.js';
export { redactUrl, redactForm, debugEnabled } from './logging-fetch.js';
export { limitResponseBody, MAX_AUTH_RESPONSE_BYTES } from './response-limit.js';
