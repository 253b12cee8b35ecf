import { createRequire } from 'node:module';

interface DebugModule {
  enable(namespaces: string): void;
  disable(): string;
}

async function libraryDebug(): Promise<DebugModule> {
  let simpleOAuth2Path: string;
  try {
    simpleOAuth2Path = createRequire(import.meta.url).resolve('simple-oauth2');
  } catch {
    // Bundled (the CLI): simple-oauth2 and its `debug` live inside the bundle, as one copy.
    return (await import('debug')).default;
  }
  // The `debug` that simple-oauth2 resolves (the same instance: one copy in the tree, pinned).
  return createRequire(simpleOAuth2Path)('debug') as DebugModule;
}

/**
 * Turns off simple-oauth2's `debug` output, whatever `DEBUG` says. With `DEBUG=*` (which also
 * enables tokensmith's own, masked logs) simple-oauth2 prints its request options verbatim: the
 * HTTP Basic credentials (the client secret, base64) and, with `authMethod: 'body'`, the
 * `client_secret` form field. Every other namespace the user enabled stays on; tokensmith logs
 * the token request itself, masked. Call it after simple-oauth2 is loaded.
 *
 * The `debug` to silence is simple-oauth2's own copy, resolved from where simple-oauth2 is
 * installed. In the CLI's bundle there is no simple-oauth2 on disk to resolve from: esbuild put
 * both in the bundle, and the `debug` imported here is the one copy simple-oauth2 uses too.
 *
 * @example
 * ```ts
 * const { default: simpleOAuth2 } = await import('simple-oauth2');
 * await quietLibraryDebug();
 * ```
 */
export async function quietLibraryDebug(): Promise<void> {
  const debug = await libraryDebug();
  const enabled = debug.disable();
  if (enabled === '') return;
  const kept = enabled.split(/[\s,]+/).filter((name) => name !== '' && !name.startsWith('simple-oauth2'));
  debug.enable([...kept, '-simple-oauth2:*'].join(','));
}
