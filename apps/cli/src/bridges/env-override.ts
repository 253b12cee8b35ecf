import type { BearerCredentials, TokenProvider } from '@tokensmith/core';

// A token from the environment instead of the store: a CI secret or a token issued elsewhere is
// used as is (never written to the store), provider by provider, under a name that cannot collide
// with tokensmith's own variables (TOKENSMITH_TOKEN_FILE, and TOKENSMITH_TOKEN/_EXPIRES_AT that
// `token --format env` prints).

/**
 * The environment variable that overrides a provider's stored token: `TOKENSMITH_<NAME>_TOKEN`,
 * the name upper-cased with every character other than a letter or digit written `_`.
 *
 * @example
 * ```ts
 * tokenOverrideVariable('github-work'); // 'TOKENSMITH_GITHUB_WORK_TOKEN'
 * ```
 */
export function tokenOverrideVariable(provider: string): string {
  return `TOKENSMITH_${provider.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_TOKEN`;
}

/**
 * The token `TOKENSMITH_<NAME>_TOKEN` gives for a provider, as bearer credentials with no expiry
 * (the one who set it decides its life), or `undefined` when the variable is unset or empty. Every
 * command that uses a token asks this one function, so they all agree.
 *
 * @example
 * ```ts
 * overrideToken({ TOKENSMITH_GITHUB_TOKEN: 'gho_x' }, 'github'); // { type: 'bearer', accessToken: 'gho_x' }
 * ```
 */
export function overrideToken(env: NodeJS.ProcessEnv, provider: string): BearerCredentials | undefined {
  const value = env[tokenOverrideVariable(provider)]?.trim();
  return value === undefined || value === '' ? undefined : { type: 'bearer', accessToken: value };
}

/**
 * A provider whose token is the override: `getToken`/`peek` give it and `authorize` sends it as a
 * Bearer header, without reading or writing the store (an override is never stored). `invalidate`
 * does nothing: a rejected override can only be replaced by whoever set it.
 *
 * @example
 * ```ts
 * const provider = withOverride(built, { type: 'bearer', accessToken: process.env.TOKENSMITH_X_TOKEN! });
 * ```
 */
export function withOverride<P extends TokenProvider>(provider: P, token: BearerCredentials): P {
  return Object.assign(Object.create(provider) as P, {
    getToken: () => Promise.resolve(token),
    peek: () => Promise.resolve(token),
    authorize: () => Promise.resolve({ Authorization: `Bearer ${token.accessToken}` }),
    invalidate: () => Promise.resolve(),
  });
}
