import { TokensmithError, isVschar, type ErrorDetails } from '@tokensmith/core/kit';

// Both endpoints of the PIN flow answer with a token and its secret (RFC 5849 2.1 temporary
// credentials, 2.3 token credentials), as a form; read here once for both.

/**
 * Reads `oauth_token` and `oauth_token_secret` from a token response, refusing values that are
 * not VSCHAR (a CR/LF would break every signed header later). Never echoes them.
 */
export function tokenPair(
  form: URLSearchParams,
  what: string,
  status: number,
  at: ErrorDetails = {},
): { token: string; tokenSecret: string } {
  const token = form.get('oauth_token');
  const tokenSecret = form.get('oauth_token_secret');
  if (!token || tokenSecret === null)
    throw new TokensmithError('invalid_token_response', `${what} (HTTP ${status}) has no oauth_token or oauth_token_secret`, {
      ...at,
      status,
    });
  if (!isVschar(token) || (tokenSecret !== '' && !isVschar(tokenSecret))) {
    throw new TokensmithError(
      'invalid_token_response',
      `${what} (HTTP ${status}) has an oauth_token or oauth_token_secret with characters a token cannot have (control characters or non-ASCII)`,
      { ...at, status },
    );
  }
  return { token, tokenSecret };
}
