/**
 * Whether a command may register a client when the config has no `clientId`, and what the server
 * is known to be. `login` registers; `logout` never does (it only forgets what is stored); a
 * `--instance` login knows the server is a Mastodon instance, so `/api/v1/apps` is tried even where
 * its metadata names no registration endpoint.
 *
 * @example
 * ```ts
 * const policy: RegistrationPolicy = { register: true, assume: 'mastodon' };
 * ```
 */
export interface RegistrationPolicy {
  /** Register when nothing usable is stored (default true). */
  register?: boolean;
  /** The kind of server this is known to be (from `--instance`). */
  assume?: 'mastodon';
}

/**
 * The out-of-band redirect URI (the server shows the code to paste), as `redirectUri` may be set;
 * the same value as @tokensmith/authorization-code's `OOB_REDIRECT_URI`, kept here so that checking
 * a config does not load the strategy.
 *
 * @example
 * ```ts
 * config.redirectUri === OOB_REDIRECT_URI; // paste the code
 * ```
 */
export const OOB_REDIRECT_URI = 'urn:ietf:wg:oauth:2.0:oob';

/** What tokensmith calls itself when it registers (`client_name`), and its `website`. */
export const CLIENT_IDENTITY = { name: 'tokensmith', website: 'https://github.com/tokensmith/tokensmith' } as const;

/**
 * The redirect URI a registered client is registered with: the configured one, else loopback with
 * any port (RFC 8252 7.3), as the authorization-code strategy's default.
 *
 * @example
 * ```ts
 * registeredRedirectUri({}); // 'http://127.0.0.1/callback'
 * ```
 */
export function registeredRedirectUri(config: { redirectUri?: string | undefined }): string {
  return config.redirectUri ?? 'http://127.0.0.1/callback';
}

/**
 * A client id no server issued: used when nothing is registered and the command may not register
 * (logout, or no person to log in). No token is ever stored under it, so the command finds nothing
 * stored and says so (or asks for a login).
 */
export const UNREGISTERED_CLIENT_ID = 'unregistered';
