export { createTokenExchangeProvider } from './token-exchange-provider.js';
export type { TokenExchangeProvider } from './token-exchange-provider.js';
export type { TokenExchangeOptions } from './token-exchange-options.js';
export { readExchangeRequest, exchangeParameters, tokenExchangeKey } from './exchange-parameters.js';
export type { ExchangeRequest } from './exchange-parameters.js';
export { TOKEN_TYPES, DEFAULT_SUBJECT_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT_TYPE, tokenTypeUri } from './token-types.js';
export type { TokenTypeName } from './token-types.js';
export type { TokenSource, ClientAuthMethod } from '@tokensmith/oauth2';
