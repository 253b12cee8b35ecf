import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { CliError } from '../cli-error.js';
import { sanitizeForTerminal } from '../terminal/safety.js';

// A provider's `privateKey` (private_key_jwt) is the key itself, when a `${VAR}` held a PEM or a
// JWK, or the path of a file holding it. The file is read here, by the CLI, not by the strategy
// packages: capped, and refused when other users can read it (a key others can read is no longer
// the client's alone), as ssh refuses such an identity file.

/** The largest key file read: a 4096-bit RSA PEM is ~3.3 KB; anything near this is not a key. */
export const MAX_PRIVATE_KEY_BYTES = 64 * 1024;

/**
 * Whether a `privateKey` value is key material (a PEM or a JWK's JSON) rather than a file path.
 *
 * @example
 * ```ts
 * isKeyMaterial('-----BEGIN PRIVATE KEY-----\n...'); // true
 * isKeyMaterial('~/.config/tokensmith/client.pem'); // false
 * ```
 */
export function isKeyMaterial(value: string): boolean {
  const start = value.trimStart();
  return start.startsWith('-----BEGIN') || start.startsWith('{');
}

function refuse(field: string, message: string): CliError {
  return new CliError('usage', sanitizeForTerminal(`${field}: ${message}`));
}

/**
 * The private key a `privateKey` setting names: the value itself when it is a PEM or JWK (from
 * `${VAR}`), else the file at that path (`~/` is the home directory; a relative path is from the
 * working directory), read with a {@link MAX_PRIVATE_KEY_BYTES} cap and refused when group or
 * others may read it. Errors name `field` and the fix, never the key.
 *
 * @example
 * ```ts
 * const pem = readPrivateKeySetting('~/.config/tokensmith/client.pem', 'providers.okta.privateKey');
 * ```
 */
export function readPrivateKeySetting(value: string, field: string): string {
  if (isKeyMaterial(value)) return value;
  const path = value.startsWith('~/') ? resolve(homedir(), value.slice(2)) : resolve(value);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be opened (${code})`;
    throw refuse(field, `the key file ${path} ${why}: set privateKey to a PEM or JWK file, or \${VAR} holding one`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw refuse(field, `${path} is not a file: set privateKey to a PEM or JWK file`);
    if ((stat.mode & 0o044) !== 0)
      throw refuse(
        field,
        `the key file ${path} is readable by other users (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}); run: chmod 600 ${path}`,
      );
    if (stat.size > MAX_PRIVATE_KEY_BYTES)
      throw refuse(field, `${path} is larger than ${MAX_PRIVATE_KEY_BYTES} bytes: that is no private key`);
    const buffer = Buffer.alloc(MAX_PRIVATE_KEY_BYTES + 1);
    let length = 0;
    for (let read = -1; read !== 0 && length <= MAX_PRIVATE_KEY_BYTES; length += read)
      read = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > MAX_PRIVATE_KEY_BYTES)
      throw refuse(field, `${path} is larger than ${MAX_PRIVATE_KEY_BYTES} bytes: that is no private key`);
    const text = buffer.subarray(0, length).toString('utf8');
    if (!isKeyMaterial(text)) throw refuse(field, `${path} holds no PEM (-----BEGIN PRIVATE KEY-----) or JWK`);
    return text;
  } finally {
    closeSync(fd);
  }
}
