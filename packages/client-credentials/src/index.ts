export { createClientCredentialsProvider } from './client-credentials-provider.js';
export type { ClientCredentialsOptions } from './client-credentials-options.js';
export { basicAuthorization } from './basic-authorization.js';
export { MAX_TOKEN_RESPONSE_BYTES } from './token-request.js';
