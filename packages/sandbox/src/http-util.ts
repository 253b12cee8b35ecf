import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body the sandbox reads. */
export const MAX_BODY_BYTES = 64 * 1024;

/** A request as the route handlers see it. */
export interface SandboxRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  /** The raw body text (empty for GET). */
  body: string;
  /** The body parsed as a form when its content type is `application/x-www-form-urlencoded`. */
  form: URLSearchParams | undefined;
  /** The form's JWT client assertion, verified before routing (see client-assertion.ts); absent without one. */
  clientAssertion?: { ok: true; clientId: string } | { ok: false; description: string };
}

/**
 * Reads and decodes a request body, refusing more than {@link MAX_BODY_BYTES}.
 *
 * @example
 * ```ts
 * const req = await readRequest(raw, 'http://127.0.0.1:8787'); req.form?.get('grant_type');
 * ```
 */
export async function readRequest(req: IncomingMessage, base: string): Promise<SandboxRequest> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks).toString('utf8');
  const isForm = (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
  return {
    method: req.method ?? 'GET',
    url: new URL(req.url ?? '/', base),
    headers: req.headers,
    body,
    form: isForm ? new URLSearchParams(body) : undefined,
  };
}

/**
 * Sends a JSON body, serialized by `stringify` (JSON.stringify unless given).
 *
 * @example
 * ```ts
 * sendJson(res, 200, { token_type: 'bearer', access_token: token });
 * ```
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  stringify: (value: unknown) => string = JSON.stringify,
): void {
  const text = stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * Sends a form-encoded body (OAuth 1.0a token responses).
 *
 * @example
 * ```ts
 * sendForm(res, 200, { oauth_token: token, oauth_token_secret: secret, oauth_callback_confirmed: 'true' });
 * ```
 */
export function sendForm(res: ServerResponse, status: number, params: Record<string, string>): void {
  const text = new URLSearchParams(params).toString();
  res.writeHead(status, {
    'content-type': 'application/x-www-form-urlencoded',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * Sends an HTML page with a strict CSP: no external assets, forms post only to the sandbox, plus
 * `formActionOrigins`. Browsers (Chromium) also check `form-action` on the redirect that follows a
 * form's POST, so a page that redirects to a client (the OAuth 2 consent page) must list its origin.
 *
 * @example
 * ```ts
 * sendHtml(res, 200, '<!doctype html><html lang="en"><title>Authorize</title>...');
 * sendHtml(res, 200, consentHtml, { formActionOrigins: ['http://127.0.0.1:53127'] });
 * ```
 */
export function sendHtml(res: ServerResponse, status: number, html: string, options: { formActionOrigins?: string[] } = {}): void {
  const formActions = ["'self'", ...(options.formActionOrigins ?? [])].join(' ');
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(html),
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${formActions}`,
  });
  res.end(html);
}

/** Twitter's error codes the sandbox answers with (shape `{ errors: [{ code, message, label? }] }`). */
export const TWITTER_ERRORS = {
  badAuthentication: { status: 400, code: 215, message: 'Bad Authentication data.' },
  couldNotAuthenticate: { status: 401, code: 32, message: 'Could not authenticate you.' },
  invalidToken: { status: 401, code: 89, message: 'Invalid or expired token.' },
  unableToVerify: { status: 403, code: 99, message: 'Unable to verify your credentials', label: 'authenticity_token_error' },
  missingGrantType: { status: 400, code: 170, message: 'Missing required parameter: grant_type', label: 'forbidden_missing_parameter' },
  notFound: { status: 404, code: 34, message: 'Sorry, that page does not exist.' },
  timestampOutOfBounds: { status: 401, code: 135, message: 'Timestamp out of bounds.' },
} as const;

/**
 * Sends one of {@link TWITTER_ERRORS} in Twitter's JSON shape.
 *
 * @example
 * ```ts
 * sendTwitterError(res, TWITTER_ERRORS.invalidToken); // 401 {"errors":[{"code":89,...}]}
 * ```
 */
export function sendTwitterError(res: ServerResponse, error: (typeof TWITTER_ERRORS)[keyof typeof TWITTER_ERRORS]): void {
  const entry: Record<string, unknown> = { code: error.code, message: error.message };
  if ('label' in error) entry.label = error.label;
  sendJson(res, error.status, { errors: [entry] });
}

/**
 * Sends an RFC 6749 5.2 error.
 *
 * @example
 * ```ts
 * sendOAuthError(res, 400, 'invalid_grant', 'the code was already used');
 * ```
 */
export function sendOAuthError(res: ServerResponse, status: number, error: string, description: string): void {
  sendJson(res, status, { error, error_description: description }, status === 401 ? { 'www-authenticate': 'Basic realm="sandbox"' } : {});
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/**
 * Decodes HTTP Basic client credentials, undoing RFC 6749 2.3.1's form-urlencoding.
 * Returns undefined when the header is missing or malformed.
 *
 * @example
 * ```ts
 * parseBasicAuth('Basic aWQlMjBhOnMlM0Fi'); // { id: 'id a', secret: 's:b' }
 * ```
 */
export function parseBasicAuth(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/**
 * HTML-escapes text for the sandbox's pages.
 *
 * @example
 * ```ts
 * escapeHtml('<b>"x"</b>'); // '&#60;b&#62;&#34;x&#34;&#60;/b&#62;'
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
