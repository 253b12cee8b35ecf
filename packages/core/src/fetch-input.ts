/**
 * The URL a `fetch` input names, as a string.
 *
 * @example
 * ```ts
 * requestUrl(new URL('https://api.example.com/x')); // 'https://api.example.com/x'
 * ```
 */
export function requestUrl(input: string | URL | Request): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

/**
 * Releases a response's body without reading it (so the connection can be reused), ignoring errors.
 *
 * @example
 * ```ts
 * if (response.status === 401) await discardBody(response);
 * ```
 */
export async function discardBody(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}
