export { readClientOptions, readAuthorizationParams, readClientAuthentication } from './client-options.js';
export type { OAuth2ClientOptions, OAuth2Settings, FlowDescription } from './client-options.js';
export { configure, customFetchOf, assertionAudience } from './client-config.js';
export {
  readClientAssertion,
  parsePrivateKey,
  defaultSigningAlg,
  clientAssertionClaims,
  clientAssertionParams,
  CLIENT_ASSERTION_TYPE,
  CLIENT_ASSERTION_LIFETIME_SECONDS,
} from './client-assertion.js';
export type { ClientAssertionMethod, ClientAssertionOptions, ClientAssertionSigner, AssertionClaims } from './client-assertion.js';
export type { ClientAuthMethod, ClientSettings } from './client-config.js';
export { resolveServer } from './server-metadata.js';
export type { EndpointSettings, ResolvedServer, FlowEndpointField } from './server-metadata.js';
export { toTokensmithError } from './openid-errors.js';
export type { Operation } from './openid-errors.js';
export { refreshTokens, mergeRefreshed, toBearerCredentials } from './refresh.js';
export { revokeTokens } from './revocation.js';
export { credentialsKey } from './token-key.js';
export { createOAuth2Session } from './oauth2-session.js';
export type { OAuth2Session } from './oauth2-session.js';
export { progressReporter } from './progress.js';
export type { OAuth2Progress } from './progress.js';
export { discover } from './server-metadata.js';
export { registeredClientKey, toStoredClient, fromStoredClient, servesRedirect } from './registration/index.js';
export type { RegisteredClient, RegistrationKind, RegistrationRequest, ClientRegistration, ForgetOutcome } from './registration/index.js';
export { rfc7591Registration, registrationMetadata, mastodonAppRegistration, MASTODON_APPS_PATH } from './registration/index.js';
export { registrationFor, registrationOfKind, noRegistrationError } from './registration/index.js';
export { createWorkloadGrantProvider, readWorkloadOptions } from './grant-provider.js';
export type { WorkloadGrant, WorkloadOptions } from './grant-provider.js';
export {
  readTokenSource,
  readTokenSourceOption,
  describeTokenSource,
  DEFAULT_TOKEN_COMMAND_TIMEOUT_MS,
  MAX_TOKEN_SOURCE_BYTES,
} from './token-source.js';
export type { TokenSource, TokenSourceOptions } from './token-source.js';
export { generateDPoPKey, dpopKeyPair } from './dpop-proof.js';
// The pure DPoP helpers live in core (every strategy signs resource requests the same way); here
// for the strategies' and users' convenience.
export {
  jwkThumbprint,
  accessTokenHash,
  proofTarget,
  publicJwkOf,
  createDPoPProof,
  isNonceChallenge,
  DPOP_ALGORITHMS,
} from '@tokensmith/core/kit';
export type { DPoPAlgorithm, ProofClaims } from '@tokensmith/core/kit';
