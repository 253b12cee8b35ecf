export { createClientCredentialsProvider, MAX_TOKEN_RESPONSE_BYTES } from './client-credentials-provider.js';
export type { ClientCredentialsOptions } from './client-credentials-provider.js';
export { basicAuthorization } from './basic-authorization.js';
