export { registeredClientKey, toStoredClient, fromStoredClient, servesRedirect } from './registered-client.js';
export type { RegisteredClient, RegistrationKind } from './registered-client.js';
export type { RegistrationRequest, ClientRegistration, ForgetOutcome } from './registration-request.js';
export { rfc7591Registration, registrationMetadata } from './rfc7591.js';
export { mastodonAppRegistration, MASTODON_APPS_PATH } from './mastodon-apps.js';
export { registrationFor, registrationOfKind, noRegistrationError } from './registration-choice.js';
