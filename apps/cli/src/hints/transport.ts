import { errorCategory, type ErrorOperation, type TokensmithError } from '@tokensmith/core';
import {
  fieldText,
  inField,
  serverSaid,
  urlsToCheck,
  type AnswerExplainer,
  type CodeExplainer,
  type CodeHints,
  type EndpointField,
  type Explanation,
} from './scope.js';
import { CONNECT_REASONS, addressOf, systemError } from './system-error.js';

// Failures of the network or the provider (exit code 3): nothing here to fix but a URL, a timeout
// or patience. The message says which endpoint failed and how, in words.

/** Where the failure happened: the config field, else the address the connection tried. */
function placeOf(error: TokensmithError, endpoint: EndpointField | undefined): string {
  return endpoint ? fieldText(endpoint) : (addressOf(systemError(error)) ?? 'the server');
}

/** An OAuth answer of a failing or rate-limiting server (5xx, 429); undefined for any other answer. */
export const explainFailingServer: AnswerExplainer = (error, scope, endpoint) => {
  if (error.status < 500 && error.status !== 429) return undefined;
  return {
    message: `${scope.name}: the server${inField(endpoint)} answered HTTP ${error.status} ${error.error}${serverSaid(error)}`,
    hint: 'the provider is failing or rate limiting: try again later',
    category: errorCategory(error),
  };
};

const explainUnreachable: CodeExplainer = (error, scope, endpoint) => {
  const sys = systemError(error);
  const why = sys?.code ? (CONNECT_REASONS[sys.code] ?? `the connection failed (${sys.code})`) : 'the connection failed';
  return {
    message: `${scope.name}: cannot reach ${placeOf(error, endpoint)}: ${why}`,
    hint:
      sys?.code === 'ENOTFOUND' || sys?.code === 'EAI_AGAIN'
        ? `check the host name in ${endpoint?.[0] ?? `providers.${scope.name}`}`
        : `is the server running at that address? Check ${urlsToCheck(scope, endpoint)}`,
    category: errorCategory(error),
  };
};

const explainTimeout: CodeExplainer = (error, scope, endpoint) => ({
  message: `${scope.name}: ${placeOf(error, endpoint)} did not answer in time${scope.config.timeoutMs ? ` (timeoutMs ${scope.config.timeoutMs})` : ''}`,
  hint: `try again later, or raise providers.${scope.name}.timeoutMs`,
  category: errorCategory(error),
});

/** The endpoint each step calls, in words, for "check X points at the provider's ...". */
const ENDPOINT_NAMES: Partial<Record<ErrorOperation, string>> = {
  device_authorization: 'device authorization endpoint',
  request_token: 'request token endpoint',
  access_token: 'access token endpoint',
  discovery: 'issuer (its metadata)',
  revocation: 'revocation endpoint',
  invalidation: 'token invalidation endpoint',
  resource: 'API',
  registration: 'client registration endpoint',
};

const explainBadTokenResponse: CodeExplainer = (error, scope, endpoint) => ({
  message: `${scope.name}: ${error.message}`,
  hint: `check ${endpoint?.[0] ?? `providers.${scope.name}`} points at the provider's ${(error.operation && ENDPOINT_NAMES[error.operation]) ?? 'token endpoint'}`,
  category: errorCategory(error),
});

const explainHttpError: CodeExplainer = (error, scope, endpoint) => ({
  message: `${scope.name}: ${error.message}`,
  hint: `check ${urlsToCheck(scope, endpoint)}`,
  category: errorCategory(error),
});

/** The error codes this family explains. */
export const TRANSPORT_HINTS: CodeHints = {
  network_error: explainUnreachable,
  timeout: explainTimeout,
  invalid_token_response: explainBadTokenResponse,
  http_error: explainHttpError,
};

/** A system call that failed outside any strategy (no provider to name), in words. */
export function explainSystemFailure(code: string, syscall: string | undefined): Explanation {
  return { message: `${syscall ?? 'a system call'} failed: ${CONNECT_REASONS[code] ?? code}`, category: 'provider' };
}
