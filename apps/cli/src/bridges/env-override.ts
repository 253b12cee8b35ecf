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
