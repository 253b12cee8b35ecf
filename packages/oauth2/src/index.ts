export { readClientOptions, readAuthorizationParams } from './client-options.js';
export type { OAuth2ClientOptions, OAuth2Settings, FlowDescription } from './client-options.js';
export { configure, customFetchOf } from './client-config.js';
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
export {
  jwkThumbprint,
  accessTokenHash,
  proofTarget,
  publicJwkOf,
  createDPoPProof,
  generateDPoPKey,
  dpopKeyPair,
  DPOP_ALGORITHMS,
} from './dpop-proof.js';
export type { DPoPAlgorithm, ProofClaims } from './dpop-proof.js';
export { isNonceChallenge } from './dpop-nonce.js';
