export { startSandbox, sandboxEndpoints, DEFAULT_SANDBOX_MODULES } from './server.js';
export type { Sandbox, SandboxOptions, SandboxEndpoints, SandboxModule } from './server.js';
export { DEMO_CREDENTIALS, addRoute, randomToken } from './state.js';
export type {
  SandboxState,
  SandboxStats,
  SandboxApp,
  SandboxConsumer,
  SandboxOAuth2Client,
  Principal,
  Authenticator,
  Handler,
  UserToken,
} from './state.js';
export { DEMO_LOGIN_HINT } from './pages.js';
export { TIMELINES, HOSTILE_SCREEN_NAME, twitterDate, makeTweet, twitterUser, snowflake } from './fixtures.js';
export type { Tweet, TwitterUser } from './fixtures.js';
export { toJsonWithBigInts, sendTwitterJson } from './twitter-json.js';
export { USER_TIMELINE_LIMITS } from './rate-limits.js';
export { TWITTER_ERRORS, sendJson, sendForm, sendHtml, sendTwitterError, sendOAuthError, parseBasicAuth, escapeHtml } from './http-util.js';
export type { SandboxRequest } from './http-util.js';
export { authenticate, installTimeline } from './timeline.js';
export { clientFromRequest, secretEquals, installOAuth2App, appTokenBindings } from './oauth2-app.js';
export {
  verifyClientAssertion,
  jwtClientRegistrations,
  JWT_CLIENTS,
  JWT_BEARER_ASSERTION_TYPE,
  MAX_ASSERTION_LIFETIME_SECONDS,
  ASSERTION_ALGORITHMS,
  TOKEN_ENDPOINT_AUTH_METHODS,
} from './client-assertion.js';
export type { AssertionResult } from './client-assertion.js';
export { SANDBOX_CLIENT_KEYS } from './client-assertion-keys.js';
export type { SandboxTestKey } from './client-assertion-keys.js';
export {
  installOAuth1,
  oauth1Store,
  oauth1Authenticator,
  verifyOAuth1Signature,
  oauth1BaseString,
  oauth1HmacSha1,
  parseOAuthHeader,
  parseFormPairs,
  splitUrl,
  rfc3986Encode,
  OAUTH1_TIMESTAMP_WINDOW_SECONDS,
  REQUEST_TOKEN_TTL_MS,
} from './oauth1.js';
export type { OAuth1SandboxStore, SandboxRequestToken, SandboxAccessToken } from './oauth1.js';
export { installOAuth2User, oauth2Metadata } from './oauth2-user.js';
export {
  installWorkloadGrants,
  mintCiToken,
  registerAssertionKey,
  tokenExchangeGrant,
  jwtBearerGrant,
  TOKEN_EXCHANGE_GRANT_TYPE,
  JWT_BEARER_GRANT_TYPE,
  DEFAULT_WORKLOAD_TOKEN_TTL_SECONDS,
  MAX_GRANT_ASSERTION_LIFETIME_SECONDS,
  EXCHANGE_AUDIENCES,
} from './oauth2-workload.js';
export { redirectUriMatches, CODE_TTL_MS } from './oauth2-authorize.js';
export { OAUTH2_USER_SCOPES, DEVICE_CODE_GRANT_TYPE, DEFAULT_USER_TOKEN_TTL_SECONDS } from './oauth2-grants.js';
export { USER_CODE_ALPHABET, MAX_WRONG_USER_CODES, normalizeUserCode, formatUserCode } from './oauth2-user-codes.js';
export { sandboxResources } from './oauth2-resources.js';
export { createFaultInjector } from './faults.js';
export type { Fault, FaultRule, FaultInjector } from './faults.js';
export { decideOnAuthorizePage, approveAndReadPin } from './user-agent.js';
export type { AuthorizeDecision } from './user-agent.js';
export { installApiPractice, SANDBOX_FOLLOWER_COUNT } from './api-practice.js';
export { installClientRegistration, registrationRecords, REGISTRATION_PATH } from './oauth2-registration.js';
export type { RegistrationRecords } from './oauth2-registration.js';
export { installMastodonInstance, mastodonRecords, MASTODON_SANDBOX_MODULES, MASTODON_SCOPES } from './mastodon-instance.js';
export type { MastodonApp, MastodonRecords } from './mastodon-instance.js';
export { OOB_REDIRECT_URI, redirectUriProblem, checkRedirectUris } from './client-metadata.js';
export type { MetadataRefusal } from './client-metadata.js';
export { installDPoPAndPar } from './dpop-par-module.js';
export { dpopData, currentNonce, checkProof, DPOP_SIGNING_ALGS, DPOP_IAT_WINDOW_SECONDS, DPOP_NONCE_TTL_MS } from './dpop.js';
export type { DPoPData, ProofRefusal } from './dpop.js';
export { dpopAuthenticator, tokenEndpointProof } from './dpop-binding.js';
export { parData, pushAuthorizationRequest, authorizeWithPar, REQUEST_URI_PREFIX, PAR_TTL_SECONDS } from './par.js';
export type { ParData } from './par.js';
