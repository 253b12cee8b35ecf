import type { Credentials } from '@tokensmith/core';
import { formatToken } from './token-formats.js';

/**
 * Whether a token is bound to a key (DPoP, RFC 9449 `token_type: DPoP`): a bare header cannot
 * carry it. Read from the credentials' `tokenType`, which a DPoP-aware strategy records.
 *
 * @example
 * ```ts
 * isSenderConstrained({ type: 'bearer', accessToken: 'AAAA' }); // false
 * ```
 */
export function isSenderConstrained(credentials: Credentials): boolean {
  if (credentials.type !== 'bearer') return false;
  const tokenType = (credentials as { tokenType?: unknown }).tokenType;
  return typeof tokenType === 'string' && tokenType.toLowerCase() === 'dpop';
}

/**
 * The token itself, for a program that sends it as a bearer token (`exec`, the git helper). An
 * OAuth 1.0a or DPoP-bound token is refused with the same words as `token --format header`.
 *
 * @example
 * ```ts
 * bareToken({ type: 'bearer', accessToken: 'AAAA' }, { provider: 'x', strategy: 'client-credentials' }); // 'AAAA'
 * ```
 */
export function bareToken(credentials: Credentials, context: { provider: string; strategy: string }): string {
  // formatToken owns the refusal wording; the header it builds is thrown away.
  formatToken(credentials, 'header', { ...context, senderConstrained: isSenderConstrained(credentials) });
  return credentials.type === 'bearer' ? credentials.accessToken : '';
}
