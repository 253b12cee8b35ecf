import { errorCategory, type OAuthResponseError } from '@tokensmith/core';
import { strategyAdapter } from '../strategies/index.js';
import { namesNextStep } from './next-step.js';
import { inField, serverSaid, type AnswerExplainer, type CodeExplainer, type CodeHints, type ProviderScope } from './scope.js';

// Failures a person or the app's credentials fix (exit code 2): the provider refused the client,
// the stored grant, the scopes, the PIN or the request's timestamp, or a login is needed (again).
// Every decision reads the error's data (code, operation, status, error), never its wording.

/** Error codes of a token endpoint that mean the client itself was refused (Twitter's among them). */
const REFUSED_CLIENT = new Set(['invalid_client', 'unauthorized_client', 'authenticity_token_error', 'twitter_99', 'twitter_32']);

/**
 * A request refused for its timestamp: X's code 135 ("Timestamp out of bounds"), and the OAuth
 * Problem Reporting extension's `timestamp_refused`. The signature was right; the clock is not.
 */
const CLOCK_REFUSED = new Set(['twitter_135', 'timestamp_refused']);

function fieldList(scope: ProviderScope, fields: readonly string[]): string {
  return fields.map((field) => `providers.${scope.name}.${field}`).join(' and ');
}

function credentialFields(scope: ProviderScope): string {
  const adapter = strategyAdapter(scope.config.strategy);
  return fieldList(scope, adapter.credentialFieldsOf?.(scope.config) ?? adapter.credentialFields);
}

/** How far apart two clocks are, in words: `312 s`, `2 h 5 min`. */
function apart(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The server's time against this computer's, when the response said it (its `Date` header). */
function clockComparison(error: OAuthResponseError, now: number): string {
  if (error.serverTime === undefined) return '';
  const offset = now - error.serverTime;
  const direction = offset > 0 ? 'ahead of' : 'behind';
  return `; the server's time was ${new Date(error.serverTime).toISOString()}, this computer's clock is about ${apart(offset)} ${direction} it`;
}

/** A request refused for its timestamp: the computer's clock is off, not the credentials. */
const explainClockRefused: AnswerExplainer = (error, scope) => {
  if (!CLOCK_REFUSED.has(error.error)) return undefined;
  return {
    message: `${scope.name}: the provider refused the request's timestamp: this computer's clock is off (HTTP ${error.status} ${error.error}${serverSaid(error)})${clockComparison(error, Date.now())}`,
    hint: 'set the system clock right (turn on automatic time sync, NTP), then run the command again',
    category: 'auth',
  };
};

/**
 * The PIN exchange refused with 401: the PIN was mistyped, or its request token expired or was
 * used. Said the same way whether the PIN was typed at the prompt or given with `--pin`.
 */
const explainPinRefused: AnswerExplainer = (error, scope) => {
  if (error.operation !== 'access_token' || error.status !== 401) return undefined;
  return {
    message: `${scope.name}: the PIN was not accepted (HTTP 401 ${error.error}${serverSaid(error)}): it was mistyped, or the request it belongs to expired or was already used; nothing was stored`,
    hint: loginHint(scope, 'again'),
    category: 'auth',
  };
};

/** An answer refusing the app's credentials, the stored grant or the scopes. A resource's 401 is the token's, not the app's. */
const explainCredentialsRefused: AnswerExplainer = (error, scope, endpoint) => {
  const said = serverSaid(error);
  if (REFUSED_CLIENT.has(error.error) || (error.status === 401 && error.operation !== 'resource')) {
    return {
      message: `${scope.name}: the provider refused the app's credentials${inField(endpoint)} (HTTP ${error.status} ${error.error}${said})`,
      hint: `check ${credentialFields(scope)} (and the environment variables they reference)`,
      category: 'auth',
    };
  }
  const adapter = strategyAdapter(scope.config.strategy);
  if (error.error === 'invalid_grant' && adapter.grantFields) {
    return {
      message: `${scope.name}: the provider refused the grant${inField(endpoint)} (HTTP ${error.status} invalid_grant${said})`,
      hint: `check ${fieldList(scope, adapter.grantFields)} (the token it yields must be current and meant for this server)`,
      category: 'auth',
    };
  }
  if (error.error === 'invalid_target') {
    return {
      message: `${scope.name}: the provider will not issue a token for the requested target (HTTP ${error.status} invalid_target${said})`,
      hint: `check ${fieldList(scope, adapter.targetFields ?? ['authorizationParams.resource'])}`,
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

/** The refusals this family explains, in the order that decides: the clock, the PIN, then the credentials. */
export const REFUSAL_HINTS: readonly AnswerExplainer[] = [explainClockRefused, explainPinRefused, explainCredentialsRefused];

/**
 * The login to run next. An OAuth 1.0a login also has a two-step form for scripts, where no one
 * can type the PIN.
 */
function loginHint(scope: ProviderScope, again = ''): string {
  return strategyAdapter(scope.config.strategy).loginHint(scope.name, again);
}

/** A login that is needed, or that did not finish: the message as it is, and the login to run unless the message names it. */
const explainLoginNeeded: CodeExplainer = (error, scope) => ({
  message: error.message,
  ...(namesNextStep(error) ? {} : { hint: loginHint(scope) }),
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
