import * as oidc from 'openid-client';
import { TokensmithError, isLoopbackHost } from '@tokensmith/core/kit';
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

function displayableUrl(value: unknown, field: string, endpoint: string | undefined): URL {
  if (typeof value !== 'string' || !DISPLAYABLE.test(value)) throw unusable(field, endpoint);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw unusable(field, endpoint);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw unusable(field, endpoint);
  return url;
}

/**
 * The page where a person may type a password: `https:` (plain `http:` only on loopback, a local
 * sandbox), and no userinfo, since `https://github.com@evil.example/` reads as github.com to a person
 * but goes to evil.example. Refused rather than shown with a warning: a person skims past warnings.
 */
function trustworthyPage(url: URL, field: string, endpoint: string | undefined): URL {
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new TokensmithError(
      'insecure_endpoint',
      `the device authorization response's ${field} uses plain http:// off loopback (${url.host}), where a password would travel in clear; nothing was stored`,
      { operation: 'device_authorization', endpoint },
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new TokensmithError(
      'invalid_token_response',
      `the device authorization response's ${field} has a user name before its host (${url.host}), which disguises the real host; nothing was stored`,
      { operation: 'device_authorization', endpoint },
    );
  }
  return url;
}

/**
 * Why `verification_uri_complete` must not be used, or undefined when it may: it must lead to the
 * page the person was shown, on the same origin as `verification_uri` and without userinfo, or a
 * server could show one page and open another (RFC 8628 5.4, remote phishing).
 */
function completeUriProblem(page: URL, complete: URL): string | undefined {
  if (complete.username !== '' || complete.password !== '') return 'it has a user name before its host';
  if (complete.origin !== page.origin) return `it is on ${complete.origin}, not on ${page.origin} like verification_uri`;
  return undefined;
}

/**
 * Starts a device authorization (RFC 8628 3.1) with openid-client and checks what comes back
 * before anything is shown: the user code and URIs must be printable ASCII, the URIs http(s);
 * `verification_uri` https (http only on loopback) without userinfo; `verification_uri_complete`
 * is dropped (with the reason in `verificationUriCompleteIgnored`) unless it is on the same origin.
 *
 * @example
 * ```ts
 * const { info, deviceCode, schedule } = await requestDeviceAuthorization(config, [['scope', 'read']], Date.now);
 * showToPerson(`Open ${info.verificationUri} and enter ${info.userCode}`);
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
  const page = trustworthyPage(displayableUrl(response.verification_uri, 'verification_uri', endpoint), 'verification_uri', endpoint);
  const complete =
    response.verification_uri_complete === undefined
      ? undefined
      : displayableUrl(response.verification_uri_complete, 'verification_uri_complete', endpoint);
  const completeProblem = complete && completeUriProblem(page, complete);
  const schedule = startSchedule(response, now());
  const info: DeviceCodeInfo = {
    userCode: response.user_code,
    verificationUri: response.verification_uri,
    ...(complete === undefined
      ? {}
      : completeProblem
        ? { verificationUriCompleteIgnored: completeProblem }
        : { verificationUriComplete: response.verification_uri_complete! }),
    expiresAt: schedule.expiresAt,
    interval: schedule.intervalMs / 1000,
  };
  return { info, deviceCode: response.device_code, schedule };
}
