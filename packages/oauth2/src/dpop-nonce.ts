/**
 * Whether a resource server's answer asks for the request again with its nonce (RFC 9449 9): a
 * 401 whose `WWW-Authenticate` has a `DPoP` challenge with `error="use_dpop_nonce"`.
 *
 * @example
 * ```ts
 * isNonceChallenge(new Response(null, { status: 401, headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"' } })); // true
 * ```
 */
export function isNonceChallenge(response: Response): boolean {
  if (response.status !== 401) return false;
  const challenge = response.headers.get('www-authenticate') ?? '';
  return /(^|,)\s*DPoP\b[^]*\berror\s*=\s*"?use_dpop_nonce"?/i.test(challenge);
}
