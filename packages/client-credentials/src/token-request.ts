import {
  MAX_AUTH_RESPONSE_BYTES,
  OAuthResponseError,
  TokensmithError,
  parseOAuthError,
  createDPoPKey,
  createDPoPProof,
  parseTokenResponse,
  toTransportError,
  type BearerCredentials,
} from '@tokensmith/core/kit';
import { CLIENT_ASSERTION_TYPE } from '@tokensmith/oauth2/client-assertion';
import type { ClientCredentialsSettings } from './client-credentials-options.js';
import { quietLibraryDebug } from './quiet-library-debug.js';
import type { ClientCredentialsGrant, GrantModuleOptions } from './grant-types.js';
import { createClientCredentialsGrant } from './simple-oauth2-grant.js';
import type { WreckAgents, WreckTransport } from './wreck-transport.js';

const OPERATION = 'client credentials token request';

interface WreckError {
  isBoom?: boolean;
  isJoi?: boolean;
  output?: { statusCode?: number };
  data?: { payload?: unknown; res?: { statusCode?: number; headers?: Record<string, string | undefined> } } | null;
}

function payloadText(payload: unknown): string {
  if (payload === undefined || payload === null) return '';
  if (Buffer.isBuffer(payload)) return payload.toString('utf8');
  return typeof payload === 'string' ? payload : JSON.stringify(payload);
}

/**
 * Maps what simple-oauth2 (Joi, wreck, node:http) throws to tokensmith's errors. Nothing of the
 * library's wording is copied: Joi quotes the offending value (maybe the secret) and wreck's JSON
 * errors quote the body (maybe the token).
 */
function toTokenRequestError(
  error: unknown,
  settings: ClientCredentialsSettings,
  signal: AbortSignal | undefined,
  cutShort: boolean,
): TokensmithError {
  if (error instanceof TokensmithError) return error;
  const at = { operation: 'token_request', endpoint: settings.tokenUrl } as const;
  const shape = error as WreckError | null;
  if (shape?.isJoi)
    return new TokensmithError(
      'invalid_options',
      'simple-oauth2 rejected the client options (check tokenUrl, clientId and clientSecret)',
      at,
    );
  // redirects: 0 makes wreck fail a 3xx with 'Maximum redirections reached', its trace as data.
  if (!signal?.aborted && shape?.isBoom && Array.isArray(shape.data)) {
    return new TokensmithError(
      'http_error',
      `${OPERATION} to ${settings.tokenUrl.href} was answered with a redirect, which a token request never follows: tokenUrl must be the token endpoint's exact URL (check tokenUrl: scheme, host and path)`,
      at,
    );
  }
  const status = shape?.data?.res?.statusCode;
  if (!signal?.aborted && shape?.isBoom && status !== undefined) {
    if (shape.output?.statusCode === 413 || cutShort) {
      return new TokensmithError(
        'invalid_token_response',
        `token response (HTTP ${status}) is larger than ${MAX_AUTH_RESPONSE_BYTES} bytes; nothing past the limit was read`,
        { ...at, status },
      );
    }
    if (status >= 400) return new OAuthResponseError(OPERATION, parseOAuthError(status, payloadText(shape.data?.payload)), at);
    const contentType = (shape.data?.res?.headers?.['content-type'] ?? 'missing').split(';')[0];
    if (shape.output?.statusCode === 406)
      return new TokensmithError('invalid_token_response', `token response (HTTP ${status}) is not JSON (content-type ${contentType})`, {
        ...at,
        status,
      });
    if (shape.output?.statusCode === 502)
      return new TokensmithError('invalid_token_response', `token response (HTTP ${status}) is not valid JSON`, { ...at, status });
  }
  return toTransportError(error, {
    what: OPERATION,
    operation: 'token_request',
    endpoint: settings.tokenUrl,
    field: 'tokenUrl',
    ...(signal ? { signal } : {}),
    timeoutMs: settings.timeoutMs,
  });
}

/**
 * What the strategy gives simple-oauth2 for one client: the token endpoint split into host and
 * path, the client authentication, strict JSON, the body cap, no redirects, and agents we own.
 *
 * @example
 * ```ts
 * simpleOAuth2Options(settings, createWreckTransport(settings.log).agents).auth.tokenPath; // '/oauth2/token'
 * ```
 */
export function simpleOAuth2Options(settings: ClientCredentialsSettings, agents: WreckAgents): GrantModuleOptions {
  const { tokenUrl, clientId, clientSecret, authMethod } = settings;
  return {
    // A JWT client sends no secret. simple-oauth2's body authentication always writes its
    // `secretParamName` field, and writes it after the request's own parameters: that slot carries
    // the constant `client_assertion_type`, and the fresh assertion of each request goes in as a
    // parameter (see createTokenRequester). The body then holds client_id, client_assertion_type
    // and client_assertion, exactly RFC 7523 2.2's.
    client: settings.assertion
      ? { id: clientId, secret: CLIENT_ASSERTION_TYPE, secretParamName: 'client_assertion_type' }
      : { id: clientId, secret: clientSecret! },
    auth: { tokenHost: tokenUrl.origin, tokenPath: tokenUrl.pathname + tokenUrl.search },
    options: { authorizationMethod: authMethod === 'basic' ? 'header' : 'body', credentialsEncodingMode: 'strict', bodyFormat: 'form' },
    // No wreck timeout: the token requester's deadline covers the body too and destroys the socket.
    http: { json: 'strict', maxBytes: MAX_AUTH_RESPONSE_BYTES, redirects: 0, agents },
  };
}

/**
 * The client credentials grant (RFC 6749 4.4) through simple-oauth2, bounded and logged like every
 * other tokensmith request: each call has one deadline of `timeoutMs` covering the whole exchange
 * (a server dripping its body ends in `timeout` and the socket is destroyed, so a process can
 * exit), the body is capped at 64 KiB, the request and response are logged through the injected
 * logging fetch's sink, and failures name the endpoint and `tokenUrl`.
 *
 * @example
 * ```ts
 * const requestToken = createTokenRequester(settings); // settings: resolveClientCredentialsOptions(options)
 * const credentials = await requestToken();
 * ```
 */
export function createTokenRequester(settings: ClientCredentialsSettings): (current?: BearerCredentials) => Promise<BearerCredentials> {
  const { scope, timeoutMs } = settings;
  // simple-oauth2 and the transport are loaded and created on the first token request only: a
  // process that finds its token in the store never pays for them. The transport's module imports
  // node:https, whose TLS stack costs a process ~4 ms to load even when no request is https.
  // One transport for all of this requester's requests, as one simple-oauth2 client holds it.
  let client: Promise<{ grant: ClientCredentialsGrant; transport: WreckTransport }> | undefined;
  const getClient = () =>
    (client ??= import('./wreck-transport.js').then(async ({ createWreckTransport }) => {
      const transport = createWreckTransport(settings.log);
      const grant = await createClientCredentialsGrant(simpleOAuth2Options(settings, transport.agents));
      await quietLibraryDebug();
      return { grant, transport };
    }));

  // The token endpoint's last DPoP-Nonce (RFC 9449 8), for the next request's proof.
  let tokenEndpointNonce: string | undefined;

  return async (current) => {
    // DPoP: the stored token's key when there is one (a renewal keeps its key), else a new one.
    const dpopKey = settings.dpop ? (current?.dpopKey ?? (await createDPoPKey(settings.dpop.alg))) : undefined;
    const proofHeaders = () =>
      dpopKey
        ? {
            headers: {
              dpop: createDPoPProof(dpopKey, {
                method: 'POST',
                url: settings.tokenUrl,
                now: settings.now(),
                ...(tokenEndpointNonce === undefined ? {} : { nonce: tokenEndpointNonce }),
              }),
            },
          }
        : undefined;
    // Loading simple-oauth2 is not network: the deadline starts with the request itself.
    const { grant: simpleClient, transport } = await getClient().catch((error: unknown) => {
      client = undefined;
      throw toTokenRequestError(error, settings, undefined, false);
    });
    const deadline = new AbortController();
    const timer = setTimeout(() => {
      deadline.abort(new DOMException(`${OPERATION} timed out`, 'TimeoutError'));
      transport.destroyOpen();
    }, timeoutMs);
    const expired = new Promise<never>((_resolve, reject) =>
      deadline.signal.addEventListener('abort', () => reject(deadline.signal.reason), { once: true }),
    );
    let raw: unknown;
    transport.takeCutShort();
    try {
      const send = async () => {
        // A fresh assertion (new jti) for every request, the nonce retry included.
        const assertion = settings.assertion
          ? { client_assertion: await settings.assertion.clientAssertion(settings.tokenUrl.href, settings.now()) }
          : {};
        const request = simpleClient.getToken({ ...(scope ? { scope } : {}), ...assertion }, proofHeaders());
        request.catch(() => undefined); // after a deadline its rejection is expected and ignored
        return Promise.race([request, expired]);
      };
      try {
        raw = (await send()).token;
      } catch (error) {
        // One retry with the server's nonce (RFC 9449 8), as openid-client does for the user strategies.
        const nonce = dpopKey ? dpopNonceOf(error) : undefined;
        if (nonce === undefined) throw error;
        tokenEndpointNonce = nonce;
        raw = (await send()).token;
      }
    } catch (error) {
      throw toTokenRequestError(error, settings, deadline.signal, transport.takeCutShort());
    } finally {
      clearTimeout(timer);
    }
    const { expires_at: _ignored, ...body } = raw as Record<string, unknown>;
    const credentials = parseTokenResponse(body, {
      status: 200,
      now: settings.now(),
      operation: 'token_request',
      endpoint: settings.tokenUrl,
      dpop: dpopKey !== undefined,
    });
    if (dpopKey !== undefined && credentials.tokenType === 'DPoP') credentials.dpopKey = dpopKey;
    return credentials;
  };
}

/**
 * The server's nonce when a token request was refused with `use_dpop_nonce` (RFC 9449 8): a 400
 * whose JSON `error` says so, with a `DPoP-Nonce` header (on wreck's error, `data.res.headers`).
 *
 * @example
 * ```ts
 * const nonce = dpopNonceOf(error); // 'eyJ7S...' or undefined
 * ```
 */
export function dpopNonceOf(error: unknown): string | undefined {
  const shape = error as WreckError | null;
  const res = shape?.isBoom ? shape.data?.res : undefined;
  const nonce = res?.headers?.['dpop-nonce'];
  if (res?.statusCode !== 400 || typeof nonce !== 'string' || !nonce) return undefined;
  return parseOAuthError(400, payloadText(shape?.data?.payload)).error === 'use_dpop_nonce' ? nonce : undefined;
}

/**
 * The largest token response accepted, in bytes: the kit's one auth-response cap.
 *
 * @example
 * ```ts
 * MAX_TOKEN_RESPONSE_BYTES; // 65536
 * ```
 */
export const MAX_TOKEN_RESPONSE_BYTES = MAX_AUTH_RESPONSE_BYTES;
