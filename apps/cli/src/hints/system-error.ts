// A Node system error (ECONNREFUSED, EADDRINUSE, ...) is often several causes deep: fetch wraps it
// in `TypeError: fetch failed`, a strategy wraps that in a TokensmithError. The hints read it there.

/** The fields of a Node system error that a message can use (never its stack or raw text). */
export interface SystemError {
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
}

/** The first Node system error (ECONNREFUSED, EADDRINUSE, ...) in an error's cause chain. */
export function systemError(error: unknown): SystemError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current && typeof current === 'object'; depth++) {
    const candidate = current as SystemError & { cause?: unknown; errors?: unknown[] };
    if (typeof candidate.code === 'string' && /^E[A-Z]+$/.test(candidate.code)) return candidate;
    current = candidate.cause ?? candidate.errors?.[0];
  }
  return undefined;
}

/** Connection failures in words, by system error code. */
export const CONNECT_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved (DNS)',
  EHOSTUNREACH: 'the host is unreachable',
  ETIMEDOUT: 'the connection timed out',
};

/** The `host:port` a failed connection tried, when the error says both. */
export function addressOf(sys: SystemError | undefined): string | undefined {
  return sys?.address && sys.port ? `${sys.address}:${sys.port}` : undefined;
}
