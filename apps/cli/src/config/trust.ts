import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedConfig } from './load.js';
import { userConfigDir } from './locate.js';
import { writeFileAtomic } from '../files/safe-write.js';
import { CliError } from '../cli-error.js';

// A config in the working directory may be a cloned repository's: it can name any environment
// variable (`clientSecret: ${AWS_SECRET_ACCESS_KEY}`) and any URL. As direnv does with `.envrc`,
// such a file is used only once the user has allowed it, at its current content: `tokensmith
// trust` (or "y" at the prompt on a terminal) records its real path and SHA-256 in the user's
// config dir; any change to the file asks again. A file that references only TOKENSMITH_*
// variables (or names the user listed) and is owned by the user needs no trust. `--config PATH`
// and the user-level config are the user's own choice and always trusted.

/** Variables every config may reference without trust. */
export const ALWAYS_ALLOWED_VARIABLE = /^TOKENSMITH_/;

/** The environment variable listing more variable names (comma-separated) that need no trust, for CI. */
export const TRUSTED_VARIABLES_ENV = 'TOKENSMITH_TRUSTED_VARIABLES';

/** The file (in the user's config dir) that records trusted config files and allowed variable names. */
export function trustFilePath(env: NodeJS.ProcessEnv): string {
  return join(userConfigDir(env), 'trust.json');
}

interface TrustFile {
  /** Variable names any config may reference (edited by the user). */
  variables: string[];
  /** Config files allowed at one content, by real path. */
  files: Array<{ path: string; sha256: string; trustedAt: string }>;
}

function readTrust(env: NodeJS.ProcessEnv): TrustFile {
  try {
    const parsed = JSON.parse(readFileSync(trustFilePath(env), 'utf8')) as Partial<TrustFile>;
    return {
      variables: Array.isArray(parsed.variables) ? parsed.variables.filter((v): v is string => typeof v === 'string') : [],
      files: Array.isArray(parsed.files) ? parsed.files.filter((f) => f && typeof f.path === 'string' && typeof f.sha256 === 'string') : [],
    };
  } catch {
    return { variables: [], files: [] };
  }
}

function fileDigest(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Why a config needs the user's trust before it is used; empty when it does not. */
export interface TrustCheck {
  /** Whether the file must be trusted first. */
  required: boolean;
  /** The file is owned by another user. */
  foreignOwner: boolean;
  /** Variables it references outside the allow-list. */
  variables: string[];
  /** Every variable it references. */
  allVariables: string[];
  /** The hosts its providers contact. */
  hosts: string[];
}

function hostsOf(loaded: LoadedConfig): string[] {
  const hosts = new Set<string>();
  for (const entry of loaded.entries) {
    for (const [key, value] of Object.entries(entry.config ?? {})) {
      const url = key === 'timeline' ? (value as { url?: unknown }).url : /Url$|^issuer$/.test(key) ? value : undefined;
      if (typeof url === 'string' && URL.canParse(url)) hosts.add(new URL(url).host);
    }
  }
  return [...hosts];
}

/** Decides whether a loaded config may be used without asking (see the module comment). */
export function checkTrust(loaded: LoadedConfig, env: NodeJS.ProcessEnv): TrustCheck {
  const allVariables = [...new Set(loaded.entries.flatMap((entry) => entry.variables))];
  const none: TrustCheck = { required: false, foreignOwner: false, variables: [], allVariables, hosts: [] };
  if (loaded.origin !== 'working-directory') return none;
  const trust = readTrust(env);
  const listed = new Set([
    ...trust.variables,
    ...(env[TRUSTED_VARIABLES_ENV] ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  ]);
  const variables = allVariables.filter((name) => !ALWAYS_ALLOWED_VARIABLE.test(name) && !listed.has(name));
  const uid = process.getuid?.();
  const foreignOwner = uid !== undefined && statSync(loaded.path).uid !== uid;
  if (variables.length === 0 && !foreignOwner) return none;
  const real = realpathSync(loaded.path);
  const digest = fileDigest(loaded.path);
  if (trust.files.some((file) => file.path === real && file.sha256 === digest)) return none;
  return { required: true, foreignOwner, variables, allVariables, hosts: hostsOf(loaded) };
}

/** Records a config file as trusted at its current content (`tokensmith trust`). Returns its real path. */
export function trustFile(path: string, env: NodeJS.ProcessEnv): string {
  const real = realpathSync(path);
  const trust = readTrust(env);
  const files = trust.files.filter((file) => file.path !== real);
  files.push({ path: real, sha256: fileDigest(real), trustedAt: new Date().toISOString() });
  mkdirSync(userConfigDir(env), { recursive: true, mode: 0o700 });
  writeFileAtomic(trustFilePath(env), JSON.stringify({ ...trust, files }, null, 2) + '\n');
  return real;
}

/** Adds variable names to the user's allow-list (any config may reference them). Returns the names added. */
export function allowVariables(names: string[], env: NodeJS.ProcessEnv): string[] {
  const bad = names.find((name) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name));
  if (bad !== undefined) throw new CliError('usage', `--allow-variable ${bad}: not a variable name (letters, digits and _)`);
  const trust = readTrust(env);
  const variables = [...new Set([...trust.variables, ...names])];
  mkdirSync(userConfigDir(env), { recursive: true, mode: 0o700 });
  writeFileAtomic(trustFilePath(env), JSON.stringify({ ...trust, variables }, null, 2) + '\n');
  return names;
}

/** Forgets a trusted config file (`tokensmith trust --revoke`); resolves whether it was trusted. */
export function revokeTrust(path: string, env: NodeJS.ProcessEnv): boolean {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    real = path;
  }
  const trust = readTrust(env);
  const files = trust.files.filter((file) => file.path !== real);
  if (files.length === trust.files.length) return false;
  writeFileAtomic(trustFilePath(env), JSON.stringify({ ...trust, files }, null, 2) + '\n');
  return true;
}

/** The sentence that says why a file needs trust (no values, only names). */
export function trustReason(path: string, check: TrustCheck): string {
  const parts: string[] = [];
  if (check.foreignOwner) parts.push('is owned by another user');
  if (check.variables.length > 0)
    parts.push(
      `sends environment variable${check.variables.length === 1 ? '' : 's'} ${check.variables.join(', ')}${check.hosts.length ? ` to ${check.hosts.join(', ')}` : ''}`,
    );
  return `${path} (found in the working directory) ${parts.join(' and ')}`;
}
