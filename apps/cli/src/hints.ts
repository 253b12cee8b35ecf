import { OAuthResponseError, TokensmithError, errorCategory, type ErrorCategory } from '@tokensmith/core';
import type { ProviderConfig } from './config-schema.js';
import type { CliIO } from './io.js';

// The one place a failure becomes a message a person can act on: what failed, which config field to
// check, and the next command. `run()` prints what `explain()` returns; strategies and stores keep
// their precise, secret-free messages, and this layer adds the provider's name and config paths.

/** The provider a run is working with, for messages about its failures. */
export interface ProviderScope {
  name: string;
  config: ProviderConfig;
  storeSetting: string;
}

/** A failure, explained: the message, the next step, and the category that decides the exit code. */
export interface Explanation {
  message: string;
  /** What to do next (a command or a field to fix), when there is one. */
  hint?: string;
  category: ErrorCategory;
}

const scopes = new WeakMap<CliIO, ProviderScope>();

/** Records which provider this run uses (called when a command picks it). */
export function rememberProvider(io: CliIO, name: string, config: ProviderConfig, storeSetting: string): void {
  scopes.set(io, { name, config, storeSetting });
}

/** The provider this run uses, if a command picked one. */
export function recallProvider(io: CliIO): ProviderScope | undefined {
  return scopes.get(io);
}

/** A Redis URL as it may be printed: the password (and a user name) masked. */
export function maskStoreUrl(setting: string): string {
  if (!/^rediss?:\/\//.test(setting) || !URL.canParse(setting)) return setting;
  const url = new URL(setting);
  if (url.password) url.password = '***';
  if (url.username && url.password) url.username = '***';
  else if (url.username) url.username = '***';
  // URL adds a '/' path to a bare host: print the setting as the user wrote it.
  return url.href.endsWith('/') && !setting.endsWith('/') ? url.href.slice(0, -1) : url.href;
}

/** A port already in use by another program (`tokensmith sandbox --port N`). */
export function busyPortHint(port: number | string): Explanation {
  return {
    message: `port ${port} on 127.0.0.1 is already in use by another program`,
    hint: `pick another port with --port N, or let the system choose a free one with --port 0`,
    category: 'usage',
  };
}

interface SystemError {
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
}

/** The first Node system error (ECONNREFUSED, EADDRINUSE, ...) in an error's cause chain. */
function systemError(error: unknown): SystemError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current && typeof current === 'object'; depth++) {
    const candidate = current as SystemError & { cause?: unknown; errors?: unknown[] };
    if (typeof candidate.code === 'string' && /^E[A-Z]+$/.test(candidate.code)) return candidate;
    current = candidate.cause ?? candidate.errors?.[0];
  }
  return undefined;
}

/** The URL-valued fields of a provider's config, as `[path, url]` under `providers.<name>`. */
function endpointFields(scope: ProviderScope): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(scope.config)) {
    if (typeof value === 'string' && (/Url$/.test(key) || key === 'issuer')) fields.push([`providers.${scope.name}.${key}`, value]);
  }
  if (scope.config.timeline) fields.push([`providers.${scope.name}.timeline.url`, scope.config.timeline.url]);
  return fields;
}

/** Which endpoint field a failed operation concerns, from its wording and the address it tried. */
function endpointOf(scope: ProviderScope, message: string, address?: string): [string, string] | undefined {
  const fields = endpointFields(scope);
  const byName = (key: string) => fields.find(([path]) => path.endsWith(`.${key}`));
  const keyword = /request token/i.test(message)
    ? byName('requestTokenUrl')
    : /access token/i.test(message)
      ? byName('accessTokenUrl')
      : /device authorization/i.test(message)
        ? byName('deviceAuthorizationUrl')
        : /revoc|invalidat/i.test(message)
          ? (byName('revocationUrl') ?? byName('invalidateUrl'))
          : /discovery|metadata|issuer/i.test(message)
            ? byName('issuer')
            : /timeline/i.test(message)
              ? byName('url')
              : /token/i.test(message)
                ? (byName('tokenUrl') ?? byName('issuer'))
                : undefined;
  if (keyword) return keyword;
  if (address) return fields.find(([, url]) => URL.canParse(url) && new URL(url).host === address);
  return undefined;
}

function printable(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

function credentialFields(scope: ProviderScope): string {
  const p = `providers.${scope.name}`;
  return scope.config.strategy === 'oauth1-pin' ? `${p}.consumerKey and ${p}.consumerSecret` : `${p}.clientId and ${p}.clientSecret`;
}

const CONNECT_REASONS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved (DNS)',
  EHOSTUNREACH: 'the host is unreachable',
  ETIMEDOUT: 'the connection timed out',
};

function explainStore(error: unknown, setting: string): Explanation | undefined {
  const redis = /^rediss?:\/\//.test(setting);
  const unavailable = error instanceof TokensmithError && error.code === 'store_unavailable';
  if (
    !unavailable &&
    !(
      redis &&
      error instanceof TokensmithError &&
      (error.code === 'store_error' || error.code === 'timeout') &&
      /redis/i.test(error.message)
    )
  )
    return undefined;
  if (redis && (unavailable || /max retries|ECONNREFUSED|connect|timed out|not answer/i.test(error.message))) {
    const sys = systemError(error);
    const within = /within (\d+) ms/.exec(error.message)?.[1];
    // The store names the socket error in its message when ioredis gave up without one attached.
    const code = sys?.code ?? /\((E[A-Z]+)\)/.exec(error.message)?.[1];
    const why = code ? (CONNECT_REASONS[code] ?? code) : within ? `it did not answer within ${within} ms` : 'it did not answer';
    return {
      message: `the token store, Redis at ${maskStoreUrl(setting)}, is not reachable (${why})`,
      hint: "is Redis running at that address? Start it, or check --store or the config's store setting (--store file keeps tokens in a local file)",
      category: 'provider',
    };
  }
  return unavailable
    ? { message: error.message, hint: "check the token store (--store or the config's store setting) and try again", category: 'provider' }
    : undefined;
}

function explainOAuth(error: OAuthResponseError, scope: ProviderScope): Explanation {
  const endpoint = endpointOf(scope, error.message);
  const where = endpoint ? ` (${endpoint[0]} = ${printable(endpoint[1])})` : '';
  // error_description is the server's text: run() prints every message through sanitizeForTerminal.
  const said = error.error_description ? `: ${error.error_description}` : '';
  if (error.status === 404) {
    return {
      message: `${scope.name}: the endpoint${where} answered HTTP 404 Not Found`,
      hint: `check ${endpoint?.[0] ?? `the URLs under providers.${scope.name}`}: the path is probably wrong`,
      category: 'usage',
    };
  }
  if (error.status >= 500 || error.status === 429) {
    return {
      message: `${scope.name}: the server${where} answered HTTP ${error.status} ${error.error}${said}`,
      hint: 'the provider is failing or rate limiting: try again later',
      category: errorCategory(error),
    };
  }
  if (
    error.error === 'invalid_client' ||
    error.error === 'unauthorized_client' ||
    error.error === 'authenticity_token_error' ||
    error.error === 'twitter_99' ||
    error.error === 'twitter_32' ||
    (error.status === 401 && !/timeline/i.test(error.message))
  ) {
    return {
      message: `${scope.name}: the provider refused the app's credentials${where} (HTTP ${error.status} ${error.error}${said})`,
      hint: `check ${credentialFields(scope)} (and the environment variables they reference)`,
      category: 'auth',
    };
  }
  if (error.error === 'invalid_grant') {
    return {
      message: `${scope.name}: the provider refused the stored grant (HTTP ${error.status} invalid_grant${said})`,
      hint: `log in again: tokensmith login ${scope.name}`,
      category: 'auth',
    };
  }
  if (error.error === 'invalid_scope') {
    return {
      message: `${scope.name}: the provider refused the scopes (HTTP ${error.status} invalid_scope${said})`,
      hint: `check providers.${scope.name}.scope${scope.config.strategy === 'client-credentials' ? '' : 's'}`,
      category: 'auth',
    };
  }
  return {
    message: `${scope.name}: ${error.message}`,
    hint: `check the settings under providers.${scope.name}, or log in again: tokensmith login ${scope.name}`,
    category: errorCategory(error),
  };
}

/**
 * The login to run next, unless the message already names it (the CLI's own login_required
 * messages do, with the right form for the situation): the advice is given once. An OAuth 1.0a
 * login also has a two-step form for scripts, where no one can type the PIN.
 */
function loginHint(message: string, scope: ProviderScope): { hint?: string } {
  if (message.includes(`tokensmith login ${scope.name}`)) return {};
  const login = `tokensmith login ${scope.name}`;
  return scope.config.strategy === 'oauth1-pin'
    ? { hint: `run \`${login}\` in a terminal; in a script, log in in two steps: \`${login} --no-browser\`, then \`${login} --pin PIN\`` }
    : { hint: `run \`${login}\`` };
}

function explainProvider(error: TokensmithError, scope: ProviderScope): Explanation {
  if (error instanceof OAuthResponseError) return explainOAuth(error, scope);
  const sys = systemError(error);
  const address = sys?.address && sys.port ? `${sys.address}:${sys.port}` : undefined;
  const endpoint = endpointOf(scope, error.message, address);
  const where = endpoint ? `${endpoint[0]} = ${printable(endpoint[1])}` : (address ?? 'the server');
  switch (error.code) {
    case 'network_error': {
      const why = sys?.code ? (CONNECT_REASONS[sys.code] ?? `the connection failed (${sys.code})`) : 'the connection failed';
      return {
        message: `${scope.name}: cannot reach ${where}: ${why}`,
        hint:
          sys?.code === 'ENOTFOUND' || sys?.code === 'EAI_AGAIN'
            ? `check the host name in ${endpoint?.[0] ?? `providers.${scope.name}`}`
            : `is the server running at that address? Check ${endpoint?.[0] ?? `the URLs under providers.${scope.name}`}`,
        category: errorCategory(error),
      };
    }
    case 'timeout':
      return {
        message: `${scope.name}: ${where} did not answer in time${scope.config.timeoutMs ? ` (timeoutMs ${scope.config.timeoutMs})` : ''}`,
        hint: `try again later, or raise providers.${scope.name}.timeoutMs`,
        category: errorCategory(error),
      };
    case 'invalid_token_response':
      return {
        message: `${scope.name}: ${error.message}`,
        hint: `check ${endpoint?.[0] ?? `providers.${scope.name}`} points at the provider's token endpoint`,
        category: errorCategory(error),
      };
    case 'http_error':
      return {
        message: `${scope.name}: ${error.message}`,
        hint: `check ${endpoint?.[0] ?? `the URLs under providers.${scope.name}`}`,
        category: errorCategory(error),
      };
    case 'insecure_endpoint':
      return {
        message: `${scope.name}: ${endpoint ? `${endpoint[0]}: ` : ''}${error.message}`,
        hint: 'use the https:// URL the provider documents',
        category: 'usage',
      };
    case 'login_required':
    case 'callback_timeout':
    case 'state_mismatch':
    case 'authorization_denied':
    case 'device_code_expired':
      return { message: error.message, ...loginHint(error.message, scope), category: errorCategory(error) };
    default:
      return { message: error.message, category: errorCategory(error) };
  }
}

/**
 * Explains a failure for a person: tokensmith's own errors keep their message and gain the
 * provider's config paths and the next step; a system error is put in words; anything else is
 * summarised in one line (never a stack or a library's raw advice). No secret is ever added: only
 * names, config paths and URLs without query strings.
 *
 * @example
 * ```ts
 * const { message, hint, category } = explain(error, recallProvider(io));
 * ```
 */
export function explain(error: unknown, scope?: ProviderScope): Explanation {
  const store = explainStore(error, scope?.storeSetting ?? '');
  if (store) return store;
  const sys = systemError(error);
  if (sys?.code === 'EADDRINUSE' && sys.syscall === 'listen') return busyPortHint(sys.port ?? '?');
  if (error instanceof TokensmithError) {
    if (scope && errorCategory(error) !== 'usage') return explainProvider(error, scope);
    if (scope && error.code === 'insecure_endpoint') return explainProvider(error, scope);
    return { message: error.message, category: errorCategory(error) };
  }
  if (error instanceof Error && 'category' in error && typeof (error as { category: unknown }).category === 'string') {
    return { message: error.message, category: (error as { category: ErrorCategory }).category };
  }
  if (sys?.code)
    return { message: `${sys.syscall ?? 'a system call'} failed: ${CONNECT_REASONS[sys.code] ?? sys.code}`, category: 'provider' };
  if (error instanceof Error)
    return {
      message: `unexpected error (${error.name}): ${error.message.split('\n')[0]}`,
      hint: 'run again with --verbose; if it persists, report it',
      category: 'provider',
    };
  return { message: 'unexpected error', category: 'provider' };
}
