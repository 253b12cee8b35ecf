import { errorCategory } from '@tokensmith/core';
import { strategyAdapter } from '../strategies/index.js';
import { inField, serverSaid, type AnswerExplainer, type CodeExplainer, type CodeHints, type ProviderScope } from './scope.js';

// Failures a person or the app's credentials fix (exit code 2): the provider refused the client,
// the stored grant or the scopes, or a login is needed (again).

/** Error codes of a token endpoint that mean the client itself was refused (Twitter's among them). */
const REFUSED_CLIENT = new Set(['invalid_client', 'unauthorized_client', 'authenticity_token_error', 'twitter_99', 'twitter_32']);

function credentialFields(scope: ProviderScope): string {
  return strategyAdapter(scope.config.strategy)
    .credentialFields.map((field) => `providers.${scope.name}.${field}`)
    .join(' and ');
}

/**
 * An OAuth answer refusing the app's credentials, the stored grant or the scopes; undefined for any
 * other answer. A 401 from the timeline is not about the app's credentials: it is the token's.
 */
export const explainRefusal: AnswerExplainer = (error, scope, endpoint) => {
  const said = serverSaid(error);
  if (REFUSED_CLIENT.has(error.error) || (error.status === 401 && !/timeline/i.test(error.message))) {
    return {
      message: `${scope.name}: the provider refused the app's credentials${inField(endpoint)} (HTTP ${error.status} ${error.error}${said})`,
      hint: `check ${credentialFields(scope)} (and the environment variables they reference)`,
      category: 'auth',
    };
  }
  if (error.error === 'invalid_grant') {
    return {
      message: `${scope.name}: the provider refused the stored grant (HTTP ${error.status} invalid_grant${said})`,
      hint: `log in again: tokensmith login ${scope.name}`,
      category: 'auth',
    };
  }
  if (error.error === 'invalid_scope') {
    return {
      message: `${scope.name}: the provider refused the scopes (HTTP ${error.status} invalid_scope${said})`,
      hint: `check providers.${scope.name}.${strategyAdapter(scope.config.strategy).scopeField}`,
      category: 'auth',
    };
  }
  return undefined;
};

/**
 * The login to run next, unless the message already names it (the CLI's own login_required
 * messages do, with the right form for the situation): the advice is given once. An OAuth 1.0a
 * login also has a two-step form for scripts, where no one can type the PIN.
 */
function loginHint(message: string, scope: ProviderScope): { hint?: string } {
  if (message.includes(`tokensmith login ${scope.name}`)) return {};
  return { hint: strategyAdapter(scope.config.strategy).loginHint(scope.name) };
}

/** A login that is needed, or that did not finish: the message as it is, and the login to run. */
const explainLoginNeeded: CodeExplainer = (error, scope) => ({
  message: error.message,
  ...loginHint(error.message, scope),
  category: errorCategory(error),
});

/** The error codes this family explains. */
export const AUTH_HINTS: CodeHints = {
  login_required: explainLoginNeeded,
  callback_timeout: explainLoginNeeded,
  state_mismatch: explainLoginNeeded,
  authorization_denied: explainLoginNeeded,
  device_code_expired: explainLoginNeeded,
};
