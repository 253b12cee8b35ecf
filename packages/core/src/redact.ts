/** Field names whose values are secrets wherever they appear (bodies, logs, configs). */
export const SECRET_FIELD_PATTERN =
  /^(access_?token|refresh_?token|id_?token|client_?secret|consumer_?secret|token_?secret|oauth_token_secret|oauth_verifier|oauth_signature|code_?verifier|code|device_?code|pin|password|secret|authorization|subject_?token|actor_?token|assertion|client_?assertion|private_?key)$/i;

/** The mask written in place of a secret. */
export const REDACTED = '[redacted]';

const MAX_BODY_CHARS = 2_000;

/**
 * Masks secret-looking fields in a response body (JSON or form-encoded) and caps its length,
 * so it can be kept on an error or logged.
 *
 * @example
 * ```ts
 * redactBody('{"access_token":"abc","error":"x"}'); // '{"access_token":"[redacted]","error":"x"}'
 * ```
 */
export function redactBody(body: string): string {
  let text = body;
  try {
    const json: unknown = JSON.parse(body);
    text = JSON.stringify(redactValue(json));
  } catch {
    if (/^[^\s{<]*=[^\s]*$/.test(body.trim())) {
      const params = new URLSearchParams(body.trim());
      for (const key of [...params.keys()]) if (SECRET_FIELD_PATTERN.test(key)) params.set(key, REDACTED);
      text = params.toString();
    }
  }
  return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}... (${text.length} chars)` : text;
}

/**
 * Deep-copies a JSON-like value with every secret-named field masked.
 *
 * @example
 * ```ts
 * redactValue({ clientId: 'app', clientSecret: 's3cr3t' }); // { clientId: 'app', clientSecret: '[redacted]' }
 * ```
 */
export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 20) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] =
        SECRET_FIELD_PATTERN.test(key.replace(/[-\s]/g, '_')) && item !== undefined && item !== null
          ? REDACTED
          : redactValue(item, depth + 1);
    }
    return out;
  }
  return value;
}

/**
 * Masks a header set for logging: `Authorization` keeps only its scheme.
 *
 * @example
 * ```ts
 * redactHeaders({ authorization: 'Bearer abc' }); // { authorization: 'Bearer [redacted]' }
 * ```
 */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    // A DPoP proof is replayable at its URL until its iat leaves the server's window: a secret too.
    if (/^(authorization|proxy-authorization|cookie|set-cookie|dpop)$/i.test(name)) {
      const scheme = /^(\w+)\s/.exec(value)?.[1];
      out[name] = scheme ? `${scheme} ${REDACTED}` : REDACTED;
    } else out[name] = value;
  }
  return out;
}
