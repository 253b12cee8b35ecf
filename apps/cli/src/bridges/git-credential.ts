import { CliError } from '../cli-error.js';

// Git's credential helper protocol (git-credential(1)): git writes `key=value` lines ended by a
// blank line (or end of input) on the helper's stdin; `get` answers `username=`/`password=` lines,
// `store` tells the helper a credential worked, `erase` that the server rejected it. A value holds
// no newline and no NUL; git sends `host` with `:port` when the URL has one.

/** The credential fields git sends (only the first value of each; `capability[]`/`wwwauth[]` repeat and are ignored). */
export interface GitCredentialRequest {
  protocol?: string;
  host?: string;
  path?: string;
  username?: string;
  password?: string;
}

const FIELDS = ['protocol', 'host', 'path', 'username', 'password'] as const;

/** The most git sends: a few short lines. More is not git talking. */
export const MAX_GIT_CREDENTIAL_INPUT_BYTES = 64 * 1024;

/**
 * Parses what git writes to a credential helper. Lines without `=` are refused (git never sends
 * them); unknown keys are ignored, as git-credential(1) asks of helpers.
 *
 * @example
 * ```ts
 * parseGitCredential('protocol=https\nhost=github.com\n\n'); // { protocol: 'https', host: 'github.com' }
 * ```
 */
export function parseGitCredential(text: string): GitCredentialRequest {
  if (Buffer.byteLength(text, 'utf8') > MAX_GIT_CREDENTIAL_INPUT_BYTES)
    throw new CliError('usage', `credential input is larger than ${MAX_GIT_CREDENTIAL_INPUT_BYTES} bytes; git sends a few lines`);
  const request: GitCredentialRequest = {};
  for (const line of text.split('\n')) {
    const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (clean === '') break;
    const at = clean.indexOf('=');
    if (at <= 0) throw new CliError('usage', 'credential input must be key=value lines, as git sends (see git-credential(1))');
    const key = clean.slice(0, at);
    const value = clean.slice(at + 1);
    if (value.includes('\0')) throw new CliError('usage', `credential field ${key} holds a NUL byte`);
    const field = FIELDS.find((name) => name === key);
    if (field && request[field] === undefined) request[field] = value;
  }
  return request;
}

/**
 * What `get` answers: `username` and `password`, and `password_expiry_utc` (Unix seconds; git
 * 2.41+ then drops the credential when it expires instead of using it once more).
 *
 * @example
 * ```ts
 * formatGitCredential({ username: 'x-access-token', password: 'gho_...', expiresAt: 1767225600000 });
 * // 'username=x-access-token\npassword=gho_...\npassword_expiry_utc=1767225600\n'
 * ```
 */
export function formatGitCredential(answer: { username: string; password: string; expiresAt?: number | undefined }): string {
  for (const [name, value] of Object.entries({ username: answer.username, password: answer.password })) {
    if (/[\n\0]/.test(value))
      throw new CliError('usage', `the credential's ${name} holds a newline or NUL, which git's protocol cannot carry`);
  }
  const expiry = answer.expiresAt === undefined ? '' : `password_expiry_utc=${Math.floor(answer.expiresAt / 1000)}\n`;
  return `username=${answer.username}\npassword=${answer.password}\n${expiry}`;
}

function isLoopbackHost(host: string): boolean {
  const name = host
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  return name === 'localhost' || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}

/**
 * Whether a provider whose `gitHosts` lists hosts serves this request: the host (with `:port` when
 * git sends one) is listed, case-insensitively, and the protocol is https, or http on loopback only
 * (a token is never sent in clear text off this machine).
 *
 * @example
 * ```ts
 * servesGitRequest(['github.com'], { protocol: 'https', host: 'github.com' }); // true
 * servesGitRequest(['github.com'], { protocol: 'http', host: 'github.com' }); // false
 * ```
 */
export function servesGitRequest(gitHosts: readonly string[], request: GitCredentialRequest): boolean {
  const host = request.host?.toLowerCase();
  if (host === undefined || host === '') return false;
  if (request.protocol !== 'https' && !(request.protocol === 'http' && isLoopbackHost(host))) return false;
  return gitHosts.some((listed) => listed.toLowerCase() === host);
}
