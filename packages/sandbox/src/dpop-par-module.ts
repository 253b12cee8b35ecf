import { dpopAuthenticator } from './dpop-binding.js';
import { verifyProofSignature } from './dpop.js';
import { authorizeWithPar, pushAuthorizationRequest } from './par.js';
import { addRoute, type SandboxState } from './state.js';

/**
 * Installs DPoP (RFC 9449) and PAR (RFC 9126): the proof check before routing, the `DPoP` scheme
 * on the resource endpoints, `POST /oauth2/par` and `request_uri` at the authorization endpoint.
 * The token endpoint's grants check proofs themselves (they bind the tokens). Must run after
 * `installOAuth2User` (it wraps its authorization endpoint).
 *
 * @example
 * ```ts
 * // In the default sandbox already; a custom set of modules adds it after installOAuth2User:
 * const custom = await startSandbox({ modules: [installOAuth2App, installTimeline, installOAuth2User, installDPoPAndPar] });
 * parData(custom.state).required = true; // require PAR from every client
 * ```
 */
export function installDPoPAndPar(state: SandboxState): void {
  if (!state.routes.has('GET /oauth2/authorize')) throw new Error('installDPoPAndPar must run after installOAuth2User');
  (state.requestHooks ??= []).push(verifyProofSignature);
  state.authenticators.unshift(dpopAuthenticator);
  addRoute(state, 'POST', '/oauth2/par', pushAuthorizationRequest);
  addRoute(state, 'GET', '/oauth2/authorize', authorizeWithPar);
}
