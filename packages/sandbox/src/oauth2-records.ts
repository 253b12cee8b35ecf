import type { SandboxState } from './state.js';

// What the OAuth 2 user grants remember, in one place (`state.extensions.oauth2User`) so that a
// test can reach every secret the sandbox issued (codes, device codes, tokens) to prove that none
// of them leaks.

/** A validated authorization request waiting on the consent page. */
export interface PendingRequest {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string | undefined;
  codeChallenge: string;
  nonce: string | undefined;
  /** RFC 8707 `resource` values of the authorization request. */
  resources: string[];
  expiresAt: number;
}

/** An issued authorization code. `grantId` is set once tokens were issued from it. */
export interface CodeRecord {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string;
  nonce: string | undefined;
  resources: string[];
  authTime: number;
  expiresAt: number;
  used: boolean;
  grantId: string | undefined;
}

/** A device authorization (RFC 8628) from its request to its single use. */
export interface DeviceRecord {
  clientId: string;
  /** Normalised: upper case, no dash (`WDJBMJHT`). */
  userCode: string;
  scopes: string[];
  resources: string[];
  expiresAt: number;
  /** Seconds the client must wait between polls; grows by 5 on each `slow_down`. */
  intervalSeconds: number;
  /** When the client last polled (epoch ms), undefined before its first poll. */
  lastPollAt: number | undefined;
  /** The CSRF token of the consent page last shown for this code. */
  formToken: string | undefined;
  status: 'pending' | 'approved' | 'denied' | 'used';
  authTime: number | undefined;
}

/** One authorization: every access and refresh token issued from one code or device code (and its refreshes). */
export interface Grant {
  clientId: string;
  scopes: string[];
  /** RFC 8707 resources the authorization was bound to (empty: not audience-restricted). */
  resources: string[];
  /** Whether refresh tokens are issued on this grant (`offline.access` or `offline_access` granted). */
  offline: boolean;
  /** The DPoP key (thumbprint) the grant's tokens are bound to: every refresh must prove it (RFC 9449 5). */
  jkt?: string;
  accessTokens: Set<string>;
  refreshTokens: Set<string>;
}

/** The OAuth 2 user grants' memory in `state.extensions.oauth2User`. */
export interface OAuth2UserData {
  /** consent page request id -> request */
  requests: Map<string, PendingRequest>;
  codes: Map<string, CodeRecord>;
  /** device code -> record */
  deviceCodes: Map<string, DeviceRecord>;
  /** normalised user code -> device code */
  userCodes: Map<string, string>;
  grants: Map<string, Grant>;
  /** refresh token -> grant id */
  refreshTokens: Map<string, string>;
  /** access token -> grant id */
  accessTokens: Map<string, string>;
}

/**
 * The OAuth 2 user grants' memory of a sandbox (created on first use).
 *
 * @example
 * ```ts
 * oauth2Data(sandbox.state).grants.size; // authorizations with live tokens
 * ```
 */
export function oauth2Data(state: SandboxState): OAuth2UserData {
  return ((state.extensions.oauth2User as OAuth2UserData | undefined) ??= {
    requests: new Map(),
    codes: new Map(),
    deviceCodes: new Map(),
    userCodes: new Map(),
    grants: new Map(),
    refreshTokens: new Map(),
    accessTokens: new Map(),
  });
}
