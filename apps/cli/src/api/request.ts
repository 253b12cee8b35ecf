import { CliError } from '../cli-error.js';
import { fieldsToJson, fieldsToParams, type Field } from './fields.js';

// What `tokensmith api` sends, decided before anything is sent: the URL (only on the provider's
// own origins, so a token never leaves for another host), the method, the headers (never a
// caller's Authorization: the strategy sets it) and where the fields go (gh's rules: the query for
// GET/HEAD/DELETE or with --input, else a JSON body, or a form body with --form, which OAuth 1.0a signs).

/** Where a provider's API lives, from its config. */
export interface ApiTarget {
  /** The provider's config name, for messages. */
  provider: string;
  /** `baseUrl`: paths resolve under it. */
  baseUrl?: string | undefined;
  /** Further origins an absolute URL may name (`allowedOrigins`). */
  allowedOrigins?: readonly string[] | undefined;
}

/** The request `tokensmith api` will send. */
export interface ApiRequestPlan {
  method: string;
  url: URL;
  headers: Record<string, string>;
  /** `json`/`form`: the body text; `input`: the body comes from --input; `none`: no body. */
  body: { kind: 'none' } | { kind: 'json'; text: string } | { kind: 'form'; params: URLSearchParams } | { kind: 'input' };
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The URL a path or absolute URL names for a provider. A path goes under `baseUrl` (its path is a
 * prefix: `/projects` under `https://gitlab.com/api/v4` is `/api/v4/projects`); an absolute URL must
 * be on `baseUrl`'s origin or one of `allowedOrigins`. Refused before any request: another origin,
 * userinfo, a scheme other than https (http on loopback only).
 *
 * @example
 * ```ts
 * resolveApiUrl('/2/users/me', { provider: 'x', baseUrl: 'https://api.x.com' }).href; // 'https://api.x.com/2/users/me'
 * ```
 */
export function resolveApiUrl(target: string, api: ApiTarget): URL {
  const base = api.baseUrl === undefined ? undefined : new URL(api.baseUrl);
  let url: URL;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    if (!URL.canParse(target)) throw new CliError('usage', `${target.slice(0, 80)} is not a URL`);
    url = new URL(target);
  } else {
    if (!base)
      throw new CliError(
        'usage',
        `providers.${api.provider}.baseUrl is not set: add it (e.g. https://api.x.com) to call paths, or give a full URL`,
      );
    const [path = '', query] = splitQuery(target);
    url = new URL(base.href);
    url.pathname = `${base.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
    url.search = query === undefined ? '' : `?${query}`;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname)))
    throw new CliError('usage', `${url.protocol}// URLs are refused: tokensmith api sends credentials over https only (http on loopback)`);
  if (url.username !== '' || url.password !== '') throw new CliError('usage', 'a URL with a user name or password in it is refused');
  const allowed = new Set([...(base ? [base.origin] : []), ...(api.allowedOrigins ?? []).map((origin) => new URL(origin).origin)]);
  if (!allowed.has(url.origin)) {
    throw new CliError(
      'usage',
      `${url.origin} is not ${api.provider}'s API (${[...allowed].join(', ') || 'no baseUrl set'}); nothing was sent. To allow it, add it to providers.${api.provider}.allowedOrigins`,
    );
  }
  return url;
}

function splitQuery(target: string): [string, string | undefined] {
  const at = target.indexOf('?');
  return at < 0 ? [target.replace(/#.*$/, ''), undefined] : [target.slice(0, at), target.slice(at + 1).replace(/#.*$/, '')];
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * `-H 'Name: value'` arguments as a header record (later ones win). `Authorization` is refused
 * (the provider's strategy signs each request), and so is anything that is not one header line.
 *
 * @example
 * ```ts
 * parseHeaderArgs(['Accept: application/vnd.github+json']); // { accept: 'application/vnd.github+json' }
 * ```
 */
export function parseHeaderArgs(args: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const arg of args) {
    const at = arg.indexOf(':');
    const name = at < 0 ? '' : arg.slice(0, at).trim();
    const value = at < 0 ? '' : arg.slice(at + 1).trim();
    if (!TOKEN.test(name)) throw new CliError('usage', `-H takes 'Name: value' (got "${arg.slice(0, 40)}")`);
    if (/[\r\n\0]/.test(value)) throw new CliError('usage', `-H ${name}: a header value is one line`);
    if (name.toLowerCase() === 'authorization')
      throw new CliError(
        'usage',
        "-H Authorization is refused: the provider's strategy authenticates every request (use another provider to send other credentials)",
      );
    headers[name.toLowerCase()] = value;
  }
  return headers;
}

/**
 * Decides the request: the method (given, else POST when there are fields or --input, else GET),
 * where the fields go, and the headers.
 *
 * @example
 * ```ts
 * planApiRequest({ target: '/2/tweets', api: { provider: 'x', baseUrl: 'https://api.x.com' }, headers: [], fields: [{ name: 'text', path: ['text'], value: 'hi' }] });
 * // { method: 'POST', body: { kind: 'json', text: '{"text":"hi"}' }, ... }
 * ```
 */
export function planApiRequest(options: {
  target: string;
  api: ApiTarget;
  method?: string | undefined;
  headers: readonly string[];
  fields: readonly Field[];
  form?: boolean | undefined;
  input?: boolean | undefined;
}): ApiRequestPlan {
  const url = resolveApiUrl(options.target, options.api);
  const method = (options.method ?? (options.fields.length > 0 || options.input ? 'POST' : 'GET')).toUpperCase();
  if (!TOKEN.test(method)) throw new CliError('usage', `-X ${options.method}: not an HTTP method`);
  const headers: Record<string, string> = { accept: 'application/json', ...parseHeaderArgs(options.headers) };
  const inQuery = options.input === true || ['GET', 'HEAD', 'DELETE'].includes(method);
  if (options.form && options.input)
    throw new CliError('usage', '--form and --input cannot be used together: --form encodes the fields as the body');
  if (options.form && inQuery) throw new CliError('usage', `--form sends a body, which ${method} has none of; use -X POST`);
  if (inQuery) {
    for (const [name, value] of fieldsToParams(options.fields)) url.searchParams.append(name, value);
    if (options.input) headers['content-type'] ??= 'application/json';
    return { method, url, headers, body: options.input ? { kind: 'input' } : { kind: 'none' } };
  }
  if (options.form) {
    if (headers['content-type'] !== undefined && !headers['content-type'].toLowerCase().startsWith('application/x-www-form-urlencoded'))
      throw new CliError('usage', '--form sends application/x-www-form-urlencoded: drop the -H Content-Type');
    headers['content-type'] = 'application/x-www-form-urlencoded';
    return { method, url, headers, body: { kind: 'form', params: fieldsToParams(options.fields) } };
  }
  if (options.fields.length === 0) return { method, url, headers, body: { kind: 'none' } };
  headers['content-type'] ??= 'application/json';
  return { method, url, headers, body: { kind: 'json', text: JSON.stringify(fieldsToJson(options.fields)) } };
}
