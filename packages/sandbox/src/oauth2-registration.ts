import type { ServerResponse } from 'node:http';
import { checkRedirectUris, type MetadataRefusal } from './client-metadata.js';
import { sendJson, type SandboxRequest } from './http-util.js';
import { secretEquals } from './oauth2-app.js';
import { DEVICE_CODE_GRANT_TYPE, OAUTH2_USER_SCOPES } from './oauth2-grants.js';
import { randomToken, type SandboxOAuth2Client, type SandboxState } from './state.js';
import { patternRoutes } from './timelines-v2-mastodon.js';

// RFC 7591 dynamic client registration on the sandbox's OAuth 2 server (`registration_endpoint`
// in its metadata), with RFC 7592 read and delete at each client's `registration_client_uri`.
// Strict: a JSON body, every redirect URI checked (RFC 8252 loopback rules), scopes and grant
// types known to this server, and an initial access token when the sandbox is given one.

/** Where the sandbox's RFC 7591 registration endpoint listens. */
export const REGISTRATION_PATH = '/oauth2/register';

const AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'];
const GRANT_TYPES = ['authorization_code', 'refresh_token', DEVICE_CODE_GRANT_TYPE];

/** What the registration endpoint remembers: counters, the last request, each client's registration token. */
export interface RegistrationRecords {
  /** Registration requests received (accepted or refused). */
  requests: number;
  /** RFC 7592 deletions performed. */
  deletions: number;
  /** The JSON body of the last registration request, as sent (tests check it field by field). */
  lastRequest: Record<string, unknown> | undefined;
  /** Registration access tokens by client id. */
  accessTokens: Map<string, string>;
  /** The metadata each client was registered with (what RFC 7592 read answers). */
  metadata: Map<string, Record<string, unknown>>;
  /** When set, a registration needs `Authorization: Bearer <initialAccessToken>` (RFC 7591 3). */
  initialAccessToken: string | undefined;
}

/**
 * The registration records of a sandbox (`state.extensions.clientRegistration`), undefined when
 * the module is not installed (then the metadata has no `registration_endpoint`).
 *
 * @example
 * ```ts
 * registrationRecords(sandbox.state)!.requests; // 1 after one registration
 * ```
 */
export function registrationRecords(state: SandboxState): RegistrationRecords | undefined {
  return state.extensions.clientRegistration as RegistrationRecords | undefined;
}

function refuse(res: ServerResponse, state: SandboxState, refusal: MetadataRefusal): void {
  state.stats.rejected++;
  sendJson(res, 400, { error: refusal.error, error_description: refusal.description });
}

function bearer(req: SandboxRequest): string | undefined {
  return /^Bearer\s+([\x21-\x7E]+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
}

function readMetadata(
  body: Record<string, unknown>,
): MetadataRefusal | { client: Omit<SandboxOAuth2Client, 'clientId'>; metadata: Record<string, unknown> } {
  const meta = (field: string, description: string): MetadataRefusal => ({ error: 'invalid_client_metadata', field, description });
  const authMethod = body.token_endpoint_auth_method ?? 'client_secret_basic';
  if (typeof authMethod !== 'string' || !AUTH_METHODS.includes(authMethod))
    return meta('token_endpoint_auth_method', `token_endpoint_auth_method must be one of ${AUTH_METHODS.join(', ')}`);
  const grantTypes = body.grant_types ?? ['authorization_code'];
  if (!Array.isArray(grantTypes) || grantTypes.length === 0 || !grantTypes.every((g) => typeof g === 'string' && GRANT_TYPES.includes(g)))
    return meta('grant_types', `grant_types must be a list among ${GRANT_TYPES.join(', ')}`);
  const responseTypes = body.response_types ?? (grantTypes.includes('authorization_code') ? ['code'] : []);
  if (!Array.isArray(responseTypes) || !responseTypes.every((r) => r === 'code'))
    return meta('response_types', 'response_types may only hold code');
  if (grantTypes.includes('authorization_code') !== responseTypes.includes('code'))
    return meta('response_types', 'grant_types authorization_code and response_types code go together (RFC 7591 2.1)');
  let redirectUris: string[] = [];
  if (grantTypes.includes('authorization_code')) {
    const problem = checkRedirectUris(body.redirect_uris, 'redirect_uris');
    if (problem) return problem;
    redirectUris = body.redirect_uris as string[];
  }
  const scope = body.scope;
  if (scope !== undefined && (typeof scope !== 'string' || !scope.split(' ').every((s) => Object.hasOwn(OAUTH2_USER_SCOPES, s))))
    return meta('scope', `scope must be space-separated scopes among: ${Object.keys(OAUTH2_USER_SCOPES).join(' ')}`);
  const name = body.client_name ?? 'unnamed client';
  if (typeof name !== 'string' || name.length === 0 || name.length > 200)
    return meta('client_name', 'client_name must be a string of 1 to 200 characters');
  const client = {
    name,
    redirectUris,
    grantTypes: grantTypes as string[],
    ...(authMethod === 'none' ? {} : { clientSecret: randomToken(32) }),
  };
  const metadata = {
    client_name: name,
    redirect_uris: redirectUris,
    grant_types: grantTypes,
    response_types: responseTypes,
    token_endpoint_auth_method: authMethod,
    ...(scope === undefined ? {} : { scope }),
  };
  return { client, metadata };
}

function register(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  const records = registrationRecords(state)!;
  records.requests++;
  if (records.initialAccessToken !== undefined && !secretEquals(bearer(req) ?? '', records.initialAccessToken)) {
    state.stats.rejected++;
    return sendJson(
      res,
      401,
      { error: 'invalid_token', error_description: 'a valid initial access token is required' },
      {
        'www-authenticate': 'Bearer error="invalid_token"',
      },
    );
  }
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json'))
    return refuse(res, state, { error: 'invalid_client_metadata', field: 'body', description: 'the body must be application/json' });
  let body: unknown;
  try {
    body = JSON.parse(req.body);
  } catch {
    return refuse(res, state, { error: 'invalid_client_metadata', field: 'body', description: 'the body is not JSON' });
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return refuse(res, state, { error: 'invalid_client_metadata', field: 'body', description: 'the body must be a JSON object' });
  records.lastRequest = body as Record<string, unknown>;
  const read = readMetadata(body as Record<string, unknown>);
  if ('error' in read) return refuse(res, state, read);
  const clientId = randomToken(16, 'dyn-');
  const accessToken = randomToken(32, 'rat-');
  state.oauth2Clients.push({ clientId, ...read.client });
  records.accessTokens.set(clientId, accessToken);
  records.metadata.set(clientId, read.metadata);
  sendJson(res, 201, {
    client_id: clientId,
    ...(read.client.clientSecret === undefined ? {} : { client_secret: read.client.clientSecret, client_secret_expires_at: 0 }),
    client_id_issued_at: Math.floor(state.now() / 1000),
    registration_access_token: accessToken,
    registration_client_uri: new URL(`${REGISTRATION_PATH}/${clientId}`, state.baseUrl).href,
    ...read.metadata,
  });
}

function manage(req: SandboxRequest, res: ServerResponse, state: SandboxState, clientId: string): void {
  const records = registrationRecords(state)!;
  const expected = records.accessTokens.get(clientId);
  if (expected === undefined || !secretEquals(bearer(req) ?? '', expected)) {
    state.stats.rejected++;
    // RFC 7592 2: an unknown client and a wrong token get the same answer.
    return sendJson(
      res,
      401,
      { error: 'invalid_token', error_description: 'the registration access token is not valid for this client' },
      {
        'www-authenticate': 'Bearer error="invalid_token"',
      },
    );
  }
  if (req.method === 'GET') {
    const client = state.oauth2Clients.find((c) => c.clientId === clientId)!;
    return sendJson(res, 200, {
      client_id: clientId,
      ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
      ...records.metadata.get(clientId),
    });
  }
  records.deletions++;
  state.oauth2Clients = state.oauth2Clients.filter((c) => c.clientId !== clientId);
  records.accessTokens.delete(clientId);
  records.metadata.delete(clientId);
  for (const [token, issued] of state.userTokens) if (issued.clientId === clientId) state.userTokens.delete(token);
  res.writeHead(204, { 'cache-control': 'no-store' });
  res.end();
}

/**
 * Installs RFC 7591 registration (`POST /oauth2/register`, named `registration_endpoint` in the
 * metadata) and RFC 7592 read/delete (`GET`/`DELETE /oauth2/register/<client_id>` with the
 * registration access token). Registered clients join `state.oauth2Clients`, so the authorization
 * code, refresh and revocation endpoints serve them. Set `registrationRecords(state).initialAccessToken`
 * to require an initial access token.
 *
 * @example
 * ```ts
 * const sandbox = await startSandbox();
 * registrationRecords(sandbox.state)!.initialAccessToken = 'iat-123';
 * ```
 */
export function installClientRegistration(state: SandboxState): void {
  const records: RegistrationRecords = {
    requests: 0,
    deletions: 0,
    lastRequest: undefined,
    accessTokens: new Map(),
    metadata: new Map(),
    initialAccessToken: undefined,
  };
  state.extensions.clientRegistration = records;
  state.routes.set(`POST ${REGISTRATION_PATH}`, register);
  for (const method of ['GET', 'DELETE'])
    patternRoutes(state).push({
      method,
      pattern: new RegExp(`^${REGISTRATION_PATH}/([A-Za-z0-9_-]{1,80})$`),
      handle: (req, res, s, [clientId]) => manage(req, res, s, clientId!),
    });
}
