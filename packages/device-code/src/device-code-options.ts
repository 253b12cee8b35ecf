import type { OAuth2ClientOptions, OAuth2Progress } from '@tokensmith/oauth2';

/**
 * What a person needs to approve the login on another device (RFC 8628 3.2), handed to
 * {@link DeviceCodeOptions.onCode}. Everything here is meant to be shown; the device code itself
 * is a secret and never leaves the provider.
 *
 * @example
 * ```ts
 * const onCode: DeviceCodeOptions['onCode'] = ({ userCode, verificationUri }) => {
 *   process.stderr.write(`Open ${verificationUri} and enter ${userCode}\n`);
 * };
 * ```
 */
export interface DeviceCodeInfo {
  /** The code the person types on the verification page (`user_code`), e.g. `WDJB-MJHT`. */
  userCode: string;
  /** The page where the person types the code (`verification_uri`), e.g. `https://example.com/device`. */
  verificationUri: string;
  /** The same page with the code filled in (`verification_uri_complete`), for a link or QR code, when the server sends one. */
  verificationUriComplete?: string;
  /**
   * Why the server's `verification_uri_complete` was set aside, when it was: it was on another
   * origin than `verificationUri` (or had a user name before its host), so opening it would lead
   * the person somewhere other than the page shown. Show `verificationUri` and say this instead.
   */
  verificationUriCompleteIgnored?: string;
  /** When the code expires, epoch ms (from `expires_in`, at most 1 hour ahead). */
  expiresAt: number;
  /** The polling interval the server asked for, in seconds (5 when it asked for none). */
  interval: number;
}

/**
 * What {@link DeviceCodeOptions.onProgress} reports; messages never hold a secret.
 *
 * @example
 * ```ts
 * const onProgress: DeviceCodeOptions['onProgress'] = (message, event) => {
 *   if (event.type === 'waiting') spinner.text = `${message} (${Math.round((event.expiresAt! - Date.now()) / 1000)} s left)`;
 * };
 * ```
 */
export interface DeviceCodeProgress {
  type: OAuth2Progress['type'] | 'device-authorization' | 'waiting' | 'slow-down' | 'approved';
  message: string;
  /** When the code expires, epoch ms (on `waiting` and `slow-down`). */
  expiresAt?: number;
  /** The polling interval now in force, seconds (on `waiting` and `slow-down`). */
  interval?: number;
}

/**
 * Options of {@link createDeviceCodeProvider}: the shared OAuth 2 options (`issuer` or
 * `deviceAuthorizationUrl` + `tokenUrl`, `clientId`, `clientSecret`, `authMethod`, `scopes`,
 * `authorizationParams`, `store`, `fetch`, `now`, `timeoutMs`, `refreshSkewSeconds`)
 * plus the device flow's own.
 */
export interface DeviceCodeOptions extends OAuth2ClientOptions {
  /** The device authorization endpoint (RFC 8628 3.1), e.g. `https://github.com/login/device/code`. With `issuer`, discovered as `device_authorization_endpoint`. */
  deviceAuthorizationUrl?: string | URL;
  /**
   * Shows the person the user code and where to enter it; called once per login, before polling
   * starts. A rejection ends the login. Without it, a login that needs a person throws `login_required`.
   */
  onCode?: (info: DeviceCodeInfo) => unknown;
  /** Progress for a spinner or a log. */
  onProgress?: (message: string, event: DeviceCodeProgress) => void;
  /** Waits `ms` between polls (rejecting when `signal` aborts). Default: a timer. Inject one with a fake clock in tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}
