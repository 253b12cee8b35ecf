// The endpoint URLs of a sandbox, for client configs and tests.

/** Every endpoint URL of a sandbox. */
export interface SandboxEndpoints {
  tokenUrl: string;
  invalidateTokenUrl: string;
  timelineUrl: string;
  requestTokenUrl: string;
  authorizeUrl: string;
  accessTokenUrl: string;
  oauth2AuthorizeUrl: string;
  revocationUrl: string;
  /** RFC 7662 introspection (shows `aud` of audience-bound tokens). */
  introspectionUrl: string;
  /** RFC 8628 device authorization endpoint. */
  deviceAuthorizationUrl: string;
  /** The page where a person enters a device's user code (`verification_uri`). */
  deviceVerificationUrl: string;
  /** RFC 9126 pushed authorization request endpoint. */
  parUrl: string;
  /** The RFC 8707 resource indicator of the v1.1 API (the timeline). */
  apiResource: string;
  issuer: string;
}

/**
 * Builds the endpoint URLs for a base URL.
 *
 * @example
 * ```ts
 * sandboxEndpoints('http://127.0.0.1:8787').tokenUrl; // 'http://127.0.0.1:8787/oauth2/token'
 * ```
 */
export function sandboxEndpoints(baseUrl: string): SandboxEndpoints {
  const at = (path: string) => new URL(path, baseUrl).href;
  return {
    tokenUrl: at('/oauth2/token'),
    invalidateTokenUrl: at('/oauth2/invalidate_token'),
    timelineUrl: at('/1.1/statuses/user_timeline.json'),
    requestTokenUrl: at('/oauth/request_token'),
    authorizeUrl: at('/oauth/authorize'),
    accessTokenUrl: at('/oauth/access_token'),
    oauth2AuthorizeUrl: at('/oauth2/authorize'),
    revocationUrl: at('/oauth2/revoke'),
    introspectionUrl: at('/oauth2/introspect'),
    deviceAuthorizationUrl: at('/oauth2/device_authorization'),
    deviceVerificationUrl: at('/device'),
    parUrl: at('/oauth2/par'),
    apiResource: at('/1.1/'),
    issuer: baseUrl.replace(/\/$/, ''),
  };
}
