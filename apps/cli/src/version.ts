/** The version printed by `--version`: the package's (apps/pack-test checks the two are equal). */
export const VERSION = '0.1.0';

/**
 * The one line `tokensmith --version` prints: the version, then Node's version and the platform, as
 * a bug report needs them (`node --version` and `uname` in one go). Nothing here is loaded or asked
 * of the system beyond `process`, so the quick path (help/quick.ts) prints it without the CLI.
 *
 * @example
 * ```ts
 * versionLine(); // 'tokensmith 0.1.0 (node v20.20.0; linux-x64)'
 * ```
 */
export function versionLine(runtime: { version: string; platform: string; arch: string } = process): string {
  return `tokensmith ${VERSION} (node ${runtime.version}; ${runtime.platform}-${runtime.arch})`;
}
