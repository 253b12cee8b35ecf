import { TokensmithError } from '../errors.js';

/**
 * Awaits `promise` and returns the {@link TokensmithError} it rejected with; fails (throws) when it
 * resolved or rejected with anything else. For tests that then check `code` and `message`.
 *
 * @example
 * ```ts
 * const error = await caughtTokensmithError(store.get('k'));
 * expect(error.code).toBe('store_error');
 * ```
 */
export async function caughtTokensmithError(promise: Promise<unknown>): Promise<TokensmithError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TokensmithError) return error;
    throw error;
  }
  throw new Error('expected a TokensmithError');
}
