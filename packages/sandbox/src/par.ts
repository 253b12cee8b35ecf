import type { ServerResponse } from 'node:http';
import { sendJson, type SandboxRequest } from './http-util.js';
import { authorizeGet } from './oauth2-authorize.js';
import { openClientRequest, reject } from './oauth2-grants.js';
import { sendErrorPage } from './pages.js';
import { randomToken, type SandboxState } from './state.js';

// Pushed authorization requests (RFC 9126): the client posts its authorization request to
// `POST /oauth2/par` (client authentication as at the token endpoint) and sends the browser with
// only `client_id` and the `request_uri` it got back, which is short-lived and single-use.

/** RFC 9126 2.2: the prefix of a `request_uri` this server issues. */
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';

/** A pushed request lives this long (by `state.now()`); RFC 9126 suggests 5 to 600 seconds. */
export const PAR_TTL_SECONDS = 90;

/** The client authentication parameters that are not part of the pushed authorization request. */
const CLIENT_AUTH_PARAMS = ['client_secret', 'client_assertion', 'client_assertion_type'];

interface PushedRequest {
  clientId: string;
  params: URLSearchParams;
  expiresAt: number;
}

/** The PAR memory of a sandbox: pushed requests by `request_uri`, and whether PAR is required. */
export interface ParData {
  pushed: Map<string, PushedRequest>;
  /** Whether `GET /oauth2/authorize` refuses requests that were not pushed (`require_pushed_authorization_requests`). */
  required: boolean;
}

/**
 * The PAR memory of a sandbox (created on first use). Set `required` to make every client push.
 *
 * @example
 * ```ts
 * parData(sandbox.state).required = true; // metadata says require_pushed_authorization_requests
 * ```
 */
export function parData(state: SandboxState): ParData {
  return ((state.extensions.par as ParData | undefined) ??= { pushed: new Map(), required: false });
}

/**
 * `POST /oauth2/par` (RFC 9126 2): authenticates the client, refuses a `request_uri` inside the
 * push, and answers 201 with a fresh `request_uri` and its `expires_in`. The request itself is
 * checked when the browser brings it to the authorization endpoint, as if it came in the query.
 *
 * @example
 * ```ts
 * addRoute(state, 'POST', '/oauth2/par', pushAuthorizationRequest);
 * ```
 */
export function pushAuthorizationRequest(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  const opened = openClientRequest(req, res, state, {});
  if (!opened) return;
  const { client, form } = opened;
  if (form.has('request_uri')) return void reject(state, res, 400, 'invalid_request', 'request_uri cannot be pushed (RFC 9126 2.1)');
  if (form.get('response_type') !== 'code') return void reject(state, res, 400, 'invalid_request', 'response_type must be code');
  const params = new URLSearchParams([...form].filter(([name]) => !CLIENT_AUTH_PARAMS.includes(name)));
  params.set('client_id', client.clientId);
  const requestUri = `${REQUEST_URI_PREFIX}${randomToken(24)}`;
  parData(state).pushed.set(requestUri, { clientId: client.clientId, params, expiresAt: state.now() + PAR_TTL_SECONDS * 1000 });
  sendJson(res, 201, { request_uri: requestUri, expires_in: PAR_TTL_SECONDS });
}

/**
 * `GET /oauth2/authorize` with PAR: a `request_uri` is swapped for the pushed request (once, before
 * it expires, by the client that pushed it), then checked as any authorization request. Without
 * one, the request goes through as before unless PAR is required.
 *
 * @example
 * ```ts
 * addRoute(state, 'GET', '/oauth2/authorize', authorizeWithPar);
 * ```
 */
export function authorizeWithPar(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  const data = parData(state);
  const requestUri = req.url.searchParams.get('request_uri');
  if (requestUri === null) {
    if (!data.required) return authorizeGet(req, res, state);
    state.stats.rejected++;
    return sendErrorPage(res, 400, 'Pushed request required', 'This server requires pushed authorization requests (PAR, RFC 9126).');
  }
  const pushed = data.pushed.get(requestUri);
  data.pushed.delete(requestUri);
  if (!pushed || pushed.expiresAt <= state.now() || pushed.clientId !== req.url.searchParams.get('client_id')) {
    state.stats.rejected++;
    return sendErrorPage(
      res,
      400,
      'Sign-in request expired',
      'The pushed authorization request is unknown, expired, already used or belongs to another client.',
    );
  }
  const url = new URL(req.url.pathname, req.url);
  url.search = pushed.params.toString();
  authorizeGet({ ...req, url }, res, state);
}
