import { TokensmithError, requireEndpoint } from '@tokensmith/core/kit';
import { credentialsKey, readTokenSourceOption, type TokenSource } from '@tokensmith/oauth2';
import type { TokenExchangeOptions } from './token-exchange-options.js';
import { DEFAULT_SUBJECT_TOKEN_TYPE, tokenTypeUri } from './token-types.js';

/** A token exchange request as decided from the options, before the tokens are read. */
export interface ExchangeRequest {
  subjectToken: TokenSource;
  subjectTokenType: string;
  actor?: { source: TokenSource; type: string } | undefined;
  audience: string[];
  resource: string[];
  requestedTokenType?: string | undefined;
}

function invalid(message: string): TokensmithError {
  return new TokensmithError('invalid_options', message);
}

function typeOption(value: unknown, field: string): string {
  const uri = typeof value === 'string' ? tokenTypeUri(value) : undefined;
  if (uri === undefined)
    throw invalid(`${field} must be a token type name (jwt, id_token, access_token, refresh_token, saml1, saml2) or a URI`);
  return uri;
}

function listOption(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  const values: unknown[] = Array.isArray(value) ? value : [value];
  if (!values.every((v) => typeof v === 'string' && v.trim() !== ''))
    throw invalid(`${field} must be a non-empty string or a list of them`);
  return [...new Set(values as string[])];
}

/**
 * Reads the exchange's own options (RFC 8693 2.1), naming the field at fault: the subject token
 * source and type (default `jwt`), the actor token and its type (required together), `audience`,
 * `resource` (absolute URIs without a fragment) and `requestedTokenType`.
 *
 * @example
 * ```ts
 * readExchangeRequest({ subjectToken: { env: 'CI_JOB_JWT' }, audience: 'https://api.example.com' });
 * // { subjectToken: { env: 'CI_JOB_JWT' }, subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt', audience: ['https://api.example.com'], resource: [] }
 * ```
 */
export function readExchangeRequest(
  options: Pick<
    TokenExchangeOptions,
    'subjectToken' | 'subjectTokenType' | 'actorToken' | 'actorTokenType' | 'audience' | 'resource' | 'requestedTokenType'
  >,
): ExchangeRequest {
  const subjectToken = readTokenSourceOption(options.subjectToken, 'subjectToken');
  const subjectTokenType =
    options.subjectTokenType === undefined ? DEFAULT_SUBJECT_TOKEN_TYPE : typeOption(options.subjectTokenType, 'subjectTokenType');
  if ((options.actorToken === undefined) !== (options.actorTokenType === undefined))
    throw invalid('actorToken and actorTokenType go together (RFC 8693 2.1): give both or neither');
  const actor =
    options.actorToken === undefined
      ? undefined
      : { source: readTokenSourceOption(options.actorToken, 'actorToken'), type: typeOption(options.actorTokenType, 'actorTokenType') };
  const resource = listOption(options.resource, 'resource');
  for (const value of resource) {
    requireEndpoint({ resource: value }, 'resource');
    if (value.includes('#')) throw invalid('resource must be an absolute URI without a fragment (RFC 8707 2)');
  }
  return {
    subjectToken,
    subjectTokenType,
    ...(actor ? { actor } : {}),
    audience: listOption(options.audience, 'audience'),
    resource,
    ...(options.requestedTokenType === undefined
      ? {}
      : { requestedTokenType: typeOption(options.requestedTokenType, 'requestedTokenType') }),
  };
}

/**
 * The form parameters of one exchange (RFC 8693 2.1), given the tokens read now. `scope` and
 * client authentication are added by the caller.
 *
 * @example
 * ```ts
 * exchangeParameters(request, { subjectToken: 'eyJ...' });
 * // [['subject_token', 'eyJ...'], ['subject_token_type', 'urn:ietf:params:oauth:token-type:jwt'], ['audience', 'https://api.example.com']]
 * ```
 */
export function exchangeParameters(
  request: ExchangeRequest,
  tokens: { subjectToken: string; actorToken?: string | undefined },
): Array<[string, string]> {
  const params: Array<[string, string]> = [
    ['subject_token', tokens.subjectToken],
    ['subject_token_type', request.subjectTokenType],
  ];
  if (request.actor && tokens.actorToken !== undefined)
    params.push(['actor_token', tokens.actorToken], ['actor_token_type', request.actor.type]);
  for (const audience of request.audience) params.push(['audience', audience]);
  for (const resource of request.resource) params.push(['resource', resource]);
  if (request.requestedTokenType !== undefined) params.push(['requested_token_type', request.requestedTokenType]);
  return params;
}

/**
 * The store key of an exchange's tokens, from the options alone (a CLI's `status` computes it
 * without building the provider): the issuer and token URL, the client, the scopes, the audience,
 * the resources, the token types and where the subject and actor tokens come from. Two configs
 * that differ in any of them never share a token.
 *
 * @example
 * ```ts
 * tokenExchangeKey({ tokenUrl: 'https://sts.example.com/token', clientId: 'ci', subjectToken: { env: 'CI_JOB_JWT' } });
 * // 'v2:token-exchange:ci@sts.example.com:…'
 * ```
 */
export function tokenExchangeKey(options: TokenExchangeOptions): string {
  const request = readExchangeRequest(options);
  const endpoints = [options.issuer, options.tokenUrl].filter((url) => url !== undefined).map((url) => new URL(url));
  const shaping: Array<[string, string]> = [
    ...request.audience.map((value): [string, string] => ['audience', value]),
    ...request.resource.map((value): [string, string] => ['resource', value]),
    ['subject_token_type', request.subjectTokenType],
    ['subject_token_source', JSON.stringify(request.subjectToken)],
    ...(request.actor
      ? [
          ['actor_token_type', request.actor.type] as [string, string],
          ['actor_token_source', JSON.stringify(request.actor.source)] as [string, string],
        ]
      : []),
    ...(request.requestedTokenType === undefined ? [] : [['requested_token_type', request.requestedTokenType] as [string, string]]),
  ];
  return credentialsKey({
    strategy: 'token-exchange',
    endpoints,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    scopes: [...new Set(options.scopes ?? [])],
    authorizationParams: shaping,
  });
}
