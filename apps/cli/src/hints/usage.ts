import { inField, urlsToCheck, type AnswerExplainer, type CodeExplainer, type CodeHints, type Explanation } from './scope.js';

// Failures the person running the command fixes in the command line or the config (exit code 1):
// a port taken by another program, an endpoint path that does not exist, an http:// endpoint.

/** A port already in use by another program (`tokensmith sandbox --port N`). */
export function busyPortHint(port: number | string): Explanation {
  return {
    message: `port ${port} on 127.0.0.1 is already in use by another program`,
    hint: `pick another port with --port N, or let the system choose a free one with --port 0`,
    category: 'usage',
  };
}

/** The port of a login's loopback redirect, taken by another program: the port comes from `redirectUri` (login has no --port). */
export function busyRedirectPortHint(port: number | string, provider: string): Explanation {
  return {
    message: `port ${port} on 127.0.0.1, the port of providers.${provider}.redirectUri, is already in use by another program`,
    hint: `stop the program using it, or change the port in providers.${provider}.redirectUri (the provider must allow that redirect URI; without a port, a free one is chosen)`,
    category: 'usage',
  };
}

/** An HTTP 404 from the provider: the configured path is wrong. Undefined for any other answer. */
export const explainMissingEndpoint: AnswerExplainer = (error, scope, endpoint) => {
  if (error.status !== 404) return undefined;
  return {
    message: `${scope.name}: the endpoint${inField(endpoint)} answered HTTP 404 Not Found`,
    hint: `check ${urlsToCheck(scope, endpoint)}: the path is probably wrong`,
    category: 'usage',
  };
};

/** An endpoint refused for its scheme (`insecure_endpoint`): the config names an http:// URL. */
const explainInsecureEndpoint: CodeExplainer = (error, scope, endpoint) => ({
  message: `${scope.name}: ${endpoint ? `${endpoint[0]}: ` : ''}${error.message}`,
  hint: 'use the https:// URL the provider documents',
  category: 'usage',
});

/** The error codes this family explains. */
export const USAGE_HINTS: CodeHints = { insecure_endpoint: explainInsecureEndpoint };
