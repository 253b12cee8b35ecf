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
