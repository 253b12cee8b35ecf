import * as oidc from 'openid-client';
import { OAuthResponseError, TokensmithError, abortError, rateLimitDelay, type BearerCredentials } from '@tokensmith/core/kit';
import { toTokensmithError } from '@tokensmith/oauth2';
import type { DeviceAuthorization } from './device-authorization.js';
import type { DeviceCodeProgress } from './device-code-options.js';
import { isExpired, nextPoll, type PollOutcome } from './poll-schedule.js';

/** RFC 8628 3.4: the grant type of the device access token request. */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/** What the poll loop needs: the clock, the sleep, the request and the words for the person. */
export interface PollContext {
  config: oidc.Configuration;
  /** Extra token request parameters (RFC 8707 `resource`). */
  tokenParams: Array<[string, string]>;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal: AbortSignal | undefined;
  progress: (event: DeviceCodeProgress) => void;
  toCredentials: (response: unknown) => BearerCredentials;
  /** openid-client's DPoP handle when the tokens are to be DPoP-bound (RFC 9449), else `{}`. */
  dpop?: oidc.DPoPOptions;
  /** The headers of the last response the token endpoint gave (its `Retry-After`), if any. */
  lastResponseHeaders?: () => Headers | undefined;
}

/** A poll that goes on, with how long a busy server asked to wait (`Retry-After`, ms). */
export interface PollWait {
  outcome: PollOutcome;
  retryAfterMs?: number;
}

/** The token endpoint polled: errors name it (`endpoint`) with the step, `device_token`. */
function pollingAt(context: PollContext): { operation: 'device_token'; endpoint?: string } {
  const endpoint = context.config.serverMetadata().token_endpoint;
  return endpoint === undefined ? { operation: 'device_token' } : { operation: 'device_token', endpoint };
}

function expired(context: PollContext, cause?: OAuthResponseError): TokensmithError {
  return new TokensmithError('device_code_expired', 'the code expired before it was approved; nothing was stored; log in again', {
    ...pollingAt(context),
    ...(cause === undefined ? {} : { cause, status: cause.status, error: cause.error }),
  });
}

/**
 * One device access token request (RFC 8628 3.4), classified: credentials when approved, a
 * {@link PollWait} when polling goes on (a 5xx or 429 included: a transient outage must not end a
 * login with minutes left), or a thrown named error when it must stop
 * (`authorization_denied`, `device_code_expired`, `login_required` on `invalid_grant`, or what
 * the request failed with).
 *
 * @example
 * ```ts
 * const result = await pollOnce(context, authorization);
 * if ('outcome' in result) schedule = nextPoll(schedule, result.outcome, now(), result.retryAfterMs);
 * ```
 */
export async function pollOnce(context: PollContext, authorization: DeviceAuthorization): Promise<BearerCredentials | PollWait> {
  let response: unknown;
  try {
    response = await oidc.genericGrantRequest(
      context.config,
      DEVICE_CODE_GRANT_TYPE,
      new URLSearchParams([['device_code', authorization.deviceCode], ...context.tokenParams]),
      context.dpop,
    );
  } catch (error) {
    if (context.signal?.aborted) throw abortError(context.signal, 'login', pollingAt(context));
    const mapped = await toTokensmithError(error, 'device access token request', pollingAt(context).endpoint);
    if (mapped.code === 'timeout') return { outcome: 'connection_timeout' };
    if (!(mapped instanceof OAuthResponseError)) throw mapped;
    if (mapped.status >= 500 || mapped.status === 429) {
      const headers = context.lastResponseHeaders?.();
      const retryAfterMs = headers ? rateLimitDelay(headers, context.now()) : undefined;
      return retryAfterMs === undefined ? { outcome: 'server_busy' } : { outcome: 'server_busy', retryAfterMs };
    }
    switch (mapped.error) {
      case 'authorization_pending':
        return { outcome: 'authorization_pending' };
      case 'slow_down':
        return { outcome: 'slow_down' };
      case 'access_denied':
        throw new TokensmithError(
          'authorization_denied',
          'authorization was denied on the verification page (access_denied); nothing was stored',
          { cause: mapped, ...pollingAt(context), status: mapped.status, error: mapped.error },
        );
      case 'expired_token':
        throw expired(context, mapped);
      case 'invalid_grant':
        throw new TokensmithError(
          'login_required',
          'the authorization server refused the device code (invalid_grant: already used, or not issued to this client); nothing was stored: log in again',
          { cause: mapped, ...pollingAt(context), status: mapped.status, error: mapped.error },
        );
      default:
        throw mapped;
    }
  }
  return context.toCredentials(response);
}

/**
 * Polls the token endpoint until the person approves, denies, or the code expires (RFC 8628 3.4,
 * 3.5): never before the schedule allows (the interval grows by 5 s on `slow_down` and doubles on
 * a connection timeout or a 5xx/429, whose `Retry-After` is honoured up to a cap), never after the code's expiry. Aborting `signal` stops the wait and the
 * request in flight.
 *
 * @example
 * ```ts
 * const credentials = await pollForApproval(context, await requestDeviceAuthorization(config, params, now));
 * ```
 */
export async function pollForApproval(context: PollContext, authorization: DeviceAuthorization): Promise<BearerCredentials> {
  const { now, signal } = context;
  let schedule = authorization.schedule;
  for (;;) {
    if (isExpired(schedule)) throw expired(context);
    try {
      await context.sleep(Math.max(0, schedule.nextPollAt - now()), signal);
    } catch (error) {
      if (signal?.aborted) throw abortError(signal, 'login', pollingAt(context));
      throw error;
    }
    if (signal?.aborted) throw abortError(signal, 'login', pollingAt(context));
    const result = await pollOnce(context, authorization);
    if (!('outcome' in result)) {
      context.progress({ type: 'approved', message: 'Approved; tokens received' });
      return result;
    }
    schedule = nextPoll(schedule, result.outcome, now(), result.retryAfterMs);
    const interval = schedule.intervalMs / 1000;
    if (result.outcome === 'slow_down') {
      context.progress({
        type: 'slow-down',
        message: `The server asked to poll less often; now every ${interval} s`,
        expiresAt: schedule.expiresAt,
        interval,
      });
    } else {
      context.progress({
        type: 'waiting',
        message: 'Waiting for approval on the verification page',
        expiresAt: schedule.expiresAt,
        interval,
      });
    }
  }
}
