// RFC 7235 section 4.1 `WWW-Authenticate`: one or more challenges, each an auth scheme followed by
// comma-separated `name=value` parameters (a token or a quoted-string) or a token68. Resource
// servers say there why a token was refused (RFC 6750 section 3: `error`, `error_description`,
// `scope`; RFC 9449 section 7.1: the `DPoP` scheme with `algs`).

/** One challenge: its scheme (lower-cased) and parameters (names lower-cased, values unquoted). */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const PARAM = new RegExp(`^\\s*(${TOKEN})\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|(${TOKEN}))\\s*(,|$)`);
const SCHEME = new RegExp(`^\\s*(${TOKEN})(?:\\s+|\\s*(?:,|$))`);
const TOKEN68 = /^\s*([A-Za-z0-9\-._~+/]+=*)\s*(,|$)/;

/**
 * Parses a `WWW-Authenticate` header value into its challenges; what cannot be parsed ends the list.
 *
 * @example
 * ```ts
 * parseChallenges('Bearer realm="api", error="insufficient_scope", scope="read write"');
 * // [{ scheme: 'bearer', params: { realm: 'api', error: 'insufficient_scope', scope: 'read write' } }]
 * ```
 */
export function parseChallenges(header: string | null): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let rest = header ?? '';
  while (rest.trim() !== '') {
    const scheme = SCHEME.exec(rest);
    if (!scheme) break;
    const challenge: AuthChallenge = { scheme: scheme[1]!.toLowerCase(), params: {} };
    challenges.push(challenge);
    rest = rest.slice(scheme[0].length);
    if (scheme[0].trimEnd().endsWith(',')) continue;
    for (;;) {
      const param = PARAM.exec(rest);
      if (param) {
        const value = param[2] === undefined ? param[3]! : param[2].replace(/\\(.)/g, '$1');
        challenge.params[param[1]!.toLowerCase()] = value;
        rest = rest.slice(param[0].length);
        continue;
      }
      // A token68 (Basic's credentials form, Negotiate's) stands alone after the scheme.
      const token68 = Object.keys(challenge.params).length === 0 ? TOKEN68.exec(rest) : null;
      if (token68) rest = rest.slice(token68[0].length);
      break;
    }
  }
  return challenges;
}

/**
 * The RFC 6750 error a Bearer (or DPoP) challenge carries, with the scopes it asks for, if any.
 *
 * @example
 * ```ts
 * bearerError('Bearer error="insufficient_scope", scope="read:notifications"'); // { error: 'insufficient_scope', scopes: ['read:notifications'] }
 * ```
 */
export function bearerError(header: string | null): { error: string; description?: string; scopes: string[] } | undefined {
  for (const challenge of parseChallenges(header)) {
    if (challenge.scheme !== 'bearer' && challenge.scheme !== 'dpop') continue;
    const error = challenge.params.error;
    if (error === undefined) continue;
    return {
      error,
      ...(challenge.params.error_description === undefined ? {} : { description: challenge.params.error_description }),
      scopes: (challenge.params.scope ?? '').split(' ').filter(Boolean),
    };
  }
  return undefined;
}
