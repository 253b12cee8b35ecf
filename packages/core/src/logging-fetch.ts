import { requestUrl } from './fetch-input.js';
import { REDACTED, SECRET_FIELD_PATTERN, redactHeaders } from './redact.js';

/** A log sink: one line per call. */
export type LogLine = (line: string) => void;

const EXTRA_SECRET_PARAMS = /^(oauth_token|oauth_signature|oauth_verifier|code|code_verifier|state|nonce|token|id_token_hint)$/i;

function isSecretParam(name: string): boolean {
  return SECRET_FIELD_PATTERN.test(name) || EXTRA_SECRET_PARAMS.test(name);
}

/**
 * A URL safe to log: userinfo dropped and secret-looking query parameters masked.
 *
 * @example
 * ```ts
 * redactUrl('https://x.example/cb?code=abc&state=s1&ok=1'); // 'https://x.example/cb?code=[redacted]&state=[redacted]&ok=1'
 * ```
 */
export function redactUrl(input: string | URL): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return '[unparseable url]';
  }
  url.username = '';
  url.password = '';
  const parts: string[] = [];
  for (const [name, value] of url.searchParams) parts.push(`${encodeURIComponent(name)}=${isSecretParam(name) ? REDACTED : encodeURIComponent(value)}`);
  return `${url.origin}${url.pathname}${parts.length ? `?${parts.join('&')}` : ''}`;
}

/**
 * A form body safe to log: every secret-looking parameter masked.
 *
 * @example
 * ```ts
 * redactForm('grant_type=refresh_token&refresh_token=abc'); // 'grant_type=refresh_token&refresh_token=[redacted]'
 * ```
 */
export function redactForm(body: string | URLSearchParams): string {
  const params = new URLSearchParams(body);
  return [...params].map(([name, value]) => `${name}=${isSecretParam(name) ? REDACTED : value}`).join('&');
}

function headersOf(init: RequestInit | undefined): Record<string, string> {
  return Object.fromEntries(new Headers(init?.headers).entries());
}

/**
 * Wraps `fetch` so every request and response is logged with secrets masked: Authorization keeps only
 * its scheme, secret query and form parameters are replaced, bodies of other types are not logged.
 *
 * @example
 * ```ts
 * const loggedFetch = createLoggingFetch((line) => process.stderr.write(`tokensmith:http ${line}\n`));
 * const api = createAuthenticatedFetch(provider, { fetch: loggedFetch });
 * ```
 */
export function createLoggingFetch(log: LogLine, baseFetch: typeof fetch = globalThis.fetch, now: () => number = () => performance.now()): typeof fetch {
  const loggingFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = requestUrl(input);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const headers = redactHeaders(headersOf(init));
    const body = typeof init?.body === 'string' || init?.body instanceof URLSearchParams ? ` body=${redactForm(init.body)}` : init?.body ? ' body=(not logged)' : '';
    log(`→ ${method} ${redactUrl(url)} headers=${JSON.stringify(headers)}${body}`);
    const started = now();
    try {
      const response = await baseFetch(input, init);
      log(`← ${response.status} ${method} ${redactUrl(url)} in ${Math.round(now() - started)} ms`);
      return response;
    } catch (error) {
      log(`✖ ${method} ${redactUrl(url)} failed after ${Math.round(now() - started)} ms: ${(error as { name?: string }).name ?? 'Error'}`);
      throw error;
    }
  };
  return loggingFetch as typeof fetch;
}

/**
 * Whether `DEBUG` enables tokensmith's logs (`tokensmith`, `tokensmith*`, `tokensmith:*`, `*`).
 *
 * @example
 * ```ts
 * debugEnabled('express,tokensmith*'); // true
 * ```
 */
export function debugEnabled(debug: string | undefined): boolean {
  if (!debug) return false;
  return debug.split(/[\s,]+/).some((item) => item === '*' || /^tokensmith(\*|:\*|:http)?$/.test(item));
}
