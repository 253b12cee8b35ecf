import * as oidc from 'openid-client';
import type { BearerCredentials, LogoutResult } from '@tokensmith/core/kit';
import { toTokensmithError } from './openid-errors.js';
import type { OAuth2Progress } from './progress.js';

/**
 * Revokes the refresh token, then the access token (RFC 7009 2.1; revoking the refresh token
 * first means a server that cascades stops both). A server without a revocation endpoint is
 * skipped; a failure is reported through `progress` and never thrown: logging out always
 * forgets locally, whatever the server says. Returns what happened, for the caller to say.
 *
 * @example
 * ```ts
 * await revokeTokens(configure(server, client), current, progress);
 * await tokens.drop();
 * ```
 */
export async function revokeTokens(
  config: oidc.Configuration,
  current: BearerCredentials,
  progress: (event: OAuth2Progress) => void,
): Promise<LogoutResult> {
  const endpointUrl = config.serverMetadata().revocation_endpoint;
  if (!endpointUrl) return { revocation: 'unsupported' };
  const endpoint = new URL(endpointUrl).origin;
  const targets: Array<[string | undefined, 'refresh_token' | 'access_token']> = [
    [current.refreshToken, 'refresh_token'],
    [current.accessToken, 'access_token'],
  ];
  let failure: string | undefined;
  for (const [token, hint] of targets) {
    if (token === undefined) continue;
    const label = hint === 'refresh_token' ? 'refresh token' : 'access token';
    progress({ type: 'revoke', message: `Revoking the ${label}` });
    try {
      await oidc.tokenRevocation(config, token, { token_type_hint: hint });
    } catch (error) {
      const mapped = await toTokensmithError(error, 'token revocation', config.serverMetadata().revocation_endpoint);
      failure ??= `the ${label}: ${mapped.message}`;
      progress({ type: 'revoke-failed', message: `Could not revoke the ${label} (${mapped.message}); it is forgotten locally anyway` });
    }
  }
  return failure === undefined ? { revocation: 'revoked', endpoint } : { revocation: 'failed', endpoint, reason: failure };
}
