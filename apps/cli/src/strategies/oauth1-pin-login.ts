import type { OAuth1PinProvider, OAuth1RequestTokenState } from '@tokensmith/oauth1-pin';
import { OAuthResponseError, TokensmithError } from '@tokensmith/core/kit';
import { DEFAULT_PENDING_TTL_MS, pendingIdentity, readPendingLogin, removePendingLogin, savePendingLogin } from '../login/pending.js';
import { withNextStep } from '../hints/next-step.js';
import type { LoginFlags, LoginSession } from './adapter.js';

// The OAuth 1.0a login's CLI side: at a terminal the PIN is typed at the prompt (the provider's
// promptPin); without one the login takes two runs, and the request token waits in between.

/** The settings of an OAuth 1.0a provider this login reads (the adapter's config has them all). */
interface OAuth1PinConfig {
  consumerKey: string;
  requestTokenUrl: string;
  authorizeUrl: string;
  accessTokenUrl: string;
}

/** What ties a pending OAuth 1.0a login to one config (no secret in it). */
function oauth1Identity(config: OAuth1PinConfig): string {
  return pendingIdentity({
    consumerKey: config.consumerKey,
    requestTokenUrl: config.requestTokenUrl,
    authorizeUrl: config.authorizeUrl,
    accessTokenUrl: config.accessTokenUrl,
  });
}

/** `--pin`: the request token the first run kept, found before anything else is built. */
export function findPendingLogin(
  name: string,
  config: OAuth1PinConfig,
  flags: LoginFlags,
  env: NodeJS.ProcessEnv,
): OAuth1RequestTokenState | undefined {
  if (flags.pin === undefined) return undefined;
  const pending = readPendingLogin<OAuth1RequestTokenState>(env, name, oauth1Identity(config))?.state;
  if (!pending) {
    throw withNextStep(
      new TokensmithError(
        'login_required',
        `no pending login for ${name} (none was started, it expired, or it was used): run \`tokensmith login ${name} --no-browser\` first; it prints the URL whose page shows the PIN`,
      ),
    );
  }
  return pending;
}

/** Step 2 of the scriptable login: the saved request token and the PIN its page showed. */
async function completeWithPin(session: LoginSession<OAuth1PinConfig>, pending: OAuth1RequestTokenState, pin: string): Promise<void> {
  const { io, name } = session;
  const provider = session.provider as OAuth1PinProvider;
  try {
    session.print(await provider.completeLogin(pending, pin, io.signal ? { signal: io.signal } : {}));
  } catch (error) {
    // A refused PIN is explained from the error's data (hints/auth.ts), exactly as at the prompt.
    if (error instanceof OAuthResponseError && error.status === 401) removePendingLogin(io.env, name);
    throw error;
  }
  removePendingLogin(io.env, name);
}

/**
 * Step 1 of the scriptable login: nobody can type a PIN here, so keep the request token for the
 * run that brings it (`--pin`), print what to do, and succeed.
 */
async function startTwoStepLogin(session: LoginSession<OAuth1PinConfig>): Promise<void> {
  const { io, name, progress, mode, flags, config } = session;
  const provider = session.provider as OAuth1PinProvider;
  const state = await provider.startLogin(io.signal ? { signal: io.signal } : {});
  progress.stop();
  const expiresAt = state.expiresAt ?? Date.now() + DEFAULT_PENDING_TTL_MS;
  const path = savePendingLogin(io.env, {
    provider: name,
    identity: oauth1Identity(config),
    expiresAt,
    authorizeUrl: state.authorizeUrl,
    state,
  });
  const next = `tokensmith login ${name} --pin PIN`;
  const { showAuthorizeUrl } = await import('../login/person.js');
  const { createPrompter } = await import('../login/prompter.js');
  const person = { io, progress, prompter: createPrompter(io), mode, providerName: name };
  if (flags.json) {
    const result = {
      provider: name,
      strategy: 'oauth1-pin',
      status: 'pending',
      authorizeUrl: state.authorizeUrl,
      expiresAt: new Date(expiresAt).toISOString(),
      next,
    };
    io.stdout.write(JSON.stringify(result, null, 2) + '\n');
    if (flags.browser !== false)
      await showAuthorizeUrl({ ...person, browser: true, shown: new Set([state.authorizeUrl]) }, state.authorizeUrl);
  } else {
    await showAuthorizeUrl({ ...person, browser: flags.browser !== false }, state.authorizeUrl);
  }
  io.stderr.write(
    `No terminal to type the PIN into (${mode.why}). Approve on that page, then finish with:\n  ${next}\n` +
      `The pending request is kept in ${path} until ${new Date(expiresAt).toISOString()}.\n`,
  );
}

/** The OAuth 1.0a login: the PIN at the prompt, or the two-step form without a terminal. */
export async function oauth1Login(session: LoginSession<OAuth1PinConfig>): Promise<void> {
  const pending = session.prepared as OAuth1RequestTokenState | undefined;
  if (pending && session.flags.pin !== undefined) return completeWithPin(session, pending, session.flags.pin);
  if (!session.mode.interactive && session.demo) {
    // The embedded sandbox ends with this process: nobody could approve the request token later.
    throw withNextStep(
      new TokensmithError(
        'login_required',
        `the built-in demo's sandbox runs only while a command runs, so a two-step login cannot work with it (${session.mode.why}): run \`tokensmith login ${session.name}\` in a terminal, or start \`tokensmith sandbox --write tokensmith.config.yaml\` in another terminal and use that config`,
      ),
    );
  }
  if (!session.mode.interactive) return startTwoStepLogin(session);
  session.print(await (session.provider as OAuth1PinProvider).login(session.io.signal ? { signal: session.io.signal } : {}));
}
