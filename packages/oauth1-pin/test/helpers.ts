import { TokensmithError } from '@tokensmith/core/kit';

/** Awaits a promise that must reject with a TokensmithError, and returns that error. */
export async function rejection(promise: Promise<unknown>): Promise<TokensmithError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TokensmithError);
    return error as TokensmithError;
  }
  throw new Error('expected a rejection');
}
