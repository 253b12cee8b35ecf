import { TokensmithError } from '@tokensmith/core/kit';
import type { AuthorizationCodeOptions } from './authorization-code-options.js';
import { hasState } from './authorization-flow.js';
import { readPastedRedirect } from './redirect-input.js';

/**
 * How many unusable pastes a login takes before it ends. The deadline bounds a person; this bounds
 * a `promptRedirect` that answers at once with the same wrong text (a script), which would
 * otherwise loop without ever letting the deadline's timer run.
 */
export const MAX_UNUSABLE_PASTES = 10;

type PromptRedirect = NonNullable<AuthorizationCodeOptions['promptRedirect']>;

/**
 * Asks through `promptRedirect` until the paste is a callback this login can complete: one that
 * parses (see `readPastedRedirect`) and carries this login's `state` (a paste from an older tab
 * belongs to another sign-in). Each unusable paste is answered by asking again, with `rejected`
 * saying why, so one stray Enter or a truncated paste does not end a login that may have minutes
 * left (and, in the listener flow, the loopback listener keeps waiting meanwhile). The caller bounds
 * the wait (its deadline, the listener's callback) and aborts `info.signal` to stop it.
 *
 * @example
 * ```ts
 * const ask = async () => 'http://127.0.0.1:8400/callback?code=abc&state=xyz';
 * const pending = { state: 'xyz', redirectUri: 'http://127.0.0.1:8400/callback' };
 * const callback = await askUntilUsable(ask, { authorizeUrl: 'https://auth.example/authorize', signal: AbortSignal.timeout(60_000) }, pending, {});
 * ```
 */
export async function askUntilUsable(
  promptRedirect: PromptRedirect,
  info: { authorizeUrl: string; signal: AbortSignal },
  pending: { redirectUri: string; state: string },
  options: { iss?: string | undefined } = {},
): Promise<URL> {
  let rejected: string | undefined;
  for (let attempt = 1; ; attempt++) {
    const input = await promptRedirect({ ...info, ...(rejected === undefined ? {} : { rejected }) });
    const read = readPastedRedirect(input, pending, options);
    rejected =
      'problem' in read
        ? read.problem
        : hasState(read.url, pending.state)
          ? undefined
          : 'the pasted URL belongs to another sign-in (its state does not match this one): paste the address from the page you just approved';
    if (rejected === undefined && 'url' in read) return read.url;
    if (attempt >= MAX_UNUSABLE_PASTES)
      throw new TokensmithError(
        'login_required',
        `${rejected}; ${MAX_UNUSABLE_PASTES} pastes were unusable, nothing was stored. Run the login again.`,
      );
    // Let timers (the deadline) and the listener run between two answers.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
