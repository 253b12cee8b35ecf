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
  for (const [name, value] of url.searchParams)
    parts.push(`${encodeURIComponent(name)}=${isSecretParam(name) ? REDACTED : encodeURIComponent(value)}`);
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

const LOG_SINK = Symbol.for('tokensmith.logSink');

/**
 * The log lines of one HTTP exchange, in the one format every tokensmith transport logs in
 * (`createLoggingFetch`, and transports that do not go through `fetch`, such as simple-oauth2's).
 * Authorization keeps only its scheme; secret query and form parameters are masked.
 *
 * @example
 * ```ts
 * const lines = httpLogLines(log);
 * lines.request('POST', tokenUrl, { authorization: 'Basic abc' }, 'grant_type=client_credentials');
 * lines.response(200, 'POST', tokenUrl, 12);
 * ```
 */
export function httpLogLines(log: LogLine): {
  // 'not logged' is the placeholder a caller passes for a body it must not log: named for the reader.
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents
  request(method: string, url: string | URL, headers: Record<string, string>, body?: string | URLSearchParams | 'not logged'): void;
  response(status: number, method: string, url: string | URL, elapsedMs: number): void;
  failure(method: string, url: string | URL, elapsedMs: number, errorName: string): void;
} {
  return {
    request(method, url, headers, body) {
      const shown = body === undefined ? '' : body === 'not logged' ? ' body=(not logged)' : ` body=${redactForm(body)}`;
      log(`→ ${method} ${redactUrl(url)} headers=${JSON.stringify(redactHeaders(headers))}${shown}`);
    },
    response(status, method, url, elapsedMs) {
      log(`← ${status} ${method} ${redactUrl(url)} in ${Math.round(elapsedMs)} ms`);
    },
    failure(method, url, elapsedMs, errorName) {
      log(`✖ ${method} ${redactUrl(url)} failed after ${Math.round(elapsedMs)} ms: ${errorName}`);
    },
  };
}

/**
 * The log sink of a fetch made by {@link createLoggingFetch}, or `undefined`: lets a strategy whose
 * library does not use `fetch` (simple-oauth2) log its requests where the injected fetch logs.
 *
 * @example
 * ```ts
 * const log = logSinkOf(options.fetch); // defined under the CLI's --verbose
 * ```
 */
export function logSinkOf(fetchFn: unknown): LogLine | undefined {
  const sink: unknown = typeof fetchFn === 'function' ? (fetchFn as unknown as Record<symbol, unknown>)[LOG_SINK] : undefined;
  return typeof sink === 'function' ? (sink as LogLine) : undefined;
}

/**
 * Wraps `fetch` so every request and response is logged with secrets masked: Authorization keeps only
 * its scheme, secret query and form parameters are replaced, bodies of other types are not logged.
 * The result carries its sink (see {@link logSinkOf}) so non-fetch transports log alike.
 *
 * @example
 * ```ts
 * const loggedFetch = createLoggingFetch((line) => process.stderr.write(`tokensmith:http ${line}\n`));
 * const api = createAuthenticatedFetch(provider, { fetch: loggedFetch });
 * ```
 */
export function createLoggingFetch(
  log: LogLine,
  baseFetch: typeof fetch = globalThis.fetch,
  now: () => number = () => performance.now(),
): typeof fetch {
  const lines = httpLogLines(log);
  const loggingFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = requestUrl(input);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const body =
      typeof init?.body === 'string' || init?.body instanceof URLSearchParams ? init.body : init?.body ? 'not logged' : undefined;
    lines.request(method, url, headersOf(init), body);
    const started = now();
    try {
      const response = await baseFetch(input, init);
      lines.response(response.status, method, url, now() - started);
      return response;
    } catch (error) {
      lines.failure(method, url, now() - started, String((error as { name?: string }).name ?? 'Error'));
      throw error;
    }
  };
  Object.defineProperty(loggingFetch, LOG_SINK, { value: log, enumerable: false });
  return loggingFetch;
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
