import { TokensmithError } from '@tokensmith/core/kit';
import type { Sandbox } from '@tokensmith/sandbox';

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

/** The client settings for a sandbox's OAuth 1.0a endpoints. */
export function sandboxClient(sandbox: Sandbox, consumer: { consumerKey: string; consumerSecret: string }, now: () => number) {
  return {
    consumerKey: consumer.consumerKey,
    consumerSecret: consumer.consumerSecret,
    requestTokenUrl: sandbox.endpoints.requestTokenUrl,
    authorizeUrl: sandbox.endpoints.authorizeUrl,
    accessTokenUrl: sandbox.endpoints.accessTokenUrl,
    now,
  };
}
