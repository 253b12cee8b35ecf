import type { ErrorCategory, ErrorOperation, OAuthResponseError, TokensmithError, TokensmithErrorCode } from '@tokensmith/core';
import type { ProviderConfig } from '../config/schema.js';

// What every family of hints shares: the provider a run works with, the shape of an explanation,
// and the config field a failure points at (so a message can say which field to check).

/** The provider a run is working with, for messages about its failures. */
export interface ProviderScope {
  name: string;
  config: ProviderConfig;
  storeSetting: string;
}

/** A failure, explained: the message, the next step, and the category that decides the exit code. */
export interface Explanation {
  message: string;
  /** What to do next (a command or a field to fix), when there is one. */
  hint?: string;
  category: ErrorCategory;
}

/** Explains one error code of a provider's failure, given the config field the failure concerns. */
export type CodeExplainer = (error: TokensmithError, scope: ProviderScope, endpoint: EndpointField | undefined) => Explanation;

/** Explains an OAuth error answer when it is of the explainer's kind (a 404, a failing server, a refusal); else undefined. */
export type AnswerExplainer = (
  error: OAuthResponseError,
  scope: ProviderScope,
  endpoint: EndpointField | undefined,
) => Explanation | undefined;

/** A family's share of the message table: the error codes it explains. */
export type CodeHints = Partial<Record<TokensmithErrorCode, CodeExplainer>>;

/** A URL-valued config field: its dotted path under `providers.<name>` and its value. */
export type EndpointField = [path: string, url: string];

/** The URL-valued fields of a provider's config, as `[path, url]` under `providers.<name>`. */
function endpointFields(scope: ProviderScope): EndpointField[] {
  const fields: EndpointField[] = [];
  for (const [key, value] of Object.entries(scope.config)) {
    if (typeof value === 'string' && (/Url$/.test(key) || key === 'issuer')) fields.push([`providers.${scope.name}.${key}`, value]);
  }
  if (scope.config.timeline) fields.push([`providers.${scope.name}.timeline.url`, scope.config.timeline.url]);
  return fields;
}

/**
 * The config fields that name each step's endpoint, most specific first: a step whose endpoint was
 * discovered falls back to `issuer`. A resource request is the timeline's `url`.
 */
export const OPERATION_FIELDS: Readonly<Record<ErrorOperation, readonly string[]>> = {
  token_request: ['tokenUrl', 'issuer'],
  refresh: ['tokenUrl', 'issuer'],
  request_token: ['requestTokenUrl'],
  access_token: ['accessTokenUrl'],
  device_authorization: ['deviceAuthorizationUrl', 'issuer'],
  device_token: ['tokenUrl', 'issuer'],
  revocation: ['revocationUrl', 'issuer'],
  invalidation: ['invalidateUrl'],
  discovery: ['issuer'],
  resource: ['url'],
  authorization: ['authorizationUrl', 'authorizeUrl', 'issuer'],
  store: [],
  registration: ['issuer'],
};

/** A URL as fields are compared: origin and path (errors carry no query). */
function sameEndpoint(url: string, endpoint: string): boolean {
  return URL.canParse(url) && URL.canParse(endpoint) && new URL(url).origin + new URL(url).pathname === endpoint;
}

/**
 * Which endpoint field a failure concerns, from the error's data: the field whose URL is the
 * error's `endpoint`, else the field its `operation` uses, else the field on the host a failed
 * connection tried.
 */
export function endpointOf(scope: ProviderScope, error: TokensmithError, address?: string): EndpointField | undefined {
  const fields = endpointFields(scope);
  const byName = (key: string) => fields.find(([path]) => path.endsWith(`.${key}`));
  const candidates = error.operation ? OPERATION_FIELDS[error.operation].map(byName).filter((f) => f !== undefined) : [];
  const endpoint = error.endpoint;
  if (endpoint) {
    const exact = candidates.find(([, url]) => sameEndpoint(url, endpoint)) ?? fields.find(([, url]) => sameEndpoint(url, endpoint));
    if (exact) return exact;
  }
  if (candidates[0]) return candidates[0];
  if (address) return fields.find(([, url]) => URL.canParse(url) && new URL(url).host === address);
  return undefined;
}

/** A field as a message prints it, `path = origin/path`: no query string, which may carry a secret. */
export function fieldText([path, url]: EndpointField): string {
  if (!URL.canParse(url)) return `${path} = ${url}`;
  const parsed = new URL(url);
  return `${path} = ${parsed.origin}${parsed.pathname}`;
}

/** ` (path = url)` after a message, or nothing when no field is known. */
export function inField(endpoint: EndpointField | undefined): string {
  return endpoint ? ` (${fieldText(endpoint)})` : '';
}

/** The server's own words, `: description`, when it gave any (run() prints every message through sanitizeForTerminal). */
export function serverSaid(error: OAuthResponseError): string {
  return error.error_description ? `: ${error.error_description}` : '';
}

/** What a hint tells a person to check: the field the failure concerns, else all the provider's URLs. */
export function urlsToCheck(scope: ProviderScope, endpoint: EndpointField | undefined): string {
  return endpoint?.[0] ?? `the URLs under providers.${scope.name}`;
}
