import { TokensmithError } from '@tokensmith/core';
import type { Explanation, ProviderScope } from './scope.js';
import { CONNECT_REASONS, systemError } from './system-error.js';
import { maskStoreUrl } from '../stores/mask.js';

// Failures of the token store: a Redis or keychain that is not there (or does not answer), or
// stored tokens that cannot be used. Checked before any other family: a store failure is not the provider's.

/** Why a store did not answer, in words: from the reason code it carries (`error`), or a system error among its causes. */
function unreachableReason(error: TokensmithError): string {
  const code = error.error ?? systemError(error)?.code;
  if (code === 'timeout') return 'it did not answer in time';
  if (code) return CONNECT_REASONS[code] ?? `the connection failed (${code})`;
  return 'it did not answer, or refused the connection';
}

/** Whether a store setting names Redis. */
function isRedis(setting: string): boolean {
  return setting.startsWith('redis://') || setting.startsWith('rediss://');
}

/**
 * A failure of the token store (`--store` or the config's), or undefined for any other failure.
 * The store's own message says what failed (it is secret-free: a Redis password is masked); this
 * adds the CLI's next step. Decided by the error's code, never its wording.
 */
export function explainStore(error: unknown, scope: ProviderScope | undefined): Explanation | undefined {
  if (!(error instanceof TokensmithError)) return undefined;
  const setting = scope?.storeSetting ?? '';
  if (error.code === 'store_unavailable' && isRedis(setting)) {
    return {
      message: `the token store, Redis at ${maskStoreUrl(setting)}, is not reachable (${unreachableReason(error)})`,
      hint: "is Redis running at that address? Start it, or check --store or the config's store setting (--store file keeps tokens in a local file)",
      category: 'provider',
    };
  }
  if (error.code === 'store_unavailable') {
    return {
      message: error.message,
      hint: "check the token store (--store or the config's store setting) and try again; --store file (or store: file in the config) keeps tokens in a local file",
      category: 'provider',
    };
  }
  if (error.code === 'store_error') {
    return {
      message: error.message,
      hint: `if the stored tokens are damaged, \`tokensmith logout${scope ? ` ${scope.name}` : ''}\` moves them aside`,
      category: 'usage',
    };
  }
  return undefined;
}

export { maskStoreUrl };
