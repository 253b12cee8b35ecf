import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { TokensmithError } from '@tokensmith/core/kit';

/**
 * Where a token the client presents (an RFC 8693 subject or actor token, an RFC 7523 assertion)
 * comes from, read afresh each time a grant runs: a short-lived CI OIDC token rotates under us.
 * - `file`: a file's content (a Kubernetes projected service account token, a CI job's token file);
 * - `env`: an environment variable's value (GitLab's `CI_JOB_JWT_V2`, a variable a runner sets);
 * - `command`: the standard output of a program run WITHOUT a shell (`argv[0]` found on `PATH`),
 *   with a deadline and an output cap; its standard error passes through to ours.
 *
 * @example
 * ```ts
 * const source: TokenSource = { command: ['gcloud', 'auth', 'print-identity-token'] };
 * ```
 */
export type TokenSource = { file: string } | { env: string } | { command: readonly string[] };

/** How long a `command` token source may run, ms, unless told otherwise. */
export const DEFAULT_TOKEN_COMMAND_TIMEOUT_MS = 30_000;

/** The most a token source may yield, bytes: a JWT from a CI platform is a few KiB; anything past this is refused, not read. */
export const MAX_TOKEN_SOURCE_BYTES = 64 * 1024;

/** How {@link readTokenSource} runs: the environment `env` sources read, a command's deadline and where its stderr goes. */
export interface TokenSourceOptions {
  /** The environment `env` sources read, and commands run with. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** A command's deadline, ms. Default {@link DEFAULT_TOKEN_COMMAND_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Where a command's standard error goes. Default: inherited (the person sees the program's own messages). */
  stderr?: 'inherit' | 'ignore';
  /** Stops a command early (it is killed). */
  signal?: AbortSignal;
}

function invalid(message: string): TokensmithError {
  return new TokensmithError('invalid_options', message);
}

/**
 * Checks a token source option at construction, naming the field (`subjectToken`,
 * `actorToken`, `assertion`): exactly one of `file`, `env`, `command`, each well-formed.
 *
 * @example
 * ```ts
 * readTokenSourceOption({ env: 'CI_JOB_JWT' }, 'subjectToken'); // { env: 'CI_JOB_JWT' }
 * readTokenSourceOption({ file: '' }, 'subjectToken'); // throws invalid_options: subjectToken.file must be a non-empty path
 * ```
 */
export function readTokenSourceOption(value: unknown, field: string): TokenSource {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw invalid(`${field} must be one of { file: PATH }, { env: NAME } or { command: [PROGRAM, ...ARGS] }`);
  const keys = Object.keys(value);
  if (keys.length !== 1 || !['file', 'env', 'command'].includes(keys[0]!))
    throw invalid(`${field} must have exactly one of file, env or command`);
  const source = value as Record<string, unknown>;
  if ('file' in source) {
    if (typeof source.file !== 'string' || source.file.trim() === '') throw invalid(`${field}.file must be a non-empty path`);
    return { file: source.file };
  }
  if ('env' in source) {
    if (typeof source.env !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(source.env))
      throw invalid(`${field}.env must be an environment variable name (letters, digits and _)`);
    return { env: source.env };
  }
  const command = source.command;
  if (!Array.isArray(command) || command.length === 0 || !command.every((part) => typeof part === 'string') || command[0] === '')
    throw invalid(`${field}.command must be a non-empty list: the program, then its arguments (it runs without a shell)`);
  return { command: [...command] };
}

/**
 * What a token source is, for messages and `inspect()`: the file, the variable or the program,
 * never the token (nor a command's arguments, which may hold one).
 *
 * @example
 * ```ts
 * describeTokenSource({ command: ['gh', 'auth', 'token'] }); // 'the output of gh'
 * ```
 */
export function describeTokenSource(source: TokenSource): string {
  if ('file' in source) return `the file ${source.file}`;
  if ('env' in source) return `the environment variable ${source.env}`;
  return `the output of ${source.command[0]}`;
}

function sourceError(field: string, source: TokenSource, problem: string): TokensmithError {
  return new TokensmithError('config_error', `${field}: ${describeTokenSource(source)} ${problem}`);
}

/** The token from a source's raw text: surrounding whitespace (a trailing newline) dropped; it must be one printable line. */
function tokenFrom(text: string, field: string, source: TokenSource): string {
  const token = text.trim();
  if (token === '') throw sourceError(field, source, 'is empty: it must hold the token');
  if (!/^[\x21-\x7E]+$/.test(token)) throw sourceError(field, source, 'must hold one token (printable ASCII, no spaces or line breaks)');
  return token;
}

async function runCommand(argv: readonly string[], field: string, source: TokenSource, options: TokenSourceOptions): Promise<string> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TOKEN_COMMAND_TIMEOUT_MS;
  return new Promise<string>((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      shell: false,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', options.stderr ?? 'inherit'],
      windowsHide: true,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let failure: TokensmithError | undefined;
    const stop = (error: TokensmithError) => {
      failure ??= error;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () => stop(new TokensmithError('timeout', `${field}: ${describeTokenSource(source)} did not finish within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onAbort = () => stop(new TokensmithError('aborted', `${field}: ${describeTokenSource(source)} was stopped`));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_TOKEN_SOURCE_BYTES)
        stop(sourceError(field, source, `printed more than ${MAX_TOKEN_SOURCE_BYTES} bytes: it must print only the token`));
      else chunks.push(chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(sourceError(field, source, `could not be run (${error.code ?? error.name}): check ${field}.command[0] is a program on PATH`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (failure) return reject(failure);
      if (code !== 0)
        return reject(
          sourceError(field, source, `failed (${signal ? `killed by ${signal}` : `exit code ${code}`}); its own messages are above`),
        );
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/**
 * Reads the token a source holds now (see {@link TokenSource}). Failures are `config_error`s
 * naming the field and the source (never its content): a missing file or variable, an empty or
 * multi-line value, a command that could not start, failed, printed too much, or ran past its
 * deadline (`timeout`).
 *
 * @example
 * ```ts
 * const subjectToken = await readTokenSource({ file: '/var/run/secrets/tokens/ci' }, 'subjectToken');
 * ```
 */
export async function readTokenSource(source: TokenSource, field: string, options: TokenSourceOptions = {}): Promise<string> {
  if ('env' in source) {
    const value = (options.env ?? process.env)[source.env];
    if (value === undefined) throw sourceError(field, source, 'is not set');
    return tokenFrom(value, field, source);
  }
  if ('file' in source) {
    let bytes: Buffer;
    try {
      bytes = await readFile(source.file);
    } catch (error) {
      throw sourceError(field, source, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (bytes.length > MAX_TOKEN_SOURCE_BYTES)
      throw sourceError(field, source, `is larger than ${MAX_TOKEN_SOURCE_BYTES} bytes: it must hold only the token`);
    return tokenFrom(bytes.toString('utf8'), field, source);
  }
  return tokenFrom(await runCommand(source.command, field, source, options), field, source);
}
