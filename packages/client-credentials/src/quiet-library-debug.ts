import { createRequire } from 'node:module';

interface DebugModule {
  enable(namespaces: string): void;
  disable(): string;
}

/**
 * Turns off simple-oauth2's `debug` output, whatever `DEBUG` says. With `DEBUG=*` (which also
 * enables tokensmith's own, masked logs) simple-oauth2 prints its request options verbatim: the
 * HTTP Basic credentials (the client secret, base64) and, with `authMethod: 'body'`, the
 * `client_secret` form field. Every other namespace the user enabled stays on; tokensmith logs
 * the token request itself, masked. Call it after simple-oauth2 is loaded.
 *
 * @example
 * ```ts
 * const { default: simpleOAuth2 } = await import('simple-oauth2');
 * quietLibraryDebug();
 * ```
 */
export function quietLibraryDebug(): void {
  // The `debug` that simple-oauth2 resolves (the same instance: one copy in the tree, pinned).
  const debug = createRequire(createRequire(import.meta.url).resolve('simple-oauth2'))('debug') as DebugModule;
  const enabled = debug.disable();
  if (enabled === '') return;
  const kept = enabled.split(/[\s,]+/).filter((name) => name !== '' && !name.startsWith('simple-oauth2'));
  debug.enable([...kept, '-simple-oauth2:*'].join(','));
}
