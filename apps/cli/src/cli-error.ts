import { OAuthResponseError, TokensmithError } from '@tokensmith/core';

/** Documented exit codes. */
export const EXIT = { ok: 0, usage: 1, auth: 2, network: 3 } as const;

/** An error the CLI reports as one line (or a few) and an exit code. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    readonly kind: 'config' | 'usage' | 'auth' | 'network',
    message: string,
  ) {
    super(message);
  }
}

const AUTH_CODES = new Set(['authorization_denied', 'state_mismatch', 'login_required', 'signature_error', 'callback_timeout']);

/** Maps any error to its exit code: 1 usage/config, 2 auth, 3 network or provider. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CliError) return error.kind === 'auth' ? EXIT.auth : error.kind === 'network' ? EXIT.network : EXIT.usage;
  if (error instanceof OAuthResponseError) return error.status >= 500 || error.status === 429 ? EXIT.network : EXIT.auth;
  if (error instanceof TokensmithError) {
    if (error.code === 'invalid_options' || error.code === 'config_error' || error.code === 'insecure_endpoint' || error.code === 'store_error') return EXIT.usage;
    if (AUTH_CODES.has(error.code)) return EXIT.auth;
    return EXIT.network;
  }
  return EXIT.network;
}

/** The message printed for an error: tokensmith's messages carry no secrets; anything else is summarised. */
export function messageFor(error: unknown): string {
  if (error instanceof CliError || error instanceof TokensmithError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message.split('\n')[0]}`;
  return 'unexpected error';
}
