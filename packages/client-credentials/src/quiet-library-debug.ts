import { createRequire } from 'node:module';

interface DebugModule {
  enable(namespaces: string): void;
  disable(): string;
}

async function libraryDebugs(): Promise<DebugModule[]> {
  // The `debug` this module imports: in the CLI's bundle, the one copy simple-oauth2 uses too.
  const imported: DebugModule = (await import('debug')).default;
  let resolved: DebugModule | undefined;
  try {
    // The `debug` that an installed simple-oauth2 resolves (the library, unbundled).
    resolved = createRequire(createRequire(import.meta.url).resolve('simple-oauth2'))('debug') as DebugModule;
  } catch {
    // Bundled with no simple-oauth2 on disk: the imported copy is the one.
  }
  // Both, when they differ: a bundle run inside a tree that also has simple-oauth2 installed
  // resolves the on-disk copy, while the bundled simple-oauth2 logs through the bundled one.
  return resolved && resolved !== imported ? [imported, resolved] : [imported];
}

/**
 * Turns off simple-oauth2's `debug` output, whatever `DEBUG` says. With `DEBUG=*` (which also
 * enables tokensmith's own, masked logs) simple-oauth2 prints its request options verbatim: the
 * HTTP Basic credentials (the client secret, base64) and, with `authMethod: 'body'`, the
 * `client_secret` form field. Every other namespace the user enabled stays on; tokensmith logs
 * the token request itself, masked. Call it after simple-oauth2 is loaded.
 *
 * The `debug` to silence is simple-oauth2's own copy: the one resolved from where simple-oauth2
 * is installed, and the one imported here (in the CLI's bundle, esbuild put both simple-oauth2
 * and `debug` inside, and a simple-oauth2 on disk, if any, is not the one that runs). Both are
 * quieted when they differ.
 *
 * @example
 * ```ts
 * const { default: simpleOAuth2 } = await import('simple-oauth2');
 * await quietLibraryDebug();
 * ```
 */
export async function quietLibraryDebug(): Promise<void> {
  for (const debug of await libraryDebugs()) {
    const enabled = debug.disable();
    if (enabled === '') continue;
    const kept = enabled.split(/[\s,]+/).filter((name) => name !== '' && !name.startsWith('simple-oauth2'));
    debug.enable([...kept, '-simple-oauth2:*'].join(','));
  }
}
