import type { ErrorCategory, OAuthResponseError, TokensmithError, TokensmithErrorCode } from '@tokensmith/core';
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

/** Which endpoint field a failed operation concerns, from its wording and the address it tried. */
export function endpointOf(scope: ProviderScope, message: string, address?: string): EndpointField | undefined {
  const fields = endpointFields(scope);
  const byName = (key: string) => fields.find(([path]) => path.endsWith(`.${key}`));
  const keyword = /request token/i.test(message)
    ? byName('requestTokenUrl')
    : /access token/i.test(message)
      ? byName('accessTokenUrl')
      : /device authorization/i.test(message)
        ? byName('deviceAuthorizationUrl')
        : /revoc|invalidat/i.test(message)
          ? (byName('revocationUrl') ?? byName('invalidateUrl'))
          : /discovery|metadata|issuer/i.test(message)
            ? byName('issuer')
            : /timeline/i.test(message)
              ? byName('url')
              : /token/i.test(message)
                ? (byName('tokenUrl') ?? byName('issuer'))
                : undefined;
  if (keyword) return keyword;
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
