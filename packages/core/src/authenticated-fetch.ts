import type { AuthorizeRequest, TokenProvider } from './provider.js';

/**
 * Options of {@link createAuthenticatedFetch}.
 */
export interface AuthenticatedFetchOptions {
  /** The fetch to wrap. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** On a 401, invalidate the token and retry once with a fresh one. Default `true`. */
  retryOn401?: boolean;
}

const FORM = 'application/x-www-form-urlencoded';

function urlOf(input: string | URL | Request): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

/** The form body an OAuth 1.0a signature covers; JSON, binary and streamed bodies are not signed. */
function formBodyOf(body: RequestInit['body'], headers: Headers): AuthorizeRequest['body'] {
  if (body instanceof URLSearchParams) return body;
  if (typeof body === 'string' && (headers.get('content-type') ?? '').toLowerCase().startsWith(FORM)) return body;
  return undefined;
}

function isReplayable(body: RequestInit['body']): boolean {
  return body === undefined || body === null || typeof body === 'string' || body instanceof URLSearchParams || body instanceof ArrayBuffer || ArrayBuffer.isView(body) || body instanceof Blob;
}

/**
 * A `fetch`-compatible function that authenticates each request with `provider` and, on a 401,
 * invalidates the token and retries once with a fresh one (when the body can be sent again).
 *
 * @example
 * ```ts
 * const api = createAuthenticatedFetch(provider);
 * const res = await api('https://api.twitter.com/1.1/statuses/user_timeline.json?screen_name=twitterapi');
 * ```
 */
export function createAuthenticatedFetch(provider: TokenProvider, options: AuthenticatedFetchOptions = {}): typeof fetch {
  const baseFetch = options.fetch ?? globalThis.fetch;
  const retryOn401 = options.retryOn401 ?? true;

  const send = async (input: string | URL | Request, init: RequestInit | undefined, forceRefresh: boolean) => {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const request: AuthorizeRequest = { method, url: urlOf(input) };
    const body = formBodyOf(init?.body, headers);
    if (body !== undefined) request.body = body;
    const auth = await provider.authorize(request, forceRefresh ? { forceRefresh: true } : {});
    for (const [name, value] of Object.entries(auth)) headers.set(name, value);
    return baseFetch(input, { ...init, headers });
  };

  const authenticatedFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await send(input, init, false);
    if (response.status !== 401 || !retryOn401 || !isReplayable(init?.body) || input instanceof Request) return response;
    await response.body?.cancel();
    await provider.invalidate();
    return send(input, init, true);
  };
  return authenticatedFetch as typeof fetch;
}
