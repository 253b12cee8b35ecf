import { tokenEndpointProof } from './dpop-binding.js';
import type { ServerResponse } from 'node:http';
import { sendHtml, sendJson, type SandboxRequest } from './http-util.js';
import { secretEquals } from './oauth2-app.js';
import { isDemoUser } from './oauth2-authorize.js';
import { deviceConsentPage, deviceDonePage, deviceEntryPage } from './oauth2-device-pages.js';
import {
  DEVICE_CODE_GRANT_TYPE,
  issueTokens,
  openClientRequest,
  parseScopes,
  reject,
  startGrant,
  OAUTH2_USER_SCOPES,
} from './oauth2-grants.js';
import { idToken } from './oauth2-id-token.js';
import { oauth2Data, type DeviceRecord } from './oauth2-records.js';
import { parseResources } from './oauth2-resources.js';
import { USER_CODE_LOCKED, findByUserCode, formatUserCode, isDeviceSession, newDeviceSession, newUserCode } from './oauth2-user-codes.js';
import { isCrossSite } from './request-guard.js';
import { randomToken, type SandboxState } from './state.js';

// The device authorization grant (RFC 8628): the device authorization endpoint (3.1-3.2), the
// verification pages (3.3) and the token endpoint's device_code grant (3.4-3.5).

/**
 * `POST /oauth2/device_authorization` (RFC 8628 3.1): client authentication as at the token
 * endpoint, `scope` and `resource` checked; answers device_code, user_code, verification_uri,
 * verification_uri_complete, expires_in and interval.
 *
 * @example
 * ```ts
 * addRoute(state, 'POST', '/oauth2/device_authorization', deviceAuthorization);
 * ```
 */
export function deviceAuthorization(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  state.stats.deviceAuthorizationRequests++;
  const opened = openClientRequest(req, res, state, { grantType: DEVICE_CODE_GRANT_TYPE });
  if (!opened) return;
  const { client, form } = opened;
  const scopes = parseScopes(form.get('scope'));
  if (!scopes) return void reject(state, res, 400, 'invalid_scope', `supported scopes: ${Object.keys(OAUTH2_USER_SCOPES).join(' ')}`);
  const resources = parseResources(state, form.getAll('resource'));
  if (typeof resources === 'string') return void reject(state, res, 400, 'invalid_target', resources);
  const store = oauth2Data(state);
  const deviceCode = randomToken(32);
  const userCode = newUserCode(state);
  const record: DeviceRecord = {
    clientId: client.clientId,
    userCode,
    scopes,
    resources,
    expiresAt: state.now() + state.deviceCodeTtlSeconds * 1000,
    intervalSeconds: state.deviceIntervalSeconds,
    lastPollAt: undefined,
    formToken: undefined,
    status: 'pending',
    authTime: undefined,
  };
  store.deviceCodes.set(deviceCode, record);
  store.userCodes.set(userCode, deviceCode);
  const verificationUri = new URL('/device', state.baseUrl);
  const complete = new URL(verificationUri);
  complete.searchParams.set('user_code', formatUserCode(userCode));
  sendJson(res, 200, {
    device_code: deviceCode,
    user_code: formatUserCode(userCode),
    verification_uri: verificationUri.href,
    verification_uri_complete: complete.href,
    expires_in: state.deviceCodeTtlSeconds,
    interval: record.intervalSeconds,
  });
}

/**
 * The token endpoint's device code grant (RFC 8628 3.4-3.5): `authorization_pending` until the
 * person decides, `slow_down` (and 5 s more interval for that code) when polled before the
 * interval passed since the previous poll, `access_denied`, `expired_token`; tokens once, then
 * `invalid_grant`.
 *
 * @example
 * ```ts
 * grants.set(DEVICE_CODE_GRANT_TYPE, deviceCodeGrant);
 * ```
 */
export function deviceCodeGrant(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  state.stats.devicePolls++;
  const opened = openClientRequest(req, res, state, { grantType: DEVICE_CODE_GRANT_TYPE, required: 'device_code' });
  if (!opened) return;
  const { client, required: deviceCode } = opened;
  // Before the poll counts: a use_dpop_nonce retry must not be taken for polling too fast.
  const jkt = tokenEndpointProof(req, res, state);
  if (jkt === undefined) return;
  const store = oauth2Data(state);
  const record = store.deviceCodes.get(deviceCode);
  if (!record || record.clientId !== client.clientId) return void reject(state, res, 400, 'invalid_grant', 'the device code is invalid');
  if (record.status === 'used') return void reject(state, res, 400, 'invalid_grant', 'the device code was already used');
  const now = state.now();
  if (record.expiresAt <= now)
    return void reject(state, res, 400, 'expired_token', 'the device code expired; start the device authorization again');
  if (record.status === 'denied') return void reject(state, res, 400, 'access_denied', 'the user denied the authorization');
  const previous = record.lastPollAt;
  record.lastPollAt = now;
  if (record.status === 'pending') {
    if (previous !== undefined && now - previous < record.intervalSeconds * 1000) {
      record.intervalSeconds += 5;
      state.stats.deviceSlowDowns++;
      return void reject(
        state,
        res,
        400,
        'slow_down',
        `polled too often; wait at least ${record.intervalSeconds} seconds between requests`,
      );
    }
    return void reject(state, res, 400, 'authorization_pending', 'the user has not yet approved or denied the request');
  }
  record.status = 'used';
  const grantId = startGrant(state, client.clientId, record.scopes, record.resources, jkt);
  const body = issueTokens(state, grantId, record.scopes, record.resources);
  if (record.scopes.includes('openid'))
    body.id_token = idToken(state, client.clientId, { scopes: record.scopes, nonce: undefined, authTime: record.authTime ?? now });
  sendJson(res, 200, body);
}

function appName(state: SandboxState, record: DeviceRecord): string {
  return state.oauth2Clients.find((c) => c.clientId === record.clientId)?.name ?? record.clientId;
}

function sendDeviceConsent(
  res: ServerResponse,
  status: number,
  state: SandboxState,
  record: DeviceRecord,
  error?: string,
  username?: string,
): void {
  record.formToken = randomToken(16);
  sendHtml(
    res,
    status,
    deviceConsentPage(
      { appName: appName(state, record), userCode: formatUserCode(record.userCode), scopes: record.scopes, formToken: record.formToken },
      error,
      username,
    ),
  );
}

const SESSION_COOKIE = 'sandbox_device';

/**
 * The visitor's device session (wrong codes are counted per session), from the cookie this
 * sandbox issued; a visitor without one gets one for its next request and counts, this time, in
 * the shared bucket (a fresh session per request would be a fresh guess budget per request).
 */
function deviceSession(req: SandboxRequest, res: ServerResponse, state: SandboxState): string | undefined {
  const cookie = /(?:^|;\s*)sandbox_device=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1];
  if (isDeviceSession(state, cookie)) return cookie;
  res.setHeader('set-cookie', `${SESSION_COOKIE}=${newDeviceSession(state)}; HttpOnly; SameSite=Strict; Path=/device`);
  return undefined;
}

/**
 * `GET /device`: the code entry page, or with `user_code` (typed, or from
 * verification_uri_complete) the login + consent page for that code. A code arriving from another
 * site is not looked up (nor counted against anyone): the entry page shows it, for the person to
 * confirm with Continue.
 *
 * @example
 * ```ts
 * addRoute(state, 'GET', '/device', devicePage);
 * ```
 */
export function devicePage(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  const session = deviceSession(req, res, state);
  const typed = req.url.searchParams.get('user_code');
  if (typed === null) return sendHtml(res, 200, deviceEntryPage());
  if (isCrossSite(req.headers, state.baseUrl)) return sendHtml(res, 200, deviceEntryPage(undefined, typed.slice(0, 20)));
  const found = findByUserCode(state, typed, session);
  if (typeof found === 'string') {
    state.stats.rejected++;
    return sendHtml(res, found === USER_CODE_LOCKED ? 429 : 400, deviceEntryPage(found, typed.slice(0, 20)));
  }
  sendDeviceConsent(res, 200, state, found.record);
}

/**
 * `POST /device`: the consent form; Approve (with the demo user's password) or Deny.
 *
 * @example
 * ```ts
 * addRoute(state, 'POST', '/device', deviceDecision);
 * ```
 */
export function deviceDecision(req: SandboxRequest, res: ServerResponse, state: SandboxState): void {
  const form = req.form;
  const found = findByUserCode(state, form?.get('user_code') ?? '', deviceSession(req, res, state));
  if (typeof found === 'string') {
    state.stats.rejected++;
    return sendHtml(res, found === USER_CODE_LOCKED ? 429 : 400, deviceEntryPage(found));
  }
  const { record } = found;
  if (!record.formToken || !secretEquals(record.formToken, form?.get('form_token') ?? '')) {
    state.stats.rejected++;
    return sendHtml(res, 400, deviceEntryPage('This page expired. Enter the code again.'));
  }
  const action = form?.get('action');
  if (action === 'deny') {
    record.status = 'denied';
    record.formToken = undefined;
    return sendHtml(res, 200, deviceDonePage(appName(state, record), false));
  }
  if (action !== 'approve') return sendDeviceConsent(res, 400, state, record, 'Choose Approve or Deny.');
  if (!isDemoUser(form)) {
    state.stats.rejected++;
    return sendDeviceConsent(res, 401, state, record, 'Wrong username or password. Try again.', form?.get('username') ?? '');
  }
  record.status = 'approved';
  record.formToken = undefined;
  record.authTime = state.now();
  sendHtml(res, 200, deviceDonePage(appName(state, record), true));
}
