// `@tokensmith/core/kit`: what strategy and store authors build with (the token lifecycle, option
// parsing, transport, redaction), on top of everything the public entry point exports.
export * from './index.js';
export { tokenIdentity } from './credentials.js';
export { isFresh, expirySkewMs, resolveSkewMs, DEFAULT_EXPIRY_SKEW_MS, MAX_REFRESH_SKEW_SECONDS } from './expiry.js';
export { parseOAuthError } from './errors.js';
export { redactBody, redactValue, redactHeaders, REDACTED, SECRET_FIELD_PATTERN } from './redact.js';
export { KeyedMutex } from './token-store.js';
export { tokenKey, secretFingerprint, TOKEN_KEY_PREFIX } from './token-key.js';
export type { TokenIdentity } from './token-key.js';
export { createTokenManager } from './token-manager.js';
export type { TokenManager, TokenManagerOptions, ObtainToken, InteractiveFlow } from './token-manager.js';
export { abortable, timeoutSignal, abortError, resolveTimeoutMs, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS } from './signals.js';
export {
  requireOptions,
  requireString,
  optionalString,
  requireEndpoint,
  optionalNumber,
  optionalFunction,
  isLoopbackHost,
} from './options.js';
export { VSCHAR, HEADER_SAFE_TOKEN, B64TOKEN, isVschar, requireVschar } from './token-chars.js';
export { parseTokenResponse, expiresInSeconds, MAX_EXPIRES_IN_SECONDS } from './token-response.js';
export { defineProvider, bearerHeaders } from './define-provider.js';
export {
  retryPolicy,
  backoffDelay,
  rateLimitDelay,
  isRetryableNetworkError,
  sleep,
  IDEMPOTENT_METHODS,
  RETRYABLE_STATUSES,
} from './retry-policy.js';
export type { RetryPolicy } from './retry-policy.js';
export { isCredentials, parseStoredCredentials, errorCode, storeError, storeUnavailable } from './store-kit.js';
export { redactUrl, redactForm, debugEnabled, httpLogLines, logSinkOf } from './logging-fetch.js';
export { limitResponseBody, readBodyBytes, readBodyText, MAX_AUTH_RESPONSE_BYTES, DEFAULT_MAX_RESOURCE_BYTES } from './response-limit.js';
export type { BodyLimit } from './response-limit.js';
export { toTransportError } from './transport-error.js';
export type { TransportContext } from './transport-error.js';
export { headerRecord, isValidHeaderValue, normalizeHeaderValue } from './header-record.js';
export {
  DPOP_ALGORITHMS,
  jwkThumbprint,
  accessTokenHash,
  proofTarget,
  publicJwkOf,
  createDPoPProof,
  createDPoPKey,
  isNonceChallenge,
  createResourceSigner,
  readDPoPOption,
} from './dpop.js';
export type { DPoPAlgorithm, ProofClaims, ResourceSigner } from './dpop.js';
