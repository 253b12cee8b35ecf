import * as oidc from 'openid-client';
import { TokensmithError } from '@tokensmith/core/kit';
import { toTokensmithError } from '@tokensmith/oauth2';
import type { DeviceCodeInfo } from './device-code-options.js';
import { startSchedule, type PollSchedule } from './poll-schedule.js';

/** One device authorization (RFC 8628 3.2): what to show, the secret device code, and the poll schedule. */
export interface DeviceAuthorization {
  info: DeviceCodeInfo;
  /** The secret the client polls with. Never logged, never in a message. */
  deviceCode: string;
  schedule: PollSchedule;
}

/** Printable ASCII only: the user code and URIs reach a terminal (no escape sequences, no CR/LF). */
const DISPLAYABLE = /^[\x21-\x7E]{1,2048}$/;

/** A user code: printable ASCII, inner spaces allowed, at most 64 characters. */
const USER_CODE = /^[\x21-\x7E](?:[\x20-\x7E]{0,62}[\x21-\x7E])?$/;

function unusable(field: string, endpoint: string | undefined): TokensmithError {
  // The value is not echoed: it may be a terminal escape sequence or a hostile server's payload.
  return new TokensmithError(
    'invalid_token_response',
    `the device authorization response has an unusable ${field} (not printable text, or not an http(s) URL); nothing was stored`,
    { operation: 'device_authorization', endpoint },
  );
}

function displayableUrl(value: unknown, field: string, endpoint: string | undefined): string {
  if (typeof value !== 'string' || !DISPLAYABLE.test(value)) throw unusable(field, endpoint);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw unusable(field, endpoint);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw unusable(field, endpoint);
  return value;
}

/**
 * Starts a device authorization (RFC 8628 3.1) with openid-client and checks what comes back
 * before anything is shown: the user code and URIs must be printable ASCII, the URIs http(s).
 *
 * @example
 * ```ts
 * const { info, deviceCode, schedule } = await requestDeviceAuthorization(config, [['scope', 'read']], Date.now());
 * showToPerson(info);
 * ```
 */
export async function requestDeviceAuthorization(
  config: oidc.Configuration,
  params: Array<[string, string]>,
  now: () => number,
): Promise<DeviceAuthorization> {
  const endpoint = config.serverMetadata().device_authorization_endpoint;
  let response: oidc.DeviceAuthorizationResponse;
  try {
    response = await oidc.initiateDeviceAuthorization(config, new URLSearchParams(params));
  } catch (error) {
    throw await toTokensmithError(error, 'device authorization request', endpoint);
  }
  if (typeof response.user_code !== 'string' || !USER_CODE.test(response.user_code)) throw unusable('user_code', endpoint);
  const verificationUri = displayableUrl(response.verification_uri, 'verification_uri', endpoint);
  const complete =
    response.verification_uri_complete === undefined
      ? undefined
      : displayableUrl(response.verification_uri_complete, 'verification_uri_complete', endpoint);
  const schedule = startSchedule(response, now());
  const info: DeviceCodeInfo = {
    userCode: response.user_code,
    verificationUri,
    ...(complete === undefined ? {} : { verificationUriComplete: complete }),
    expiresAt: schedule.expiresAt,
    interval: schedule.intervalMs / 1000,
  };
  return { info, deviceCode: response.device_code, schedule };
}
