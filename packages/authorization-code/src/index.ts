export { createAuthorizationCodeProvider, DEFAULT_REDIRECT_URI, DEFAULT_CALLBACK_TIMEOUT_MS } from './authorization-code-provider.js';
export type {
  AuthorizationCodeOptions,
  AuthorizationCodeProvider,
  AuthorizationProgress,
  PendingAuthorization,
  StartAuthorizationOptions,
} from './authorization-code-provider.js';
export { createCodeVerifier, codeChallengeS256, createPkcePair, isCodeVerifier } from './pkce.js';
export { startLoopbackListener, isLoopbackRedirectUri, LOOPBACK_HOST } from './loopback-listener.js';
export type { LoopbackListener, LoopbackCallback, CallbackOutcome } from './loopback-listener.js';
export { callbackFromInput } from './redirect-input.js';
export { callbackPage } from './callback-page.js';
