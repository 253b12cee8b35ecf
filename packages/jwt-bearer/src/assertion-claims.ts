import { randomBytes } from 'node:crypto';

/**
 * How long a signed assertion lives unless told otherwise, seconds: long enough for one request,
 * short enough that a captured one is soon useless (RFC 7523 3 asks for a limited lifetime).
 *
 * @example
 * ```ts
 * assertionClaims({ issuer: 'robot', subject: 'robot', audience: tokenUrl, now: Date.now() }).exp; // iat + 60
 * ```
 */
export const DEFAULT_ASSERTION_LIFETIME_SECONDS = 60;

/** The claims of an RFC 7523 2.1 / 3 assertion. */
export interface AssertionClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  iat: number;
  exp: number;
  jti: string;
}

/**
 * The claims of one assertion (RFC 7523 3): `iss`, `sub`, `aud` (the token endpoint unless
 * configured), `iat` now, `exp` a short while later, and a fresh random `jti` (node:crypto), so
 * the server can refuse a replay.
 *
 * @example
 * ```ts
 * assertionClaims({ issuer: 'deploy-bot', subject: 'deploy-bot', audience: 'https://auth.example.com/token', now: 1_700_000_000_000 });
 * // { iss: 'deploy-bot', sub: 'deploy-bot', aud: 'https://auth.example.com/token', iat: 1700000000, exp: 1700000060, jti: '…' }
 * ```
 */
export function assertionClaims(input: {
  issuer: string;
  subject: string;
  audience: string | readonly string[];
  now: number;
  lifetimeSeconds?: number;
}): AssertionClaims {
  const iat = Math.floor(input.now / 1000);
  return {
    iss: input.issuer,
    sub: input.subject,
    aud: typeof input.audience === 'string' ? input.audience : [...input.audience],
    iat,
    exp: iat + (input.lifetimeSeconds ?? DEFAULT_ASSERTION_LIFETIME_SECONDS),
    jti: randomBytes(16).toString('base64url'),
  };
}
