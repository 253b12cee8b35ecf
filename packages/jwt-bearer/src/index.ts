export { createJwtBearerProvider, jwtBearerKey, JWT_BEARER_GRANT_TYPE } from './jwt-bearer-provider.js';
export type { JwtBearerProvider } from './jwt-bearer-provider.js';
export type { JwtBearerOptions, AssertionClaimSettings } from './jwt-bearer-options.js';
export { assertionClaims, DEFAULT_ASSERTION_LIFETIME_SECONDS } from './assertion-claims.js';
export type { AssertionClaims } from './assertion-claims.js';
export { readSigningKey, defaultSigningAlg, SIGNING_ALGS } from './signing-key.js';
export type { SigningKey, SigningAlg } from './signing-key.js';
export type { TokenSource, ClientAuthMethod } from '@tokensmith/oauth2';
