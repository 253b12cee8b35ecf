/**
 * Form-urlencodes a value the way RFC 6749 Appendix B asks (space as `+`, and `!'()*` escaped too).
 */
function formEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The HTTP Basic `Authorization` value for client credentials (RFC 6749 2.3.1): id and secret
 * are form-urlencoded first, then joined with `:` and base64-encoded. This is what the provider
 * sends; it is exported so the encoding can be checked without a network.
 *
 * @example
 * ```ts
 * basicAuthorization('xvz1evFS4wEEPTGEFPHBog', 'L8qq9PZyRg6ieKGEKhZolGC0vJWLw8iEJ88DRdyOg');
 * // 'Basic eHZ6MWV2RlM0d0VFUFRHRUZQSEJvZzpMOHFxOVBaeVJnNmllS0dFS2hab2xHQzB2SldMdzhpRUo4OERSZHlPZw=='
 * ```
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64')}`;
}
