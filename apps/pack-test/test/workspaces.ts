import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** What the tests need to know of one publishable workspace. */
export interface PublicWorkspace {
  name: string;
  version: string;
  /** Relative to the root, e.g. `packages/core`. */
  dir: string;
  manifest: Record<string, unknown> & { exports?: Record<string, unknown>; bin?: Record<string, string>; types?: string };
  /** The subpaths a user imports (`.`, `./kit`), without `./package.json` and test-only ones. */
  entrypoints: string[];
}

/**
 * Every workspace that publishes (`packages/*` and `apps/*` without `private: true`), found by
 * reading the package.json files, so a new package is checked without editing a list.
 */
export function publicWorkspaces(): PublicWorkspace[] {
  const found: PublicWorkspace[] = [];
  for (const group of ['packages', 'apps']) {
    for (const entry of readdirSync(join(ROOT, group))) {
      const file = join(ROOT, group, entry, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as PublicWorkspace['manifest'] & {
        name: string;
        version: string;
        private?: boolean;
        testOnlyExports?: string[];
      };
      if (manifest.private) continue;
      const testOnly = new Set(manifest.testOnlyExports ?? []);
      const entrypoints = Object.keys(manifest.exports ?? {}).filter((key) => key !== './package.json' && !testOnly.has(key));
      found.push({ name: manifest.name, version: manifest.version, dir: `${group}/${entry}`, manifest, entrypoints });
    }
  }
  return found;
}

/** The specifier of a subpath: `@tokensmith/core` for `.`, `@tokensmith/core/kit` for `./kit`. */
export function specifier(name: string, subpath: string): string {
  return subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
}

/**
 * The environment for nested npm/node runs: the parent npm's `npm_*` variables (workspace,
 * prefix, lifecycle event...) would leak into them, so they go; the registry and cache settings
 * come from the user's npmrc as for any command.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && !/^npm_config_(registry|cache|userconfig|globalconfig)$/i.test(key)) continue;
    if (key === 'NODE_OPTIONS' || key.startsWith('JEST_')) continue;
    env[key] = value;
  }
  return { ...env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extra };
}

/** The outcome of a child process. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion without a shell (never throws on a non-zero exit). */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env ?? cleanEnv(), timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error instanceof Error ? error : new Error('execFile failed'));
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
    // Nothing is typed in: a command that waits for stdin (npm publish does, for a login) gets EOF.
    child.stdin?.end();
  });
}

/** `run`, failing with the command's output when it exits non-zero. */
export async function runOk(command: string, args: string[], options: Parameters<typeof run>[2]): Promise<Ran> {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}
