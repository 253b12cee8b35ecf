import type { BearerCredentials } from '@tokensmith/core';
import { CliError } from '../cli-error.js';
import type { GlobalOptions } from '../context.js';
import type { CliIO } from '../terminal/io.js';

/** The most a token (or a JSON token response) read from stdin may weigh. */
const MAX_TOKEN_INPUT_BYTES = 64 * 1024;

/**
 * Reads what `login --with-token` got on stdin: a bare token, or a JSON token response (RFC 6749
 * 5.1: `access_token`, `expires_in`, `refresh_token`, `scope`). `expiresIn` (seconds, `--expires-in`)
 * wins over the response's. Errors never quote the input: it is a secret.
 *
 * @example
 * ```ts
 * parseTokenInput('{"access_token":"AAAA","expires_in":3600}', undefined, 0); // { type: 'bearer', accessToken: 'AAAA', expiresAt: 3600000, obtainedAt: 0 }
 * ```
 */
export function parseTokenInput(text: string, expiresIn: number | undefined, now: number): BearerCredentials {
  const trimmed = text.trim();
  let fields: { access_token?: unknown; expires_in?: unknown; refresh_token?: unknown; scope?: unknown } = { access_token: trimmed };
  if (trimmed.startsWith('{')) {
    try {
      fields = JSON.parse(trimmed) as typeof fields;
    } catch {
      throw new CliError('usage', 'standard input starts with { but is not JSON: give a bare token or a token response with access_token');
    }
  }
  const token = fields.access_token;
  if (typeof token !== 'string' || token === '' || /\s/.test(token))
    throw new CliError('usage', 'no token on standard input: pipe a token (one word) or a JSON token response with access_token');
  const lifetime = expiresIn ?? (typeof fields.expires_in === 'number' && fields.expires_in > 0 ? fields.expires_in : undefined);
  return {
    type: 'bearer',
    accessToken: token,
    ...(lifetime === undefined ? {} : { expiresAt: now + lifetime * 1000, obtainedAt: now }),
    ...(typeof fields.refresh_token === 'string' && fields.refresh_token !== '' ? { refreshToken: fields.refresh_token } : {}),
    ...(typeof fields.scope === 'string' && fields.scope.trim() !== '' ? { scope: fields.scope.trim().split(/\s+/) } : {}),
  };
}

/**
 * `tokensmith login <provider> --with-token`: stores a token issued elsewhere (a CI secret, a
 * personal access token) as the provider's, where every command then finds it. Never echoed.
 *
 * @example
 * ```ts
 * await loginWithToken(io, global, 'github', { expiresIn: '3600' });
 * ```
 */
export async function loginWithToken(io: CliIO, global: GlobalOptions, name: string, flags: { expiresIn?: string }): Promise<void> {
  let expiresIn: number | undefined;
  if (flags.expiresIn !== undefined) {
    expiresIn = Number(flags.expiresIn);
    if (!Number.isInteger(expiresIn) || expiresIn <= 0) throw new CliError('usage', '--expires-in must be a whole number of seconds > 0');
  }
  const { readStdin } = await import('../bridges/read-stdin.js');
  const credentials = parseTokenInput(
    await readStdin(io.stdin, MAX_TOKEN_INPUT_BYTES, 'the token on standard input'),
    expiresIn,
    Date.now(),
  );
  const { tapStore, storeAsProviderToken } = await import('../bridges/store-tap.js');
  const { withProvider } = await import('../session.js');
  let tapped: import('../bridges/store-tap.js').TappedStore | undefined;
  await withProvider(
    io,
    { ...global, input: false } as GlobalOptions,
    name,
    { login: true, quiet: true, tapStore: (store) => (tapped = tapStore(store)) },
    async ({ name: providerName, config, provider, account }) => {
      const { strategyAdapter } = await import('../strategies/index.js');
      if (strategyAdapter(config.strategy).tokenType === 'oauth1')
        throw new CliError(
          'usage',
          `${providerName} uses OAuth 1.0a, whose tokens come with a secret: log in with tokensmith login ${providerName}`,
        );
      await provider.peek(); // reads the provider's store entry, so its key is known
      await storeAsProviderToken(tapped!, credentials);
      const { keepDefaultAfterLogin } = await import('../accounts/resolve.js');
      await keepDefaultAfterLogin(io.env, providerName, account);
      const named = account.login?.account;
      io.stderr.write(
        `Stored the token for ${providerName}${named === undefined ? '' : ` (account ${named})`}${credentials.expiresAt ? `, expires ${new Date(credentials.expiresAt).toISOString()}` : ''}\n`,
      );
    },
  );
}
