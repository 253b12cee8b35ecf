import { mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CONFIG_FILE_NAMES, findDefaultConfigFile, userConfigDir } from './locate.js';
import { envReferences } from './env.js';
import { readConfigFile } from './read.js';
import { writeFileAtomic } from '../files/safe-write.js';
import { CliError } from '../cli-error.js';
import { sanitizeForTerminal } from '../terminal/safety.js';
import { HOST_PARAMS } from '../presets/types.js';
import { STRATEGIES_BY_NAME } from '../strategies/index.js';

/** Fields naming a key file (every adapter's `keyFileFields`). */
const KEY_FILE_FIELDS = [...new Set(Object.values(STRATEGIES_BY_NAME).flatMap((adapter) => adapter.keyFileFields ?? []))];

// A config in the working directory may be a cloned repository's. The rule: anything in
// such a file that decides where a token or a secret goes is used only once the user has allowed the
// file at its current content, as direnv does with `.envrc`: `tokensmith trust` (or "y" at the prompt
// on a terminal) records its real path and the SHA-256 of the very bytes that were parsed; any change
// asks again. What decides where things go:
// - every `${VAR}` reference (the value leaves the machine), except TOKENSMITH_* names and the names
//   the user allowed (`tokensmith trust --allow-variable`, or TOKENSMITH_TRUSTED_VARIABLES for CI);
//   the allow-list covers variables only: it never makes a URL or a store setting trusted;
// - every URL whose host is not loopback (127.0.0.0/8, ::1, localhost). A loopback URL keeps what is
//   sent on this machine (the sandbox, a local test server), which a repository cannot listen on;
// - a `store` that names a location (`file:PATH`, `redis://...`). The plain kinds (`auto`,
//   `keychain`, `file`, `memory`) only pick among the user's own default places;
// - a key file (`privateKey: PATH`, an adapter's `keyFileFields`): the file would sign for the
//   repository's provider with a key of the user's. `${VAR}` holding the key itself is a variable;
// - a program to run or a local file whose content is sent: a token source's `command` (a
//   repository must never get to run a program) or `file`. A token source's `env: NAME` reads a
//   variable, so it counts as a `${NAME}` reference;
// - a file owned by another user, whatever it holds.
// Until then nothing in the file is substituted (not even in `store`), so neither validation errors
// nor a store can see a variable's value. `--config PATH` and the user-level config are the user's own
// choice and always trusted.

/** Variables every config may reference without trust. */
export const ALWAYS_ALLOWED_VARIABLE = /^TOKENSMITH_/;

/** The environment variable listing more variable names (comma-separated) that need no trust, for CI. */
export const TRUSTED_VARIABLES_ENV = 'TOKENSMITH_TRUSTED_VARIABLES';

/** Store settings that name no location of the repository's choosing. */
const PLAIN_STORE_KINDS = new Set(['auto', 'keychain', 'file', 'memory']);

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

/** A config file as read once: where it is, the parsed value (nothing substituted) and its bytes' digest and owner. */
export interface TrustSubject {
  path: string;
  raw: unknown;
  sha256: string;
  uid: number;
}

/** Why a config needs the user's trust before it is used; `required` false when it does not. */
export interface TrustCheck {
  /** Whether the file must be trusted first. */
  required: boolean;
  /** The file is owned by another user. */
  foreignOwner: boolean;
  /** Variables it references outside the allow-list. */
  variables: string[];
  /** Every variable it references. */
  allVariables: string[];
  /** Every host its URLs name. */
  hosts: string[];
  /** The hosts its URLs name that are not loopback. */
  remoteHosts: string[];
  /** The store location it names (`file ~/x`, `redis at host`), if any. */
  store: string | undefined;
  /** The key files its providers name (`privateKey: PATH`). */
  keyFiles: string[];
  /** The file was trusted at another content: it changed since. */
  changed: boolean;
  /** The programs it runs and the local files whose content it sends (token sources, key files). */
  local: string[];
}

const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Every string of a parsed config, without recursion. */
function stringsOf(root: unknown): string[] {
  const strings: string[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') strings.push(value);
    else if (value && typeof value === 'object') stack.push(...(Object.values(value) as unknown[]).reverse()); // reversed: popped in file order
  }
  return strings;
}

/** A `privateKey` value that is a path (not `${ENV}`, not the PEM or JWK text itself). */
function isKeyPath(value: string): boolean {
  const text = value.trim();
  return text !== '' && !/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(text) && !text.startsWith('-----BEGIN') && !text.startsWith('{');
}

/**
 * What the providers' settings do on this machine: the programs token sources run, the files
 * token sources and `privateKey` paths read (their content is sent), and the variables `env`
 * sources read. Keyed by the setting names, so every strategy that takes a token source is covered.
 */
function localEffectsOf(root: unknown): { local: string[]; variables: string[] } {
  const local: string[] = [];
  const variables: string[] = [];
  const providers = (root as { providers?: unknown } | null)?.providers;
  const stack: unknown[] = providers && typeof providers === 'object' ? [providers] : [];
  while (stack.length > 0) {
    const value = stack.pop();
    if (!value || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      stack.push(...(value as unknown[]));
      continue;
    }
    const record = value as Record<string, unknown>;
    if (Array.isArray(record.command)) local.push(`runs the program ${String(record.command[0] ?? '')}`);
    if (typeof record.file === 'string') local.push(`sends the content of the file ${record.file}`);
    if (typeof record.env === 'string') variables.push(record.env);
    stack.push(...Object.values(record));
  }
  return { local: [...new Set(local)], variables };
}

/** The host of a URL-looking string (any scheme with an authority), without its userinfo. */
function hostOf(text: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim()) || !URL.canParse(text.trim())) return undefined;
  return new URL(text.trim()).host || undefined;
}

/**
 * The hosts a provider's preset template params choose (`instance: fosstodon.org`, `domain:`): a
 * preset's own URLs are fixed public URLs chosen by tokensmith, but the host a config puts into them
 * is the repository's choice, as much as a URL it writes.
 */
function templatedHosts(raw: unknown): string[] {
  const providers = (raw as { providers?: unknown } | null)?.providers;
  if (!providers || typeof providers !== 'object') return [];
  const hosts: string[] = [];
  for (const provider of Object.values(providers as Record<string, unknown>)) {
    if (!provider || typeof provider !== 'object') continue;
    for (const param of HOST_PARAMS) {
      const value = (provider as Record<string, unknown>)[param];
      if (typeof value === 'string' && value.trim() !== '') hosts.push(value.trim().toLowerCase());
    }
  }
  return hosts;
}

function describeStore(store: unknown): string | undefined {
  if (store === undefined || (typeof store === 'string' && PLAIN_STORE_KINDS.has(store))) return undefined;
  if (typeof store !== 'string') return 'a store setting of its own';
  if (store.startsWith('file:')) return `the file ${store.slice('file:'.length)}`;
  const host = hostOf(store);
  // Never the whole URL: it may carry a password.
  return host ? `the store at ${host}` : 'a store of its own';
}

/** The key file paths a config's providers name: their `keyFileFields` values that are neither key material nor only `${VAR}`. */
function keyFilesOf(raw: unknown): string[] {
  const providers = (raw as { providers?: unknown } | null)?.providers;
  if (!providers || typeof providers !== 'object') return [];
  const files: string[] = [];
  for (const provider of Object.values(providers as Record<string, unknown>)) {
    if (!provider || typeof provider !== 'object') continue;
    for (const field of KEY_FILE_FIELDS) {
      const value = (provider as Record<string, unknown>)[field];
      if (typeof value !== 'string' || !isKeyPath(value)) continue;
      files.push(value);
    }
  }
  return [...new Set(files)];
}

/** The variable names allowed in any config: TOKENSMITH_* and the user's and CI's lists. */
function allowedVariables(env: NodeJS.ProcessEnv, trust: TrustFile): (name: string) => boolean {
  const listed = new Set([
    ...trust.variables,
    ...(env[TRUSTED_VARIABLES_ENV] ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  ]);
  return (name) => ALWAYS_ALLOWED_VARIABLE.test(name) || listed.has(name);
}

/**
 * The part of the environment an untrusted file may see: only the variables allowed in any config
 * (TOKENSMITH_* and the user's and CI's lists). Whatever else the file names stays unsubstituted.
 *
 * @example
 * ```ts
 * allowedEnvironment({ TOKENSMITH_X: '1', AWS_SECRET_ACCESS_KEY: 's' }); // { TOKENSMITH_X: '1' }
 * ```
 */
export function allowedEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const allowed = allowedVariables(env, readTrust(env));
  return Object.fromEntries(Object.entries(env).filter(([name]) => allowed(name)));
}

/**
 * Decides whether a working-directory config may be used without asking (see the module comment),
 * from the parsed but unsubstituted value and the digest of the bytes that were parsed.
 *
 * @example
 * ```ts
 * const { text, sha256, uid } = readConfigFile(path);
 * const check = checkTrust({ path, raw: await parseConfigText(text, path), sha256, uid }, process.env);
 * if (check.required) console.error(trustReason(path, check));
 * ```
 */
export function checkTrust(subject: TrustSubject, env: NodeJS.ProcessEnv): TrustCheck {
  const strings = stringsOf(subject.raw);
  const effects = localEffectsOf(subject.raw);
  const allVariables = [...new Set([...strings.flatMap(envReferences), ...effects.variables])];
  const hosts = [...new Set([...strings.map(hostOf).filter((host): host is string => host !== undefined), ...templatedHosts(subject.raw)])];
  const remoteHosts = hosts.filter((host) => !LOOPBACK_HOST.test(host.replace(/:\d+$/, '')));
  const store = describeStore((subject.raw as { store?: unknown } | null)?.store);
  const keyFiles = keyFilesOf(subject.raw);
  const trust = readTrust(env);
  const allowed = allowedVariables(env, trust);
  const variables = allVariables.filter((name) => !allowed(name));
  const uid = process.getuid?.();
  const foreignOwner = uid !== undefined && subject.uid !== uid;
  const { local } = effects;
  const check: TrustCheck = {
    required: false,
    foreignOwner,
    variables,
    allVariables,
    hosts,
    remoteHosts,
    store,
    keyFiles,
    changed: false,
    local,
  };
  if (
    variables.length === 0 &&
    remoteHosts.length === 0 &&
    store === undefined &&
    keyFiles.length === 0 &&
    !foreignOwner &&
    local.length === 0
  )
    return check;
  const real = realpathSync(subject.path);
  const recorded = trust.files.filter((file) => file.path === real);
  if (recorded.some((file) => file.sha256 === subject.sha256)) return check;
  return { ...check, required: true, changed: recorded.length > 0 };
}

/**
 * Records a config file as trusted at one content (`tokensmith trust`, `init`): the SHA-256 of the
 * bytes that were parsed when given (so the trusted content is the content read), else of the file as
 * read now. Returns its real path.
 *
 * @example
 * ```ts
 * trustFile('/work/repo/tokensmith.config.yaml', process.env); // '/work/repo/tokensmith.config.yaml'
 * ```
 */
export function trustFile(path: string, env: NodeJS.ProcessEnv, sha256: string = readConfigFile(path).sha256): string {
  const real = realpathSync(path);
  const trust = readTrust(env);
  const files = trust.files.filter((file) => file.path !== real);
  files.push({ path: real, sha256, trustedAt: new Date().toISOString() });
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

/**
 * The sentence that says why a file needs trust: names and hosts only, never a value, neutralised
 * for the terminal (a directory name can hold escape sequences).
 *
 * @example
 * ```ts
 * trustReason('/repo/tokensmith.config.yaml', check);
 * // '/repo/tokensmith.config.yaml (found in the working directory) sends environment variable AWS_KEY to api.example'
 * ```
 */
export function trustReason(path: string, check: TrustCheck): string {
  const parts: string[] = [];
  if (check.foreignOwner) parts.push('is owned by another user');
  if (check.variables.length > 0)
    parts.push(
      `sends environment variable${check.variables.length === 1 ? '' : 's'} ${check.variables.join(', ')}${check.hosts.length ? ` to ${check.hosts.join(', ')}` : ''}`,
    );
  else if (check.remoteHosts.length > 0) parts.push(`sends credentials and tokens to ${check.remoteHosts.join(', ')}`);
  if (check.store) parts.push(`keeps tokens in ${check.store}`);
  if (check.keyFiles.length > 0)
    parts.push(`signs with the key file${check.keyFiles.length === 1 ? '' : 's'} ${check.keyFiles.join(', ')}`);
  parts.push(...check.local);
  const changed = check.changed ? ' has changed since you trusted it; it' : '';
  return sanitizeForTerminal(`${path} (found in the working directory)${changed} ${parts.join(' and ')}`);
}

/**
 * Trusts a config tokensmith itself just wrote (`init`, `sandbox --write`) when it bears a name the
 * working-directory search finds ({@link CONFIG_FILE_NAMES}): the person asked for that file, so their
 * next command there must not stop at the trust gate. The digest is that of what was written, so any
 * later edit asks again. Returns whether it was trusted; another name needs no trust (it is only ever
 * used through `--config PATH`, which is always trusted).
 *
 * @example
 * ```ts
 * trustIfWorkingDirectoryConfig('/work/app/tokensmith.config.yaml', process.env); // true
 * ```
 */
export function trustIfWorkingDirectoryConfig(path: string, env: NodeJS.ProcessEnv, sha256?: string): boolean {
  if (!CONFIG_FILE_NAMES.includes(basename(path))) return false;
  trustFile(path, env, sha256 ?? readConfigFile(path).sha256);
  return true;
}

/**
 * After `tokensmith init` wrote `path`: trusts it when it is the working directory's config (the
 * person just wrote it, so the next command must not stop at the trust gate), and returns the next
 * step that works, naming the variables to export and the command to run (with `--config` when
 * the file is not one tokensmith finds by itself).
 *
 * @example
 * ```ts
 * await trustWrittenConfig('/work/app/tokensmith.config.yaml', '/work/app', process.env);
 * // 'export TWITTER_API_KEY=... TWITTER_API_SECRET=..., then run: tokensmith login twitter'
 * ```
 */
export async function trustWrittenConfig(path: string, cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { parseConfigText } = await import('./read.js');
  const { text, sha256 } = readConfigFile(path);
  const raw = (await parseConfigText(text, path)) as { defaultProvider?: unknown; providers?: Record<string, unknown> } | null;
  trustIfWorkingDirectoryConfig(path, env, sha256);
  const found = findDefaultConfigFile(cwd, env);
  const viaConfig = found?.path === path ? '' : ` --config ${path}`;
  const names = Object.keys(raw?.providers ?? {});
  const provider = typeof raw?.defaultProvider === 'string' ? raw.defaultProvider : names[0];
  const variables = [...new Set([...stringsOf(raw).flatMap(envReferences), ...localEffectsOf(raw).variables])].filter((name) => !env[name]);
  const exports = variables.length ? `export ${variables.map((name) => `${name}=...`).join(' ')}, then ` : '';
  return sanitizeForTerminal(`${exports}run: tokensmith${viaConfig} login${provider ? ` ${provider}` : ''}`);
}
