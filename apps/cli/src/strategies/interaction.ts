import type { InteractiveTokenProvider } from '@tokensmith/core';
import type { Person } from '../login/person.js';

/**
 * Without a person, an interactive provider with nothing stored fails at once with
 * `login_required` (and the command to run) instead of requesting a token nobody will approve.
 * Stored tokens are still used and refreshed.
 */
export function refuseLoginWithoutPerson<P extends InteractiveTokenProvider>(
  provider: P,
  person: Person,
  advice: { twoStep?: boolean; anywhere?: boolean },
): P {
  const guard = async () => {
    if ((await provider.peek()) !== undefined) return;
    const { loginRequired } = await import('../login/person.js');
    throw loginRequired(person, advice);
  };
  return Object.assign(Object.create(provider) as P, {
    getToken: async (options?: Parameters<InteractiveTokenProvider['getToken']>[0]) => {
      await guard();
      return provider.getToken(options);
    },
    authorize: async (...args: Parameters<InteractiveTokenProvider['authorize']>) => {
      await guard();
      return provider.authorize(...args);
    },
  });
}

/** A login command's hint: `tokensmith login NAME`. */
export function plainLoginHint(name: string, when = ''): string {
  return `run \`tokensmith login ${name}\`${when ? ` ${when}` : ''}`;
}
