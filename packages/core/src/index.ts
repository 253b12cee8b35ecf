// The public surface: what an application needs to use tokensmith. Helpers for strategy and store
// authors live in `@tokensmith/core/kit`.
export type { BearerCredentials, OAuth1Credentials, Credentials, DPoPKey } from './credentials.js';
export type {
  TokenProvider,
  ManagedTokenProvider,
  InteractiveTokenProvider,
  LoginOptions,
  LogoutResult,
  GetTokenOptions,
  AuthorizeRequest,
} from './provider.js';
export { TokensmithError, OAuthResponseError, ERROR_CATEGORIES, ERROR_OPERATIONS, errorCategory, endpointText } from './errors.js';
export type {
  TokensmithErrorCode,
  ErrorCategory,
  OAuthErrorFields,
  ErrorOperation,
  ErrorDetails,
  TokensmithErrorOptions,
} from './errors.js';
export type { TokenStore, StoredEntry } from './token-store.js';
export { MemoryStore } from './token-store.js';
export { createAuthenticatedFetch } from './authenticated-fetch.js';
export type { AuthenticatedFetchOptions, RetryEvent } from './authenticated-fetch.js';
export type { RetryOptions } from './retry-policy.js';
export { createLoggingFetch } from './logging-fetch.js';
export type { LogLine } from './logging-fetch.js';
export {
  paginate,
  detectScheme,
  nextPageUrl,
  nextLink,
  PAGINATION_SCHEMES,
  DEFAULT_MAX_PAGES,
  DEFAULT_MAX_TOTAL_BYTES,
} from './paginate.js';
export type { Page, PageFetch, PaginateOptions, PaginationScheme } from './paginate.js';
